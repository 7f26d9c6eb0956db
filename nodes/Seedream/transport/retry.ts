import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/**
 * What a request does to the user's bill decides whether it may be retried:
 * - `create` starts a paid job, so it is retried only when it provably never reached the API;
 * - `query` (task lookups) and `download` (image files) are free and idempotent.
 */
export type RequestKind = 'create' | 'query' | 'download';

export interface RetryPolicy {
	/** Further attempts after the first one. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not honoured: the request fails instead of stalling the run. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 4,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
};

/** Failures where the connection was never made, so the API cannot have started a job. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
/** Failures where the request may or may not have been processed. */
const MAYBE_SENT_CODES = [
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'ERR_STREAM_PREMATURE_CLOSE',
	'EPROTO',
	// axios: the answer's body was cut off ("stream has been aborted").
	'ERR_BAD_RESPONSE',
];

/** Finds a Node/axios network error code anywhere in an error's cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(candidate.code)) {
			return candidate.code;
		}
		current = candidate.cause;
	}
	const message = String((error as { message?: unknown })?.message ?? '');
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timed? ?out/i.test(message)) return 'ETIMEDOUT'; // also axios' "timeout of 5000ms exceeded"
	return [...NOT_SENT_CODES, ...MAYBE_SENT_CODES].find((code) => message.includes(code));
}

export function isNotSentError(code: string | undefined): boolean {
	return code !== undefined && NOT_SENT_CODES.includes(code);
}

export function isRetryableNetworkError(kind: RequestKind, code: string | undefined): boolean {
	if (code === undefined) return false;
	if (kind === 'create') return isNotSentError(code);
	return NOT_SENT_CODES.includes(code) || MAYBE_SENT_CODES.includes(code);
}

/** A 429 means the API refused the request before doing anything, so even a create may repeat it. */
export function isRetryableStatus(kind: RequestKind, status: number): boolean {
	if (status === 429) return true;
	if (kind === 'create') return false;
	return status === 408 || status >= 500;
}

/** Retry-After in milliseconds, from seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const header = Array.isArray(value) ? value[0] : value;
	if (header === undefined || header === null || header === '') return undefined;
	const text = String(header).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter, so parallel items do not retry in lockstep. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(policy.baseDelayMs / 2 + random() * (ceiling - policy.baseDelayMs / 2));
}

type CancellableContext = IExecuteFunctions | IWebhookFunctions;

export function cancelSignal(context: CancellableContext): AbortSignal | undefined {
	const withSignal = context as Partial<IExecuteFunctions>;
	return typeof withSignal.getExecutionCancelSignal === 'function'
		? withSignal.getExecutionCancelSignal()
		: undefined;
}

export function throwIfCancelled(context: CancellableContext, itemIndex?: number): void {
	if (cancelSignal(context)?.aborted) {
		throw new NodeOperationError(context.getNode(), 'The execution was stopped', { itemIndex });
	}
}

/**
 * Waits in short slices so a stopped execution ends the wait promptly even on n8n versions whose
 * `sleep` ignores the abort signal.
 */
export async function pause(
	context: CancellableContext,
	ms: number,
	itemIndex?: number,
): Promise<void> {
	const until = Date.now() + ms;
	for (;;) {
		throwIfCancelled(context, itemIndex);
		const remaining = until - Date.now();
		if (remaining <= 0) return;
		await sleep(Math.min(remaining, 250));
	}
}
