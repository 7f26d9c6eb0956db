/**
 * What an API refusal tells the user (docs/api-contract.md §3), built directly: the code a status
 * implies, the fix for each documented code, when a create "may still be running" (and may be billed),
 * and the ids that let a user find a paid job.
 */
import type { INode } from 'n8n-workflow';

import { buildApiError, mayHaveStartedJobHint, readErrorEnvelope } from '../../../../nodes/Seedream/transport/errors';

const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };
const MAY_BE_RUNNING = 'the job may still be running';
const BILLED = /may still have been created and may be billed/;

describe('the API error envelope', () => {
	it('reads an error object, an error string, or only the trace id, and nothing from a non-object', () => {
		expect(readErrorEnvelope({ error: { code: 'used_up', message: 'Low' }, trace_id: 't1' })).toEqual({ code: 'used_up', message: 'Low', traceId: 't1' });
		expect(readErrorEnvelope({ error: { code: 7, message: false } })).toEqual({ code: undefined, message: undefined, traceId: undefined });
		expect(readErrorEnvelope({ error: 'Bad thing', trace_id: 5 })).toEqual({ message: 'Bad thing', traceId: undefined });
		expect(readErrorEnvelope({ trace_id: 't2' })).toEqual({ traceId: 't2' });
		expect(readErrorEnvelope('error')).toStrictEqual({});
		expect(readErrorEnvelope(null)).toStrictEqual({});
	});

	it('an error that is neither an object nor a string (null, a number) gives no code or message, but keeps the trace id', () => {
		expect(readErrorEnvelope({ error: null, trace_id: 't3' })).toStrictEqual({ traceId: 't3' });
		expect(readErrorEnvelope({ error: 7, trace_id: 't4' })).toStrictEqual({ traceId: 't4' });
	});
});

