import {
	backoffDelay,
	DEFAULT_RETRY_POLICY,
	isRetryableNetworkError,
	isRetryableStatus,
	networkErrorCode,
	parseRetryAfter,
} from '../../../../nodes/Seedream/transport/retry';

describe('retry policy: a create is repeated only when it provably did not reach the API', () => {
	it.each([
		['ECONNREFUSED', true],
		['ENOTFOUND', true],
		['EAI_AGAIN', true],
		['ECONNRESET', false],
		['ETIMEDOUT', false],
		['EPIPE', false],
	])('create after %s → retry %s', (code, expected) => {
		expect(isRetryableNetworkError('create', code)).toBe(expected);
	});

	it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('query and download retry after %s', (code) => {
		expect(isRetryableNetworkError('query', code)).toBe(true);
		expect(isRetryableNetworkError('download', code)).toBe(true);
	});

	it.each([
		[429, true, true],
		[500, false, true],
		[502, false, true],
		[503, false, true],
		[504, false, true],
		[400, false, false],
		[401, false, false],
		[403, false, false],
		[404, false, false],
	])('HTTP %s: create %s, query %s', (status, create, query) => {
		expect(isRetryableStatus('create', status)).toBe(create);
		expect(isRetryableStatus('query', status)).toBe(query);
	});

	it('finds network codes through wrapped causes and axios messages', () => {
		const wrapped = { message: 'outer', cause: { message: 'inner', cause: { code: 'ECONNREFUSED' } } };
		expect(networkErrorCode(wrapped)).toBe('ECONNREFUSED');
		expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('timeout of 5000ms exceeded'))).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('Bad request'))).toBeUndefined();
	});

	it('reads Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter('0.5')).toBe(500);
		const now = Date.parse('2026-11-25T10:00:00Z');
		expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	it('backs off exponentially with jitter under a cap', () => {
		const low = () => 0;
		const high = () => 1;
		expect(backoffDelay(DEFAULT_RETRY_POLICY, 0, high)).toBe(DEFAULT_RETRY_POLICY.baseDelayMs);
		expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, high)).toBe(DEFAULT_RETRY_POLICY.baseDelayMs * 8);
		expect(backoffDelay(DEFAULT_RETRY_POLICY, 20, high)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
		expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, low)).toBe(DEFAULT_RETRY_POLICY.baseDelayMs / 2);
	});
});
