/**
 * One API call, driven directly with a fake n8n context (no server, no waits): the credential's Base
 * URL, answers without a body or in another shape than asked for, which answers are handed back, sent
 * again or refused (a create only when it cannot have started a paid job), the words a network failure
 * is reported with, the request as sent, what the execution's limiters learn from each answer, and a
 * stopped execution waiting for a slot. Written against mutants the suites through the mock API left
 * alive or did not reach.
 */
import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { adaptConcurrency, AdaptiveLimiter } from '../../../../nodes/Seedream/transport/adaptiveConcurrency';
import { mayHaveStartedJobHint } from '../../../../nodes/Seedream/transport/errors';
import {
	getBaseUrl,
	seedreamApiRequest,
	waitForSlot,
	type ApiRequestOptions,
} from '../../../../nodes/Seedream/transport/request';
import type { RetryPolicy } from '../../../../nodes/Seedream/transport/retry';

const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };
const BASE_URL = 'http://127.0.0.1:9';
/** One attempt only: the rows are about what a failure says, not how often it is repeated. */
const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
const CHECK_BASE_URL = 'Check the Base URL of the Seedream API credential and the network between n8n and the API.';

interface FakeAnswer {
	statusCode: number;
	headers?: Record<string, string>;
	body: unknown;
}

/** A context whose authenticated request answers with `answer` (or throws what it throws). */
function contextAnswering(
	answer: (request: IHttpRequestOptions) => FakeAnswer | Promise<FakeAnswer>,
	{ credentials = { baseUrl: BASE_URL, apiToken: 't' } as Record<string, unknown>, signal }: { credentials?: Record<string, unknown>; signal?: AbortSignal } = {},
) {
	const sent: IHttpRequestOptions[] = [];
	/** [credential type, item index] of every credential read, and the type every request was sent with. */
	const credentialReads: Array<[string, number | undefined]> = [];
	const authTypes: string[] = [];
	const context = {
		getNode: () => node,
		getCredentials: async (type: string, itemIndex?: number) => {
			credentialReads.push([type, itemIndex]);
			return credentials;
		},
		...(signal ? { getExecutionCancelSignal: () => signal } : {}),
		helpers: {
			httpRequestWithAuthentication: async (type: string, request: IHttpRequestOptions) => {
				authTypes.push(type);
				sent.push(request);
				return answer(request);
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, sent, credentialReads, authTypes };
}

const lookup: ApiRequestOptions = { path: '/seedream/tasks', body: { id: 'task-1' }, kind: 'query', itemIndex: 2, retryPolicy: NO_RETRY };
const streamingCreate: ApiRequestOptions = { path: '/seedream/images', body: { prompt: 'p' }, kind: 'create', itemIndex: 1, retryPolicy: NO_RETRY, stream: true };

async function* chunks(parts: string[]): AsyncIterable<Buffer> {
	for (const part of parts) yield Buffer.from(part);
}

async function readStream(stream: AsyncIterable<Buffer> | undefined): Promise<string> {
	const parts: Buffer[] = [];
	for await (const part of stream ?? []) parts.push(part);
	return Buffer.concat(parts).toString('utf8');
}

describe("the credential's Base URL", () => {
	it.each([
		['missing', undefined],
		['null', null],
		['empty', ''],
		['blank', '   '],
	])('%s means the default https://api.acedata.cloud', async (_name, baseUrl) => {
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: {}, body: {} }), { credentials: { apiToken: 't', baseUrl } });
		await expect(getBaseUrl(context, 0)).resolves.toBe('https://api.acedata.cloud');
	});

	it.each([
		['without a scheme', 'api.acedata.cloud'],
		['with another scheme', 'ftp://api.acedata.cloud'],
		['with spaces', 'https://api acedata cloud'],
	])('one %s is refused before anything is sent, naming it, for the item', async (_name, baseUrl) => {
		const { context, sent } = contextAnswering(() => ({ statusCode: 200, headers: {}, body: {} }), { credentials: { apiToken: 't', baseUrl } });
		const error = await seedreamApiRequest(context, { ...lookup, itemIndex: 4 }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: `The credential's Base URL "${baseUrl}" is not a valid URL`,
			description: 'Use a full URL with http:// or https://, e.g. https://api.acedata.cloud (the default).',
			context: { itemIndex: 4 },
		});
		expect(sent).toHaveLength(0);
	});

	it('loses its trailing slashes, so the API path joins cleanly', async () => {
		const { context, sent } = contextAnswering(() => ({ statusCode: 200, headers: {}, body: {} }), { credentials: { apiToken: 't', baseUrl: ' http://127.0.0.1:9/api// ' } });
		await seedreamApiRequest(context, lookup);
		expect(sent[0].url).toBe('http://127.0.0.1:9/api/seedream/tasks');
	});

	it("is read from the Seedream credential for the request's item (item 0 when it has none), which also signs the request", async () => {
		const { context, credentialReads, authTypes } = contextAnswering(() => ({ statusCode: 200, headers: {}, body: {} }));
		await seedreamApiRequest(context, lookup);
		await seedreamApiRequest(context, { ...lookup, itemIndex: undefined });
		expect(credentialReads).toEqual([
			['seedreamApi', 2],
			['seedreamApi', 0],
		]);
		expect(authTypes).toEqual(['seedreamApi', 'seedreamApi']);
	});
});

