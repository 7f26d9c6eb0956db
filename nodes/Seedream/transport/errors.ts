import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { RequestKind } from './retry';

const CONSOLE_URL = 'https://platform.acedata.cloud';

// Keys can be limited to some APIs, and "task lookup does not grant permission to submit a
// generation" (docs/api-contract.md §1.2), so the free credential test proves little for a generate call.
const KEY_SCOPE_HINT = `This key is probably not allowed to use the Seedream Images API: Ace Data Cloud keys can be limited to some APIs. Allow it for the key, or use a key that has it, at ${CONSOLE_URL}.`;

const KEY_LIMIT_HINT = `The key has reached its usage limit (Ace Data Cloud keys can carry one). Raise the limit or use another key at ${CONSOLE_URL}.`;

/** A 403 the API did not explain: the two usual causes, both checked on the same console page. */
const UNEXPLAINED_403_HINT = `Ace Data Cloud refused the request (HTTP 403) without saying why. The usual causes: the balance is too low for this request, or the key is not allowed to use the Seedream Images API (keys can be limited to some APIs, and can expire or reach a usage limit). Check both at ${CONSOLE_URL}.`;

const CREDENTIAL_TEST_NOTE =
	'A passing credential test does not settle this: it only looks up tasks (free), which a key may be allowed to do without being allowed to generate.';

/** How to fix each error code of the Ace Data Cloud envelope (docs/api-contract.md §3). */
const FIX_HINTS: Record<string, string> = {
	no_token:
		'No token reached the API. Open the Seedream API credential and paste your Ace Data Cloud application token.',
	invalid_token:
		'The token was rejected. Copy the token again from the Ace Data Cloud console into the Seedream API credential.',
	token_expired:
		'The key has expired (Ace Data Cloud keys can carry an expiry date). Create a new one at https://platform.acedata.cloud and paste it into the Seedream API credential.',
	token_mismatched:
		'The token is not valid for the Seedream API. Use a token of an application subscribed to Seedream, or allow the Seedream APIs for this key at https://platform.acedata.cloud.',
	used_up:
		'The Ace Data Cloud balance is too low for this request. Top up at https://platform.acedata.cloud and run again.',
	forbidden: KEY_SCOPE_HINT,
	disabled: 'Ace Data Cloud disabled this application. Contact their support.',
	too_many_requests:
		'Ace Data Cloud is rate limiting this token. Lower the Concurrency option or spread the items over time.',
	bad_request:
		'The API rejected a parameter; the message above names it. The README lists what each model accepts.',
	request_too_large:
		'The request body is too large. Pass reference images as URLs, or use smaller images (10 MB each at most).',
	no_api:
		'The Base URL of the credential does not point at the Seedream API. The default is https://api.acedata.cloud.',
	api_not_implemented: 'The Base URL of the credential does not point at the Seedream API.',
	api_error: 'Ace Data Cloud reported an internal error. Try again later.',
	timeout: 'Ace Data Cloud timed out. Try again later, or use an async mode for long jobs.',
	not_found:
		'The task id is unknown to Ace Data Cloud. Check it, and that it was created with the same token.',
};

export interface ApiErrorDetails {
	status: number;
	code?: string;
	message?: string;
	traceId?: string;
	taskId?: string;
	kind: RequestKind;
	itemIndex?: number;
	/** Raw response text when the body was not the API's JSON envelope (e.g. a proxy's HTML page). */
	rawBody?: string;
}

/** The API's error envelope, tolerating `error` as a string or missing (docs/api-contract.md §3). */
export function readErrorEnvelope(body: unknown): {
	code?: string;
	message?: string;
	traceId?: string;
} {
	if (!body || typeof body !== 'object') return {};
	const envelope = body as IDataObject;
	const error = envelope.error;
	const traceId = typeof envelope.trace_id === 'string' ? envelope.trace_id : undefined;
	if (typeof error === 'string') return { message: error, traceId };
	if (error && typeof error === 'object') {
		const { code, message } = error as IDataObject;
		return {
			code: typeof code === 'string' ? code : undefined,
			message: typeof message === 'string' ? message : undefined,
			traceId,
		};
	}
	return { traceId };
}

