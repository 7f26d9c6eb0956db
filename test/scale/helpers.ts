/** The sink Report nodes post to, and small waiting helpers shared by the scale suite and the bench. */
import { createServer, type Server } from 'node:http';

import { decodeImage } from '../../mock/images';

export interface Report {
	scenario: string;
	exec: number;
	item: number;
	source: number | undefined;
	task: string;
	bytes: number;
	width: number;
	height: number;
	at: number;
}

export interface Sink {
	port: number;
	reports: Report[];
	of(scenario: string, exec?: number): Report[];
	close(): Promise<void>;
}

export async function startSink(port: number, { decode = true }: { decode?: boolean } = {}): Promise<Sink> {
	const reports: Report[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://sink');
			const body = Buffer.concat(chunks);
			let width = 0;
			let height = 0;
			if (decode) {
				try {
					({ width, height } = decodeImage(body));
				} catch {
					// not an image: width 0 fails the test that expects one
				}
			}
			const source = url.searchParams.get('source');
			reports.push({
				scenario: url.searchParams.get('scenario') ?? '',
				exec: Number(url.searchParams.get('exec')),
				item: Number(url.searchParams.get('item')),
				source: source === '-' || source === null ? undefined : Number(source),
				task: url.searchParams.get('task') ?? '',
				bytes: body.length,
				width,
				height,
				at: Date.now(),
			});
			res.setHeader('content-type', 'application/json');
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		port,
		reports,
		of: (scenario, exec) => reports.filter((r) => r.scenario === scenario && (exec === undefined || r.exec === exec)),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000, context: () => string = () => ''): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.text();
	let json: unknown = text;
	try {
		json = JSON.parse(text);
	} catch {
		// keep the text
	}
	return { status: response.status, json };
}