describe('reading an answer: parsed JSON, no body, or another shape than asked for', () => {
	it.each([
		['no body', undefined],
		['null', null],
		['an empty string', ''],
		['only white space', ' \n'],
		['an empty buffer', Buffer.alloc(0)],
	])('a lookup answered 200 with %s reads as {} (an unknown task), not as an unreadable answer', async (_name, body) => {
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body }));
		await expect(seedreamApiRequest(context, lookup)).resolves.toEqual({ status: 200, body: {} });
	});

	it('a lookup answered with JSON n8n already parsed hands back that object', async () => {
		const answer = { data: { id: 'task-1', status: 'running' } };
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: answer }));
		await expect(seedreamApiRequest(context, lookup)).resolves.toEqual({ status: 200, body: answer });
	});

	it.each([
		['a buffer', Buffer.from('{"success":true,"task_id":"task-9"}')],
		['a string', '{"success":true,"task_id":"task-9"}'],
	])('a streaming request answered with plain JSON as %s reads it', async (_name, body) => {
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body }));
		await expect(seedreamApiRequest(context, streamingCreate)).resolves.toEqual({ status: 200, body: { success: true, task_id: 'task-9' } });
	});

	it.each([
		['no body', undefined],
		['null', null],
	])('a streaming request answered 200 with %s reads as {}', async (_name, body) => {
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body }));
		await expect(seedreamApiRequest(context, streamingCreate)).resolves.toEqual({ status: 200, body: {} });
	});

	it('a streaming request answered with plain JSON is read whole, like any answer, and hands back no stream', async () => {
		const answer = { success: true, task_id: 'task-9', data: [] };
		const { context, sent } = contextAnswering(() => ({
			statusCode: 200,
			headers: { 'content-type': 'application/json; charset=utf-8' },
			body: chunks(['{"success":true,', '"task_id":"task-9","data":[]}']),
		}));
		const response = await seedreamApiRequest(context, streamingCreate);
		expect(response).toEqual({ status: 200, body: answer });
		expect(response.stream).toBeUndefined();
		expect(sent[0]).toMatchObject({ encoding: 'stream', headers: { accept: 'application/x-ndjson' } });
	});

	it('a streaming request answered with JSON that was already parsed keeps that object', async () => {
		const answer = { success: true, task_id: 'task-9' };
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: answer }));
		await expect(seedreamApiRequest(context, streamingCreate)).resolves.toEqual({ status: 200, body: answer });
	});

	it.each(['application/x-ndjson', 'text/event-stream'])('a streaming answer of type %s is handed back unread', async (contentType) => {
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: { 'content-type': contentType }, body: Readable.from([Buffer.from('{"type":"a"}\n')]) }));
		const response = await seedreamApiRequest(context, streamingCreate);
		expect(response.body).toEqual({});
		expect(await readStream(response.stream)).toBe('{"type":"a"}\n');
	});
});

