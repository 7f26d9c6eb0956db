import { createServer, type AddressInfo } from 'node:net';

import type { INodeParameters } from 'n8n-workflow';

import { startMockServer, type Fault, type MockServer } from '../../../../mock/server';
import { useMockApi } from '../../../helpers/seedream';

const api = useMockApi();

type Mode = 'sync' | 'pollUntilDone' | 'submitOnly';

const generate = (mode: Mode, options: INodeParameters = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode,
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A lighthouse at dusk',
	size: '1K',
	options: mode === 'pollUntilDone' ? { maxPollIntervalSeconds: 0.1, ...options } : options,
});

const requestsTo = (mock: MockServer, prefix: string) =>
	mock.requests.filter((request) => request.path.startsWith(prefix));
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Larger than the first backoff step (at most 500 ms), so honouring it is visible in the request times. */
const RETRY_AFTER_SECONDS = 0.6;

describe('creates are never sent twice once they may have reached the API', () => {
	const mayBeRunning = (description: string | undefined) => {
		expect(description).toMatch(/may still/i);
		expect(description).toContain('"Task" → "Get Many"');
		expect(description).toMatch(/not sent again/i);
	};

	it.each<[string, Mode, Fault, boolean]>([
		[
			'a 500 before the job started',
			'sync',
			{ route: 'create', kind: 'status', status: 500 },
			false,
		],
		[
			'a 503 after the job started',
			'pollUntilDone',
			{ route: 'create', kind: 'status', status: 503, afterAccept: true },
			true,
		],
		[
			'a proxy 502 page after the job started',
			'submitOnly',
			{ route: 'create', kind: 'html', status: 502, afterAccept: true },
			true,
		],
	])(
		'%s (%s): one create, and the error says the job may be running, with its trace id',
		async (_name, mode, fault, started) => {
			api.mock.injectFault({ ...fault, times: 5 });
			const result = await api.run(generate(mode));
			expect(api.mock.stats.creates).toBe(1);
			expect(api.mock.stats.jobsCreated).toBe(started ? 1 : 0);
			expect(result.error?.constructor.name).toBe('NodeApiError');
			expect(result.error?.message).toMatch(/the job may still be running$/);
			mayBeRunning(result.error?.description);
			if (fault.kind === 'status')
				expect(result.error?.description).toMatch(/Trace id: [0-9a-f-]{36}/);
		},
	);

	it.each<[string, Mode]>([
		['sync', 'sync'],
		['poll', 'pollUntilDone'],
	])(
		'a connection reset after the job started (%s): one create, one job, no second submit',
		async (_name, mode) => {
			api.mock.injectFault({ route: 'create', kind: 'reset', afterAccept: true, times: 5 });
			const result = await api.run(generate(mode));
			expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
			expect(result.error?.message).toMatch(/connection reset.*may still be running/);
			expect(result.error?.description).toContain('ECONNRESET');
			mayBeRunning(result.error?.description);
		},
	);

	it('a create that times out ("Request Timeout") is not repeated', async () => {
		api.mock.injectFault({ route: 'create', kind: 'delay', delayMs: 1200, times: 5 });
		const started = Date.now();
		const result = await api.run(generate('sync', { timeoutSeconds: 1 }));
		expect(Date.now() - started).toBeLessThan(1200);
		expect(result.error?.message).toMatch(/timed out.*may still be running/);
		mayBeRunning(result.error?.description);
		await sleep(300);
		// The API did get the request and started the job after all: the warning was right, and nothing was resent.
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
	});

	it('with continueOnFail the item keeps the warning and the other items run once each', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 502, afterAccept: true });
		const inputItems = [{ json: {} }, { json: {} }];
		const result = await api.run(generate('sync', { concurrency: 1 }), {
			inputItems,
			continueOnFail: true,
		});
		expect(result.items[0]).toHaveLength(2);
		mayBeRunning(String(result.items[0][0].json.description));
		expect(result.items[0][1].binary?.data).toBeDefined();
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
	});
});

describe('creates are retried when the API refused them', () => {
	it('429 without Retry-After: retried with backoff, one job', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 429 });
		const result = await api.run(generate('sync'));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].binary?.data).toBeDefined();
		expect(api.mock.stats).toMatchObject({ creates: 2, createsRejected: 1, jobsCreated: 1 });
	});

	it('429 with Retry-After: waits as told, then one job', async () => {
		api.mock.injectFault({
			route: 'create',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await api.run(generate('submitOnly'));
		expect(result.error).toBeUndefined();
		const [first, second] = requestsTo(api.mock, '/seedream/images');
		expect(second.at - first.at).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 50);
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 1 });
	});

	it('connection refused: retried until the API is up, one job', async () => {
		// A free port with nothing listening yet: the first create is refused.
		const port = await new Promise<number>((resolve) => {
			const probe = createServer().listen(0, '127.0.0.1', () => {
				const { port: free } = probe.address() as AddressInfo;
				probe.close(() => resolve(free));
			});
		});
		const running = api.run(generate('sync'), { baseUrl: `http://127.0.0.1:${port}` });
		await sleep(100);
		const late = await startMockServer({ port });
		try {
			const result = await running;
			expect(result.error).toBeUndefined();
			expect(result.items[0][0].binary?.data).toBeDefined();
			expect(late.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		} finally {
			await late.close();
		}
	});
});

describe('task queries are retried (free and idempotent)', () => {
	it.each<[string, Fault]>([
		['429', { route: 'task', kind: 'status', status: 429 }],
		['503', { route: 'task', kind: 'status', status: 503 }],
		['a connection reset', { route: 'task', kind: 'reset' }],
	])('after %s', async (_name, fault) => {
		api.mock.injectFault(fault);
		const result = await api.run(generate('pollUntilDone'));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].binary?.data).toBeDefined();
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
	});

	it('after 429 with Retry-After, waiting as told', async () => {
		api.mock.injectFault({
			route: 'task',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await api.run(generate('pollUntilDone'));
		expect(result.error).toBeUndefined();
		const [first, second] = requestsTo(api.mock, '/seedream/tasks');
		expect(second.at - first.at).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 50);
	});

	it('after a lookup that outlasts "Request Timeout"', async () => {
		api.mock.injectFault({ route: 'task', kind: 'delay', delayMs: 1200 });
		const result = await api.run(generate('pollUntilDone', { timeoutSeconds: 1 }));
		expect(result.error).toBeUndefined();
		const [first, second] = requestsTo(api.mock, '/seedream/tasks');
		expect(second.at - first.at).toBeGreaterThanOrEqual(950);
		expect(second.at - first.at).toBeLessThan(1200 + 500);
		expect(api.mock.stats.creates).toBe(1);
	});
});

describe('image downloads are retried (free and idempotent)', () => {
	it.each<[string, Fault]>([
		['429', { route: 'download', kind: 'status', status: 429 }],
		['500', { route: 'download', kind: 'status', status: 500 }],
		['a connection reset', { route: 'download', kind: 'reset' }],
		['a body cut off midway', { route: 'download', kind: 'reset-mid-body' }],
	])('after %s, and the stored image is whole', async (_name, fault) => {
		api.mock.injectFault(fault);
		const result = await api.run(generate('sync'));
		expect(result.error).toBeUndefined();
		const bytes = await result.readBinary(result.items[0][0].binary!.data);
		expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
	});

	it('after 429 with Retry-After, waiting as told', async () => {
		api.mock.injectFault({
			route: 'download',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await api.run(generate('sync'));
		expect(result.error).toBeUndefined();
		const [first, second] = requestsTo(api.mock, '/files/');
		expect(second.at - first.at).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 50);
	});
});
