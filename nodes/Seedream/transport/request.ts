import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { limiterFor, type Permit } from './adaptiveConcurrency';
import { buildApiError, mayHaveStartedJobHint, readErrorEnvelope } from './errors';
import type { RequestKind, RetryPolicy } from './retry';
import {
	backoffDelay,
	cancelSignal,
	DEFAULT_RETRY_POLICY,
	isNotSentError,
	isRetryableNetworkError,
	isRetryableStatus,
	networkErrorCode,
	parseRetryAfter,
	pause,
	throwIfCancelled,
} from './retry';

export const CREDENTIAL_TYPE = 'seedreamApi';

export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

export type SeedreamContext = IExecuteFunctions | IWebhookFunctions;

export interface ApiRequestOptions {
	path: '/seedream/images' | '/seedream/tasks';
	body: IDataObject;
	kind: RequestKind;
	itemIndex?: number;
	timeoutMs?: number;
	retryPolicy?: RetryPolicy;
	/** Ask for NDJSON streaming: the answer's body is handed back unread as `stream`. */
	stream?: boolean;
	/** Task lookups: a 404 for the task (not for a wrong URL, `no_api`) means "unknown id", like `{}`. */
	notFoundAsEmpty?: boolean;
}

export interface ApiResponse {
	status: number;
	body: IDataObject;
	/** The unread NDJSON body of a streaming request. */
	stream?: AsyncIterable<Buffer>;
}

async function readAll(body: unknown): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string' || !body) return Buffer.from(String(body ?? ''));
	if (typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') {
		return Buffer.from(JSON.stringify(body));
	}
	const chunks: Buffer[] = [];
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	}
	return Buffer.concat(chunks);
}

/** Reads and checks the credential's base URL before anything is sent. */
export async function getBaseUrl(context: SeedreamContext, itemIndex?: number): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE, itemIndex ?? 0);
	const raw = String(credentials.baseUrl ?? '').trim() || 'https://api.acedata.cloud';
	let parsed: URL | undefined;
	try {
		parsed = new URL(raw);
	} catch {
		parsed = undefined;
	}
	if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
		throw new NodeOperationError(
			context.getNode(),
			`The credential's Base URL "${raw}" is not a valid URL`,
			{
				itemIndex,
				description:
					'Use a full URL with http:// or https://, e.g. https://api.acedata.cloud (the default).',
			},
		);
	}
	return raw.replace(/\/+$/, '');
}

function parseBody(body: unknown): { json?: IDataObject; raw?: string } {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body))
		return { json: body as IDataObject };
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '');
	if (text.trim() === '') return { json: {} };
	try {
		const parsed = JSON.parse(text) as unknown;
		if (parsed && typeof parsed === 'object') return { json: parsed as IDataObject };
	} catch {
		// Not JSON: the caller reports it with the raw text (e.g. an HTML page from a proxy).
	}
	return { raw: text.slice(0, 500) };
}

/**
 * One authenticated JSON call to the Seedream API with the retry policy of its kind.
 * Resolves with the parsed body of a 2xx answer whose envelope is not an error;
 * throws NodeApiError (API said no) or NodeOperationError (stopped, or could not reach the API).
 */
