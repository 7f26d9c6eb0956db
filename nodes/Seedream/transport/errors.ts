import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { RequestKind } from './retry';

/** How to fix each error code of the Ace Data Cloud envelope (API contract §3). */
const FIX_HINTS: Record<string, string> = {
	no_token:
		'No token reached the API. Open the Seedream API credential and paste your Ace Data Cloud application token.',
	invalid_token:
		'The token was rejected. Copy the token again from the Ace Data Cloud console into the Seedream API credential.',
	token_expired:
		'The token has expired. Create a new one in the Ace Data Cloud console and update the credential.',
	token_mismatched:
		'The token is not valid for the Seedream API. Use a token of an application subscribed to Seedream.',
	used_up:
		'The Ace Data Cloud balance is too low for this request. Top up at https://platform.acedata.cloud and run again.',
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

/** The API's error envelope, tolerating `error` as a string or missing (contract §3). */
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

function statusFallbackCode(status: number): string | undefined {
	if (status === 401) return 'invalid_token';
	if (status === 403) return 'used_up';
	if (status === 404) return 'no_api';
	if (status === 413) return 'request_too_large';
	if (status === 429) return 'too_many_requests';
	if (status >= 500) return 'api_error';
	return undefined;
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
	const hints = [code ? FIX_HINTS[code] : undefined];
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