/**
 * The code a status implies when the body has none. Not 403: the API sends it for a low balance
 * (`used_up`) and for keys that lack permission alike, so only the body can tell them apart.
 */
function statusFallbackCode(status: number): string | undefined {
	if (status === 401) return 'invalid_token';
	if (status === 404) return 'no_api';
	if (status === 413) return 'request_too_large';
	if (status === 429) return 'too_many_requests';
	if (status >= 500) return 'api_error';
	return undefined;
}

type AccessProblem = 'balance' | 'scope' | 'expired' | 'keyLimit' | 'unexplained';

const ACCESS_HINTS: Record<AccessProblem, string> = {
	balance: FIX_HINTS.used_up,
	scope: KEY_SCOPE_HINT,
	expired: FIX_HINTS.token_expired,
	keyLimit: KEY_LIMIT_HINT,
	unexplained: UNEXPLAINED_403_HINT,
};

/**
 * What a 401/403 most likely means, from what the API sent: a documented code first, then the
 * words of its message (codes for scoped keys are not documented), else unexplained for a 403.
 * Undefined when the code's own hint says it all, or for other statuses.
 */
function accessProblem(
	status: number,
	code: string | undefined,
	message: string | undefined,
): AccessProblem | undefined {
	if (status !== 401 && status !== 403) return undefined;
	if (code === 'used_up') return 'balance';
	if (code === 'token_expired') return 'expired';
	if (code === 'forbidden') return 'scope';
	if (code && FIX_HINTS[code]) return undefined;
	const text = message ?? '';
	if (/balance|insufficient|top ?up|recharge/i.test(text)) return 'balance';
	if (/expired?/i.test(text)) return 'expired';
	if (/usage limit|quota/i.test(text)) return 'keyLimit';
	// Not "forbidden" or "access denied": a 403's reason phrase, they say nothing about the cause.
	if (/permission|scope|not allowed|not permitted|allowed apis?/i.test(text)) return 'scope';
	return status === 403 ? 'unexplained' : undefined;
}

export function mayHaveStartedJobHint(traceId?: string): string {
	return (
		'The job may still have been created and may be billed. It was not sent again, to avoid paying twice. ' +
		(traceId ? `Trace id: ${traceId}. ` : '') +
		// The create's answer (with the task id) was lost, so only the console can find the job.
		'Look it up in the Ace Data Cloud console by trace id or time before running again; with its task id, Resource "Task" → "Get" or "Wait for Completion" fetches the images.'
	);
}

export function buildApiError(node: INode, details: ApiErrorDetails): NodeApiError {
	const code = details.code ?? statusFallbackCode(details.status);
	const apiMessage =
		details.message ??
		(details.rawBody !== undefined
			? `The API answered HTTP ${details.status} with a non-JSON body (often a proxy or gateway page)`
			: `The API answered HTTP ${details.status}`);
	const access = accessProblem(details.status, details.code, details.message);
	const hints = [access ? ACCESS_HINTS[access] : code ? FIX_HINTS[code] : undefined];
	if (details.kind === 'create' && (access === 'scope' || access === 'unexplained'))
		hints.push(CREDENTIAL_TEST_NOTE);
	const maybeStarted =
		details.kind === 'create' && (details.status >= 500 || details.rawBody !== undefined);
	if (maybeStarted) hints.push(mayHaveStartedJobHint(details.traceId));
	if (details.taskId) hints.push(`Task id: ${details.taskId}.`);
	if (details.traceId) hints.push(`Trace id: ${details.traceId}.`);
	const errorResponse: JsonObject = {
		code: code ?? null,
		message: apiMessage,
		trace_id: details.traceId ?? null,
		task_id: details.taskId ?? null,
		http_status: details.status,
	};
	return new NodeApiError(node, errorResponse, {
		message: `Seedream API: ${apiMessage}${code ? ` [${code}]` : ''}${
			maybeStarted ? '; the job may still be running' : ''
		}`,
		description: hints.filter(Boolean).join(' '),
		httpCode: String(details.status),
		itemIndex: details.itemIndex,
	});
}
