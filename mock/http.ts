// HTTP plumbing of the mock API: request bodies, the error envelope, and the ways an answer can be
// sabotaged (fault injection), kept apart from what the API means.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { bad, codeForStatus, HttpError, MESSAGES, type RequestBody } from './validation';

/** What a route answers; sent, or sabotaged by a fault, in one place. */
export type Reply =
	| { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
	| { kind: 'bytes'; status: number; body: Buffer; headers: Record<string, string> }
	| { kind: 'stream'; run: (res: ServerResponse) => Promise<void> };

/** How a fault replaces or damages an answer. */
export type FaultKind =
	/** An error envelope with this status (429, 5xx…), optionally with Retry-After; `code: null` leaves the code out. */
	| {
			kind: 'status';
			status: number;
			retryAfter?: number | string;
			code?: string | null;
			message?: string;
	  }
	/** Destroys the socket before any byte of the answer. */
	| { kind: 'reset' }
	/** Sends the real answer's headers and half its body, then destroys the socket. */
	| { kind: 'reset-mid-body' }
	/** A proxy's HTML error page; default status 502. `contentType` e.g. image/jpeg: a page posing as an image. */
	| { kind: 'html'; status?: number; contentType?: string }
	/** 200 with a truncated JSON body, or with `body` (e.g. complete but invalid JSON). */
	| { kind: 'malformed-json'; body?: string }
	/** The real answer, chunked, without Content-Length (clients learn the size only at the end). */
	| { kind: 'no-length' }
	/** Waits, then answers normally. */
	| { kind: 'delay'; delayMs: number };

export const json = (body: unknown, status = 200): Reply => ({ kind: 'json', status, body });

/** Ace's envelope: `{"success":false,"error":{"code","message"},"trace_id"}` (contract §3). */
export function errorReply(error: HttpError): Reply {
	return {
		kind: 'json',
		status: error.status,
		headers: error.headers,
		body: {
			success: false,
			error:
				error.code === null
					? { message: error.message }
					: { code: error.code, message: error.message },
			trace_id: randomUUID(),
		},
	};
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of req) {
		total += (chunk as Buffer).length;
		// Keep draining so the client gets the 413 rather than a reset while it is still uploading.
		if (total <= limit) chunks.push(chunk as Buffer);
	}
	if (total > limit) throw new HttpError(413, 'request_too_large');
	return Buffer.concat(chunks);
}

export interface ParsedBody {
	body: RequestBody;
	/** What the request log keeps: the parsed value, or the raw text when it was not JSON. */
	recorded: unknown;
	/** Answered after authentication, as the real API would. */
	error?: HttpError;
}

export function parseJsonBody(raw: Buffer): ParsedBody {
	const text = raw.toString('utf8');
	if (text.trim() === '') return { body: {}, recorded: undefined };
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			return { body: parsed as RequestBody, recorded: parsed };
		}
		return { body: {}, recorded: parsed, error: bad('request body must be a JSON object') };
	} catch {
		return { body: {}, recorded: text, error: bad('request body is not valid JSON') };
	}
}

function serialize(reply: Exclude<Reply, { kind: 'stream' }>) {
	if (reply.kind === 'bytes') return { bytes: reply.body, headers: reply.headers };
	const bytes = Buffer.from(JSON.stringify(reply.body));
	return { bytes, headers: { 'content-type': 'application/json', ...reply.headers } };
}

export async function send(res: ServerResponse, reply: Reply): Promise<void> {
	if (res.destroyed) return;
	if (reply.kind === 'stream') return reply.run(res);
	const { bytes, headers } = serialize(reply);
	res.writeHead(reply.status, { ...headers, 'content-length': bytes.length });
	res.end(bytes);
}

function sendRaw(res: ServerResponse, status: number, contentType: string, text: string): void {
	res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

const proxyPage = (status: number) =>
	`<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** Answers with a fault instead of `reply`; `reply` is absent when the fault struck first. */
export async function sendFault(
	res: ServerResponse,
	fault: FaultKind,
	reply?: Reply,
): Promise<void> {
	switch (fault.kind) {
		case 'status': {
			const code = fault.code === undefined ? codeForStatus(fault.status) : fault.code;
			const headers: Record<string, string> =
				fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
			const message = fault.message ?? (code === null ? `HTTP ${fault.status}` : MESSAGES[code]);
			const error = new HttpError(fault.status, code, message, headers);
			return send(res, errorReply(error));
		}
		case 'html':
			return sendRaw(
				res,
				fault.status ?? 502,
				fault.contentType ?? 'text/html',
				proxyPage(fault.status ?? 502),
			);
		case 'malformed-json':
			return sendRaw(res, 200, 'application/json', fault.body ?? '{"success": true, "task_id": ');
		case 'no-length':
			if (reply && reply.kind !== 'stream') {
				const { bytes, headers } = serialize(reply);
				res.writeHead(reply.status, headers);
				res.end(bytes);
				return;
			}
			if (reply) return send(res, reply);
			return;
		case 'reset-mid-body':
			if (reply && reply.kind !== 'stream') {
				const { bytes, headers } = serialize(reply);
				res.writeHead(reply.status, { ...headers, 'content-length': bytes.length });
				res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
				return;
			}
			res.socket?.destroy();
			return;
		case 'reset':
			res.socket?.destroy();
			return;
		case 'delay':
			if (reply) return send(res, reply);
	}
}
