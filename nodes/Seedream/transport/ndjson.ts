import type { IDataObject } from 'n8n-workflow';

/** Yields one parsed object per NDJSON line as the bytes arrive; blank and non-JSON lines are skipped. */
export async function* readNdjson(
	body: AsyncIterable<Buffer | string>,
): AsyncGenerator<IDataObject> {
	let buffered = '';
	for await (const chunk of body) {
		buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		let newline = buffered.indexOf('\n');
		while (newline >= 0) {
			const line = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			const parsed = parseLine(line);
			if (parsed) yield parsed;
			newline = buffered.indexOf('\n');
		}
	}
	const last = parseLine(buffered.trim());
	if (last) yield last;
}

function parseLine(line: string): IDataObject | undefined {
	// Tolerate SSE framing ("data: {...}") in case a proxy converts the stream.
	const json = line.startsWith('data:') ? line.slice(5).trim() : line;
	if (!json || json === '[DONE]') return undefined;
	try {
		const value = JSON.parse(json) as unknown;
		return value && typeof value === 'object' ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}
