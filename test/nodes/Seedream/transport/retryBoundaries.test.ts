/**
 * The exact edges of the retry policy (billing safety, docs/api-contract.md §3): which codes and
 * statuses repeat a request, how Retry-After and backoff are read, and how a stopped execution ends
 * a wait. Written against mutants that survived the broader retry and fault tests.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	backoffDelay,
	cancelSignal,
	isNotSentError,
	isRetryableNetworkError,
	isRetryableStatus,
	networkErrorCode,
	parseRetryAfter,
	pause,
	throwIfCancelled,
} from '../../../../nodes/Seedream/transport/retry';

const NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
const MAYBE_SENT = [
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'ERR_STREAM_PREMATURE_CLOSE',
	'EPROTO',
	'ERR_BAD_RESPONSE',
];

function contextWith(signal?: AbortSignal) {
	return {
		getNode: () => ({ name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} }),
		...(signal ? { getExecutionCancelSignal: () => signal } : {}),
	} as unknown as IExecuteFunctions;
}

describe('retry edges: which failures repeat a request', () => {
	it.each(NOT_SENT)('%s never reached the API: every kind, create included, may repeat', (code) => {
		expect(isNotSentError(code)).toBe(true);
		for (const kind of ['create', 'query', 'download'] as const) expect(isRetryableNetworkError(kind, code)).toBe(true);
	});

	it.each(MAYBE_SENT)('%s may have reached the API: lookups and downloads repeat, a create does not', (code) => {
		expect(isNotSentError(code)).toBe(false);
		expect(isRetryableNetworkError('create', code)).toBe(false);
		expect(isRetryableNetworkError('query', code)).toBe(true);
		expect(isRetryableNetworkError('download', code)).toBe(true);
	});

	it('an unknown or missing code repeats nothing', () => {
		expect(isNotSentError(undefined)).toBe(false);
		for (const kind of ['create', 'query', 'download'] as const) {
			expect(isRetryableNetworkError(kind, undefined)).toBe(false);
			expect(isRetryableNetworkError(kind, 'EWHATEVER')).toBe(false);
		}
	});

	it('statuses: 408 and 5xx repeat a lookup or download (from 500 up, not 499), never a create; 429 repeats all', () => {
		for (const kind of ['query', 'download'] as const) {
			expect([408, 499, 500, 599].map((status) => isRetryableStatus(kind, status))).toEqual([true, false, true, true]);
		}
		expect([408, 500, 503].map((status) => isRetryableStatus('create', status))).toEqual([false, false, false]);
		expect(['create', 'query', 'download'].map((kind) => isRetryableStatus(kind as 'create', 429))).toEqual([true, true, true]);
	});
});

describe('retry edges: finding the network code', () => {
	it('takes only codes shaped like network codes, up to five causes deep', () => {
		expect(networkErrorCode({ code: 'ERR_BAD_RESPONSE' })).toBe('ERR_BAD_RESPONSE');
		expect(networkErrorCode({ code: 'UND_ERR_SOCKET' })).toBe('UND_ERR_SOCKET');
		// n8n's own codes are words, not network codes: the message decides, and says nothing.
		expect(networkErrorCode({ code: 'Seedream', message: 'bad' })).toBeUndefined();
		expect(networkErrorCode({ code: 'xECONNRESET' })).toBeUndefined();
		expect(networkErrorCode({ code: 'ECONNRESET!' })).toBeUndefined();
		expect(networkErrorCode({ code: 42 })).toBeUndefined();
		expect(networkErrorCode({ code: ['ECONNRESET'] })).toBeUndefined();
		expect(networkErrorCode({ code: 'XUND_ERR_SOCKET' })).toBeUndefined();
		// Only objects are searched: a function carrying a code is no error.
		expect(networkErrorCode(Object.assign(() => undefined, { code: 'ECONNREFUSED' }))).toBeUndefined();
		let deep: Record<string, unknown> = { code: 'ECONNREFUSED' };
		for (let level = 0; level < 4; level++) deep = { cause: deep };
		expect(networkErrorCode(deep)).toBe('ECONNREFUSED');
		expect(networkErrorCode({ cause: deep })).toBeUndefined();
	});

	it('reads the code from the message when no cause carries one', () => {
		expect(networkErrorCode(new Error('Socket Hang Up'))).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('request timed out'))).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('Connect Time Out'))).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('timeout of 30000ms exceeded'))).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('connect EAI_AGAIN api.acedata.cloud'))).toBe('EAI_AGAIN');
		expect(networkErrorCode(new Error('write EPROTO'))).toBe('EPROTO');
		expect(networkErrorCode(null)).toBeUndefined();
		expect(networkErrorCode('ECONNREFUSED')).toBeUndefined();
	});
});

describe('retry edges: Retry-After and backoff', () => {
	it('reads the first of repeated headers, ignores empty ones, never waits a negative time', () => {
		expect(parseRetryAfter(['2', '9'])).toBe(2000);
		expect(parseRetryAfter(' 4 ')).toBe(4000);
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter(null)).toBeUndefined();
		expect(parseRetryAfter('1.5x')).toBeUndefined();
		expect(parseRetryAfter('x1')).toBeUndefined();
		const now = Date.parse('2026-11-25T10:00:00Z');
		expect(parseRetryAfter('Wed, 25 Nov 2026 09:59:00 GMT', now)).toBe(0);
		expect(parseRetryAfter(0)).toBe(0);
	});

	it('draws from [base/2, min(cap, base·2^attempt)]', () => {
		const policy = { maxRetries: 4, baseDelayMs: 400, maxDelayMs: 3000, maxRetryAfterMs: 60_000 };
		expect(backoffDelay(policy, 1, () => 1)).toBe(800);
		expect(backoffDelay(policy, 1, () => 0.5)).toBe(500);
		expect(backoffDelay(policy, 2, () => 0.5)).toBe(900);
		expect(backoffDelay(policy, 4, () => 1)).toBe(3000);
		expect(backoffDelay(policy, 0, () => 0)).toBe(200);
	});
});

describe('retry edges: a stopped execution', () => {
	it('has no cancel signal on a context without one (the trigger)', () => {
		expect(cancelSignal(contextWith())).toBeUndefined();
		expect(() => throwIfCancelled(contextWith(), 0)).not.toThrow();
	});

	it('ends a wait with "The execution was stopped" for the item', async () => {
		const controller = new AbortController();
		const context = contextWith(controller.signal);
		expect(cancelSignal(context)).toBe(controller.signal);
		setTimeout(() => controller.abort(), 50);
		const started = Date.now();
		const error = await pause(context, 5000, 3).catch((caught: unknown) => caught);
		expect(error).toMatchObject({ message: 'The execution was stopped', context: { itemIndex: 3 } });
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('returns from a wait of 0 ms without waiting for a timer', async () => {
		jest.useFakeTimers();
		try {
			// No timer is advanced: a wait that needed one would never end.
			await expect(pause(contextWith(new AbortController().signal), 0)).resolves.toBeUndefined();
		} finally {
			jest.useRealTimers();
		}
	});

	it('waits the whole time when nothing stops it, and not at all for 0', async () => {
		const context = contextWith(new AbortController().signal);
		let started = Date.now();
		await pause(context, 300);
		expect(Date.now() - started).toBeGreaterThanOrEqual(295);
		started = Date.now();
		await pause(context, 0);
		expect(Date.now() - started).toBeLessThan(100);
	});
});