export async function seedreamApiRequest(
	context: SeedreamContext,
	options: ApiRequestOptions,
): Promise<ApiResponse> {
	const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const baseUrl = await getBaseUrl(context, options.itemIndex);
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: `${baseUrl}${options.path}`,
		body: options.body,
		json: true,
		headers: {
			accept: options.stream ? 'application/x-ndjson' : 'application/json',
			'content-type': 'application/json',
		},
		...(options.stream ? { encoding: 'stream' as const } : {}),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A lookup that hangs must not stall a poll forever; it is free to repeat.
		timeout:
			options.timeoutMs ?? (options.kind === 'create' ? undefined : DEFAULT_QUERY_TIMEOUT_MS),
		abortSignal: cancelSignal(context),
	};

	const limiter = limiterFor(context, options.kind === 'create' ? 'create' : 'query');
	for (let attempt = 0; ; attempt++) {
		throwIfCancelled(context, options.itemIndex);
		// Each attempt takes its own slot: a refused request waits behind the lowered level.
		const permit = limiter ? await waitForSlot(context, limiter, options.itemIndex) : undefined;
		let response: { statusCode: number; headers: IDataObject; body: unknown };
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				request,
			)) as typeof response;
		} catch (error) {
			permit?.finish({ kind: 'failed' });
			throwIfCancelled(context, options.itemIndex);
			const code = networkErrorCode(error);
			if (attempt < policy.maxRetries && isRetryableNetworkError(options.kind, code)) {
				await pause(context, backoffDelay(policy, attempt), options.itemIndex);
				continue;
			}
			throw unreachableError(context, options, code, error);
		}

		const status = response.statusCode;
		const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
		if (options.stream && status < 400) {
			const contentType = String(response.headers?.['content-type'] ?? '');
			if (contentType.includes('ndjson') || contentType.includes('event-stream')) {
				// A streaming generation is running until its last line: it keeps its slot till then.
				const stream = response.body as AsyncIterable<Buffer>;
				return { status, body: {}, stream: permit ? holdWhileRead(stream, permit) : stream };
			}
			// A plain JSON answer to a streaming request: read it like any other.
			response.body = await readAll(response.body);
		} else if (options.stream) {
			response.body = await readAll(response.body);
		}
		permit?.finish(
			status === 429
				? { kind: 'rateLimited', retryAfterMs }
				: status < 400
					? { kind: 'ok' }
					: { kind: 'failed' },
		);
		const { json, raw } = parseBody(response.body);
		const envelope = readErrorEnvelope(json);
		const failed =
			status >= 400 || raw !== undefined || json?.success === false || envelope.code !== undefined;
		if (!failed && json) return { status, body: json };

		if (
			status === 404 &&
			options.notFoundAsEmpty &&
			envelope.code !== 'no_api' &&
			raw === undefined
		) {
			return { status, body: {} };
		}
		// A garbled 2xx (cut off, or a proxy's page) changes nothing upstream; only a create may not repeat.
		const unreadable = status < 400 && raw !== undefined && options.kind !== 'create';
		const retryable = unreadable || (status >= 400 && isRetryableStatus(options.kind, status));
		if (retryable && attempt < policy.maxRetries) {
			if (retryAfterMs === undefined || retryAfterMs <= policy.maxRetryAfterMs) {
				await pause(context, retryAfterMs ?? backoffDelay(policy, attempt), options.itemIndex);
				continue;
			}
		}
		throw buildApiError(context.getNode(), {
			status,
			code: envelope.code,
			message: envelope.message,
			traceId: envelope.traceId,
			taskId: typeof json?.task_id === 'string' ? json.task_id : undefined,
			kind: options.kind,
			itemIndex: options.itemIndex,
			rawBody: raw,
		});
	}
}

/** A request slot from the execution's limiter; a stopped execution ends the wait with its own error. */
export async function waitForSlot(
	context: SeedreamContext,
	limiter: NonNullable<ReturnType<typeof limiterFor>>,
	itemIndex?: number,
): Promise<Permit> {
	try {
		return await limiter.acquire(cancelSignal(context));
	} catch {
		// The wait ends early only when the execution is stopped.
		throw new NodeOperationError(context.getNode(), 'The execution was stopped', { itemIndex });
	}
}

async function* holdWhileRead(
	stream: AsyncIterable<Buffer>,
	permit: Permit,
): AsyncIterable<Buffer> {
	// Even a stream cut off midway was accepted by the API: capacity-wise a success.
	try {
		yield* stream;
	} finally {
		permit.finish({ kind: 'ok' });
	}
}

/** Words for a network error code; n8n replaces messages that contain the code itself with generic advice. */
function describeNetworkError(code: string | undefined): string {
	if (code === undefined) return 'no answer';
	if (['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'].includes(code)) return 'timed out';
	if (code === 'ECONNREFUSED') return 'connection refused';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
	if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
		return 'connection reset';
	if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return 'answer cut off';
	return 'network error';
}

function unreachableError(
	context: SeedreamContext,
	options: ApiRequestOptions,
	code: string | undefined,
	error: unknown,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError && !code) return error;
	const node = context.getNode();
	const what = describeNetworkError(code);
	const codeNote = code ? ` Error code: ${code}.` : '';
	const maybeSent = options.kind === 'create' && !isNotSentError(code);
	// A fresh error keeps request details (headers with the token) out of the output.
	return new NodeOperationError(
		node,
		maybeSent
			? `The Seedream API did not answer the image request (${what}); the job may still be running`
			: `Could not reach the Seedream API (${what})`,
		{
			itemIndex: options.itemIndex,
			description: maybeSent
				? `${mayHaveStartedJobHint()}${codeNote}`
				: `Check the Base URL of the Seedream API credential and the network between n8n and the API.${codeNote}`,
		},
	);
}