describe('an API that cannot be reached: the error names what happened in words, and the code', () => {
	async function lookupFailingWith(thrown: unknown) {
		const { context } = contextAnswering(() => {
			throw thrown;
		});
		return await seedreamApiRequest(context, lookup).catch((caught: unknown) => caught);
	}

	it('a lookup failing without any network code: "(no answer)", and no code in the description', async () => {
		const error = await lookupFailingWith(new Error('request failed'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: 'Could not reach the Seedream API (no answer)',
			description: CHECK_BASE_URL,
			context: { itemIndex: 2 },
		});
	});

	it.each([
		['ETIMEDOUT', 'timed out'],
		['ECONNABORTED', 'timed out'],
		['ESOCKETTIMEDOUT', 'timed out'],
		['ECONNREFUSED', 'connection refused'],
		['ENOTFOUND', 'host name not found'],
		['EAI_AGAIN', 'host name not found'],
		['ECONNRESET', 'connection reset'],
		['UND_ERR_SOCKET', 'connection reset'],
		['EPIPE', 'connection reset'],
		['ERR_BAD_RESPONSE', 'answer cut off'],
		['ERR_STREAM_PREMATURE_CLOSE', 'answer cut off'],
		['EPROTO', 'network error'],
		['EHOSTUNREACH', 'network error'],
	])('a lookup failing with %s: "Could not reach the Seedream API (%s)", code in the description', async (code, words) => {
		const error = await lookupFailingWith(Object.assign(new Error('request failed'), { code }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: `Could not reach the Seedream API (${words})`,
			description: `${CHECK_BASE_URL} Error code: ${code}.`,
			context: { itemIndex: 2 },
		});
	});

	it('a create whose stream was cut off may have started a paid job, and says so', async () => {
		const { context, sent } = contextAnswering(() => {
			throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
		});
		const error = await seedreamApiRequest(context, { ...streamingCreate, retryPolicy: undefined }).catch((caught: unknown) => caught);
		expect(error).toMatchObject({
			message: 'The Seedream API did not answer the image request (answer cut off); the job may still be running',
			description: `${mayHaveStartedJobHint()} Error code: ERR_STREAM_PREMATURE_CLOSE.`,
			context: { itemIndex: 1 },
		});
		expect(sent).toHaveLength(1);
	});

	it("n8n's own error without a network code (e.g. about the credential) is passed on unchanged", async () => {
		const own = new NodeOperationError(node, 'Node does not have any credentials set', { itemIndex: 2 });
		expect(await lookupFailingWith(own)).toBe(own);
	});
});

type Step = FakeAnswer | Error;
/** Up to 3 attempts, no backoff, and no Retry-After longer than 0 s honoured: nothing waits. */
const FAST: RetryPolicy = { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): FakeAnswer => ({
	statusCode,
	headers: { 'content-type': 'application/json', ...headers },
	body,
});
const text = (statusCode: number, body: string): FakeAnswer => ({ statusCode, headers: { 'content-type': 'text/html' }, body });
const networkError = (code: string) => Object.assign(new Error(`request failed: ${code}`), { code });
const OK = json(200, { data: { id: 'task-1' } });

/** Attempt n gets steps[n] (the last step repeats); an Error step is thrown like a network failure. */
function contextWithSteps(steps: Step[]) {
	let attempts = 0;
	const answered = contextAnswering(() => {
		const step = steps[Math.min(attempts++, steps.length - 1)];
		if (step instanceof Error) throw step;
		// A copy: the transport replaces the body of the answer it reads.
		return { ...step };
	});
	// Limiters on a frozen clock: an answer takes 0 ms, so only "failed" leaves the admission window at its default.
	const limiters = adaptConcurrency(answered.context, { auto: false, max: 4 });
	limiters.create = new AdaptiveLimiter({ initial: 4, max: 4, now: () => 1_000 });
	limiters.query = new AdaptiveLimiter({ initial: 4, max: 4, now: () => 1_000 });
	return { ...answered, limiters, attempts: () => attempts };
}