describe('buildApiError', () => {
	it.each([
		[401, 'invalid_token', /token was rejected/],
		[404, 'no_api', /does not point at the Seedream API/],
		[413, 'request_too_large', /too large/],
		[429, 'too_many_requests', /rate limiting/],
		[500, 'api_error', /internal error/],
		[503, 'api_error', /internal error/],
	])('HTTP %s without a code is reported as [%s] with its fix', (status, code, fix) => {
		const error = buildApiError(node, { status, kind: 'query' });
		expect(error.message).toBe(`Seedream API: The API answered HTTP ${status} [${code}]`);
		expect(error.description).toMatch(fix);
		expect(error.httpCode).toBe(String(status));
	});

	it('HTTP 400, 403 and 499 imply no code', () => {
		expect(buildApiError(node, { status: 400, kind: 'query' }).message).toBe('Seedream API: The API answered HTTP 400');
		expect(buildApiError(node, { status: 499, kind: 'query' }).message).toBe('Seedream API: The API answered HTTP 499');
		expect(buildApiError(node, { status: 403, kind: 'query' }).message).toBe('Seedream API: The API answered HTTP 403');
	});

	it.each([
		['no code', undefined],
		['a code the node does not know', 'policy_blocked'],
	])('a 403 with %s and no telling words names both usual causes and the console page', (_name, code) => {
		const error = buildApiError(node, { status: 403, code, message: 'Request refused.', kind: 'query' });
		expect(error.description).toBe(
			'Ace Data Cloud refused the request (HTTP 403) without saying why. The usual causes: the balance is too low for this request, or the key is not allowed to use the Seedream Images API (keys can be limited to some APIs, and can expire or reach a usage limit). Check both at https://platform.acedata.cloud.',
		);
	});

	it.each([
		['no_token', /No token reached the API/],
		['token_mismatched', /not valid for the Seedream API/],
		['disabled', /disabled this application/],
		['bad_request', /rejected a parameter/],
		['api_not_implemented', /does not point at the Seedream API/],
		['timeout', /timed out/],
		['not_found', /task id is unknown/],
		['forbidden', /not allowed to use the Seedream Images API/],
	])('the documented code %s comes with its own fix', (code, fix) => {
		const error = buildApiError(node, { status: 400, code, message: 'm', kind: 'query' });
		expect(error.message).toBe(`Seedream API: m [${code}]`);
		expect(error.description).toMatch(fix);
	});

	const explain = (status: number, message: string) => String(buildApiError(node, { status, message, kind: 'query' }).description);

	it.each([
		[403, 'Please top up', /^The Ace Data Cloud balance is too low/],
		[403, 'Please topup', /^The Ace Data Cloud balance is too low/],
		[403, 'recharge first', /^The Ace Data Cloud balance is too low/],
		[403, 'Insufficient funds', /^The Ace Data Cloud balance is too low/],
		[401, 'key expire soon', /^The key has expired/],
		[403, 'quota exceeded', /^The key has reached its usage limit/],
		[403, 'usage limit reached', /^The key has reached its usage limit/],
		[403, 'API not permitted for key', /^This key is probably not allowed to use the Seedream Images API/],
		[403, 'no permission', /^This key is probably not allowed to use the Seedream Images API/],
		[403, 'out of scope', /^This key is probably not allowed to use the Seedream Images API/],
		[403, 'see allowed APIs', /^This key is probably not allowed to use the Seedream Images API/],
		[403, 'not in the allowed API list', /^This key is probably not allowed to use the Seedream Images API/],
		[401, 'not allowed for this key', /^This key is probably not allowed to use the Seedream Images API/],
	])('HTTP %s without a code, message "%s": explained by its words alone', (status, message, hint) => {
		const description = explain(status, message);
		expect(description).toMatch(hint);
		expect(description).not.toMatch(/without saying why/);
	});

	it('only a 401 or 403 is explained by its words; a 401 with no telling words keeps the invalid-token fix', () => {
		// Not a 401/403: a message about the balance on a 400 is the API's words only.
		expect(explain(400, 'Insufficient balance')).not.toMatch(/balance is too low/);
		// A 401 with no words the node knows falls back to the invalid-token fix, not the 403 text.
		expect(explain(401, 'Nope')).toMatch(/token was rejected/);
		expect(explain(401, 'Nope')).not.toMatch(/without saying why/);
	});

	it('a known code on a 403 wins over the words of the message', () => {
		const error = buildApiError(node, { status: 403, code: 'disabled', message: 'balance', kind: 'create' });
		expect(error.description).toMatch(/disabled this application/);
		expect(error.description).not.toMatch(/balance is too low/);
		expect(error.description).not.toMatch(/credential test/);
	});

	it('the credential-test note goes with a create refused for scope or without reason, never with a lookup', () => {
		const note = /credential test does not settle this/;
		expect(buildApiError(node, { status: 403, code: 'forbidden', kind: 'create' }).description).toMatch(note);
		expect(buildApiError(node, { status: 403, kind: 'create' }).description).toMatch(note);
		expect(buildApiError(node, { status: 403, kind: 'query' }).description).not.toMatch(note);
		expect(buildApiError(node, { status: 403, code: 'used_up', kind: 'create' }).description).not.toMatch(note);
	});

	it('a create answered 5xx or unreadable may have started a paid job; a 4xx or a lookup did not', () => {
		const fiveHundred = buildApiError(node, { status: 500, kind: 'create', traceId: 'tr-9' });
		expect(fiveHundred.message).toBe(`Seedream API: The API answered HTTP 500 [api_error]; ${MAY_BE_RUNNING}`);
		expect(fiveHundred.description).toMatch(BILLED);
		expect(fiveHundred.description).toContain('Trace id: tr-9.');
		const garbled = buildApiError(node, { status: 200, kind: 'create', rawBody: '<html>' });
		expect(garbled.message).toBe(
			`Seedream API: The API answered HTTP 200 with a non-JSON body (often a proxy or gateway page); ${MAY_BE_RUNNING}`,
		);
		for (const details of [
			{ status: 499, kind: 'create' as const },
			{ status: 500, kind: 'query' as const },
			{ status: 200, kind: 'download' as const, rawBody: 'x' },
		]) {
			const error = buildApiError(node, details);
			expect(error.message).not.toContain(MAY_BE_RUNNING);
			expect(String(error.description)).not.toMatch(BILLED);
		}
	});

	it('keeps the task and trace ids in the description and in the error response', () => {
		const error = buildApiError(node, { status: 400, code: 'bad_request', message: 'm', kind: 'query', taskId: 'task-1', traceId: 'trace-1', itemIndex: 4 });
		expect(error.description).toContain('Task id: task-1.');
		expect(error.description).toContain('Trace id: trace-1.');
		expect(error.context.itemIndex).toBe(4);
		expect(error.errorResponse).toMatchObject({ code: 'bad_request', message: 'm', trace_id: 'trace-1', task_id: 'task-1', http_status: 400 });
		const bare = buildApiError(node, { status: 400, kind: 'query' });
		expect(bare.errorResponse).toMatchObject({ code: null, trace_id: null, task_id: null });
		expect(String(bare.description)).not.toMatch(/Task id|Trace id|may be billed/);
	});

	it('the description is its hints, one space apart, with no gap for a status without a fix', () => {
		const error = buildApiError(node, { status: 400, kind: 'query', taskId: 'task-1', traceId: 'trace-1' });
		expect(error.description).toBe('Task id: task-1. Trace id: trace-1.');
	});

	it('the "may have started" hint names the trace id when there is one, and how to find the job', () => {
		const paidTwice = 'The job may still have been created and may be billed. It was not sent again, to avoid paying twice. ';
		const lookUp =
			'Look it up in the Ace Data Cloud console by trace id or time before running again; with its task id, Resource "Task" → "Get" or "Wait for Completion" fetches the images.';
		expect(mayHaveStartedJobHint('tr-1')).toBe(`${paidTwice}Trace id: tr-1. ${lookUp}`);
		expect(mayHaveStartedJobHint()).toBe(`${paidTwice}${lookUp}`);
	});
});
