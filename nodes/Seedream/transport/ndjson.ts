import type { IDataObject } from 'n8n-workflow';

/** Yields one parsed object per NDJSON line as the bytes arrive; blank and non-JSON lines are skipped. */
export async function* readNdjson(
	body: AsyncIterable<Buffer | string>,
): AsyncGenerator<IDataObject> {
	// One decoder for the whole stream: a character whose bytes arrive in two chunks (Chinese text
	// in a prompt, say) is decoded whole instead of as two replacement characters.
	const decoder = new TextDecoder('utf-8');
	let buffered = '';
	for await (const chunk of body) {
		buffered += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		let newline = buffered.indexOf('\n');
		while (newline >= 0) {
			const line = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			const parsed = parseLine(line);
			if (parsed) yield parsed;
			newline = buffered.indexOf('\n');
		}
	}
	buffered += decoder.decode();
	const last = parseLine(buffered.trim());
	if (last) yield last;
}

function parseLine(line: string): IDataObject | undefined {
	// Tolerate SSE framing ("data: {...}") in case a proxy converts the stream.
	// An empty line and SSE's closing "[DONE]" are no JSON: skipped like any other such line.
	const json = line.startsWith('data:') ? line.slice(5).trim() : line;
	try {
		const value = JSON.parse(json) as unknown;
		return value && typeof value === 'object' ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}