const fastLookup: ApiRequestOptions = { ...lookup, retryPolicy: FAST };
const fastCreate: ApiRequestOptions = { path: '/seedream/images', body: { prompt: 'p' }, kind: 'create', itemIndex: 2, retryPolicy: FAST };

describe('what an answer leads to: handed back, sent again, or an error (a create is sent again only when it cannot have started a job)', () => {
	it.each<[string, ApiRequestOptions, Step[], number, number, unknown]>([
		['a lookup answered 200', fastLookup, [OK], 1, 200, OK.body],
		['a lookup answered 200 without any headers', fastLookup, [{ statusCode: 200, body: OK.body }], 1, 200, OK.body],
		['a lookup of an unknown task (404 without a code, asked to read it as empty)', { ...fastLookup, notFoundAsEmpty: true }, [json(404, {})], 1, 404, {}],
		['a lookup answered 500, then 200', fastLookup, [json(500, {}), OK], 2, 200, OK.body],
		['a lookup answered cut-off JSON, then 200', fastLookup, [text(200, '{"data":'), OK], 2, 200, OK.body],
		['a lookup whose connection was reset, then 200', fastLookup, [networkError('ECONNRESET'), OK], 2, 200, OK.body],
		['a create refused with 429 and Retry-After 0, then 200', fastCreate, [json(429, {}, { 'retry-after': '0' }), OK], 2, 200, OK.body],
		['a create refused with 429 without Retry-After, then 200', fastCreate, [json(429, {}), OK], 2, 200, OK.body],
		['a create whose connection was refused (never sent), then 200', fastCreate, [networkError('ECONNREFUSED'), OK], 2, 200, OK.body],
	])('%s: handed back', async (_name, options, steps, attempts, status, body) => {
		const { context, attempts: made } = contextWithSteps(steps);
		await expect(seedreamApiRequest(context, options)).resolves.toEqual({ status, body });
		expect(made()).toBe(attempts);
	});

	const NON_JSON = 'with a non-JSON body (often a proxy or gateway page)';
	it.each<[string, ApiRequestOptions, Step[], number, string]>([
		['a lookup answered 200 with success false', fastLookup, [json(200, { success: false })], 1, 'Seedream API: The API answered HTTP 200'],
		['a lookup answered 200 with an error code', fastLookup, [json(200, { error: { code: 'bad_request', message: 'm' } })], 1, 'Seedream API: m [bad_request]'],
		['a lookup answered 400 without a code', fastLookup, [json(400, {})], 1, 'Seedream API: The API answered HTTP 400'],
		['a lookup answered 400 with an HTML page', fastLookup, [text(400, '<html>')], 1, `Seedream API: The API answered HTTP 400 ${NON_JSON}`],
		['a lookup answered 500 every time', fastLookup, [json(500, {})], 3, 'Seedream API: The API answered HTTP 500 [api_error]'],
		['a lookup whose connection was reset every time', fastLookup, [networkError('ECONNRESET')], 3, 'Could not reach the Seedream API (connection reset)'],
		['a lookup refused with 429 and a Retry-After longer than it waits', fastLookup, [json(429, {}, { 'retry-after': '1' })], 1, 'Seedream API: The API answered HTTP 429 [too_many_requests]'],
		['a lookup answered 404 no_api (a wrong URL, not an unknown task)', { ...fastLookup, notFoundAsEmpty: true }, [json(404, { error: { code: 'no_api', message: 'No API' } })], 1, 'Seedream API: No API [no_api]'],
		['a lookup answered 404 with an HTML page', { ...fastLookup, notFoundAsEmpty: true }, [text(404, '<html>')], 1, `Seedream API: The API answered HTTP 404 ${NON_JSON} [no_api]`],
		['a call answered 404 that is not a task lookup', fastLookup, [json(404, {})], 1, 'Seedream API: The API answered HTTP 404 [no_api]'],
		['a task lookup answered 400 (only a 404 reads as empty)', { ...fastLookup, notFoundAsEmpty: true }, [json(400, { error: { code: 'bad_request', message: 'm' } })], 1, 'Seedream API: m [bad_request]'],
		['a create answered 500', fastCreate, [json(500, {})], 1, 'Seedream API: The API answered HTTP 500 [api_error]; the job may still be running'],
		['a create answered cut-off JSON', fastCreate, [text(200, '{"task_id":')], 1, `Seedream API: The API answered HTTP 200 ${NON_JSON}; the job may still be running`],
		['a create answered JSON that is not an object', fastCreate, [text(200, '42')], 1, `Seedream API: The API answered HTTP 200 ${NON_JSON}; the job may still be running`],
		['a create whose connection was reset', fastCreate, [networkError('ECONNRESET')], 1, 'The Seedream API did not answer the image request (connection reset); the job may still be running'],
		[
			'a streaming create refused with 400 in an NDJSON body',
			{ ...fastCreate, stream: true },
			[{ statusCode: 400, headers: { 'content-type': 'application/x-ndjson' }, body: chunks(['{"error":{"code":"bad_request",', '"message":"m"}}']) }],
			1,
			'Seedream API: m [bad_request]',
		],
	])('%s: an error, after as many attempts as the row allows', async (_name, options, steps, attempts, message) => {
		const { context, attempts: made } = contextWithSteps(steps);
		const error = await seedreamApiRequest(context, options).catch((caught: unknown) => caught);
		expect(error).toMatchObject({ message, context: { itemIndex: 2 } });
		expect(made()).toBe(attempts);
	});

	it('a refusal names the task id the API sent, but only a string one', async () => {
		const refusal = (taskId: unknown) => json(400, { task_id: taskId, error: { code: 'bad_request', message: 'm' } });
		const named = await seedreamApiRequest(contextWithSteps([refusal('task-1')]).context, fastLookup).catch((caught: unknown) => caught);
		expect(named).toMatchObject({ description: expect.stringContaining('Task id: task-1.'), httpCode: '400' });
		const numbered = await seedreamApiRequest(contextWithSteps([refusal(5)]).context, fastLookup).catch((caught: unknown) => caught);
		expect(String((numbered as { description?: string }).description)).not.toMatch(/Task id/);
	});

	it('a lookup answered with an NDJSON type it did not ask for is read as JSON, not handed back as a stream', async () => {
		const { context } = contextWithSteps([{ statusCode: 200, headers: { 'content-type': 'application/x-ndjson' }, body: OK.body }]);
		const response = await seedreamApiRequest(context, fastLookup);
		expect(response).toEqual({ status: 200, body: OK.body });
		expect(response.stream).toBeUndefined();
	});

	it('a streaming request answered without headers reads the body as JSON', async () => {
		const { context } = contextWithSteps([{ statusCode: 200, body: Buffer.from('{"task_id":"task-9"}') }]);
		await expect(seedreamApiRequest(context, { ...fastCreate, stream: true })).resolves.toEqual({ status: 200, body: { task_id: 'task-9' } });
	});
});

describe('the request as sent', () => {
	it.each<[string, ApiRequestOptions, number | undefined]>([
		['a lookup: JSON, with the 60 s lookup timeout', fastLookup, 60_000],
		['a create: JSON, no timeout (a synchronous generation takes minutes)', fastCreate, undefined],
		['a lookup with its own timeout', { ...fastLookup, timeoutMs: 5 }, 5],
	])('%s', async (_name, options, timeout) => {
		const { context, sent } = contextWithSteps([OK]);
		await seedreamApiRequest(context, options);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toStrictEqual({
			method: 'POST',
			url: `${BASE_URL}${options.path}`,
			body: options.body,
			json: true,
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout,
			abortSignal: undefined,
		});
	});
});

describe("the execution's request limiters", () => {
	it('a create takes a slot of the create limiter, a lookup one of the lookup limiter', async () => {
		const create = contextWithSteps([OK]);
		await seedreamApiRequest(create.context, fastCreate);
		expect([create.limiters.create.stats.peak, create.limiters.query.stats.peak]).toEqual([1, 0]);
		const lookupOnly = contextWithSteps([OK]);
		await seedreamApiRequest(lookupOnly.context, fastLookup);
		expect([lookupOnly.limiters.create.stats.peak, lookupOnly.limiters.query.stats.peak]).toEqual([0, 1]);
	});

	it('learn of a 429 as a rate limit, and only of that', async () => {
		const { context, limiters } = contextWithSteps([json(429, {}, { 'retry-after': '0' }), OK]);
		await seedreamApiRequest(context, fastCreate);
		expect(limiters.create.stats.rateLimited).toBe(1);
		expect(limiters.create.active).toBe(0);
	});

	it.each<[string, Step]>([
		['a network failure', networkError('ECONNRESET')],
		['a 400', json(400, {})],
		['a 500', json(500, {})],
	])('count %s as failed: it says nothing about how fast the API answers', async (_name, step) => {
		const { context, limiters } = contextWithSteps([step]);
		await expect(seedreamApiRequest(context, fastCreate)).rejects.toBeDefined();
		expect(limiters.create.active).toBe(0);
		expect(limiters.create.admitMs).toBe(50);
	});

	it('count a 200 as answered (the admission window follows the fastest answer)', async () => {
		const { context, limiters } = contextWithSteps([OK]);
		await seedreamApiRequest(context, fastCreate);
		expect(limiters.create.admitMs).toBe(25);
	});

	it.each<[string, ApiRequestOptions, FakeAnswer]>([
		['a 200', fastCreate, OK],
		['a streaming generation read to its end', { ...fastCreate, stream: true }, { statusCode: 200, headers: { 'content-type': 'application/x-ndjson' }, body: chunks(['{"type":"a"}\n']) }],
	])('count %s as accepted: with requests waiting, the level grows by one', async (_name, options, answer) => {
		let answerNow: (value: FakeAnswer) => void = () => undefined;
		let markSent: () => void = () => undefined;
		const sentOnce = new Promise<void>((resolve) => (markSent = resolve));
		const { context } = contextAnswering(() => {
			markSent();
			return new Promise<FakeAnswer>((resolve) => (answerNow = resolve));
		});
		const limiter = new AdaptiveLimiter({ initial: 1, max: 4, now: () => 1_000 });
		adaptConcurrency(context, { auto: false, max: 4 }).create = limiter;
		const running = seedreamApiRequest(context, options);
		await sentOnce;
		const waiting = limiter.acquire();
		answerNow({ ...answer });
		const response = await running;
		await readStream(response.stream);
		expect(limiter.limit).toBe(2);
		(await waiting).finish({ kind: 'ok' });
	});

	it('a streaming generation keeps its slot until its stream has been read, then frees it as answered', async () => {
		const { context, limiters } = contextWithSteps([
			{ statusCode: 200, headers: { 'content-type': 'application/x-ndjson' }, body: chunks(['{"type":"a"}\n', '{"type":"b"}\n']) },
		]);
		const response = await seedreamApiRequest(context, { ...fastCreate, stream: true });
		expect(limiters.create.active).toBe(1);
		expect(await readStream(response.stream)).toBe('{"type":"a"}\n{"type":"b"}\n');
		expect(limiters.create.active).toBe(0);
		expect(limiters.create.admitMs).toBe(25);
	});
});

describe('a request waiting for a slot', () => {
	it('ends its wait when the execution is stopped, with the stopped error for its item', async () => {
		const controller = new AbortController();
		const { context } = contextAnswering(() => ({ statusCode: 200, headers: {}, body: {} }), { signal: controller.signal });
		const limiter = AdaptiveLimiter.for({ auto: false, max: 1 });
		const held = await limiter.acquire();
		const waiting = waitForSlot(context, limiter, 3).catch((caught: unknown) => caught);
		controller.abort();
		const error = await waiting;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({ message: 'The execution was stopped', context: { itemIndex: 3 } });
		held.finish({ kind: 'ok' });
	});
});
