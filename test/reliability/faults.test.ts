/**
 * The fault table (issue 7): one test per fault the API, a proxy or the image host can throw at the
 * node. Each asserts a defined outcome (retried, error with a fix hint, or partial result), that
 * the task id survives whenever a paid job may exist, and, from the mock's create counter, that
 * no create was sent twice. `npm run test:faults` prints the table at the end.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';

import { startMockServer, type Fault, type MockServer } from '../../mock/server';
import { recordedLogs, type RunNodeResult } from '../helpers/n8n';
import { lighthouseJob, useMockApi } from '../helpers/seedream';
import { allText } from './secrets';
import { faultTable, TASK_ID } from './table';

/** Distinctive, so the search after each row cannot hit anything but the token. */
const TOKEN = 'sk-FAULTS-SECRET-9d41b7aa-token';
const api = useMockApi({ validTokens: [TOKEN] });
const table = faultTable('Fault table', () => api.mock.stats.creates);
const { row } = table;

/** Every run of the current row, searched for the token afterwards (output, errors, logs). */
const runs: RunNodeResult[] = [];
let logsBefore = 0;
async function run(...[parameters, options]: Parameters<typeof api.run>): Promise<RunNodeResult> {
	const result = await api.run(parameters, { token: TOKEN, ...options });
	runs.push(result);
	return result;
}
beforeEach(() => {
	runs.length = 0;
	logsBefore = recordedLogs.length;
});
afterEach(() => {
	expect(runs.length).toBeGreaterThan(0);
	const left = runs.map((result) => ({ items: result.items, error: result.error }));
	expect(allText([left, recordedLogs.slice(logsBefore)]).includes(TOKEN)).toBe(false);
});

type Mode = 'sync' | 'pollUntilDone' | 'submitOnly';

/** Larger than the first backoff step (at most 500 ms), so honouring it is visible in the request times. */
const RETRY_AFTER_SECONDS = 0.6;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const requestsTo = (mock: MockServer, prefix: string) =>
	mock.requests.filter((request) => request.path.startsWith(prefix));

/** The one job the run started; fails when there is none or more than one. */
function onlyJobId(): string {
	const ids = [...api.mock.tasks.keys()];
	expect(ids).toHaveLength(1);
	return ids[0];
}

/** The run succeeded and its first item carries the image and the job's task id. */
async function expectImageWithTaskId(result: RunNodeResult): Promise<void> {
	expect(result.error).toBeUndefined();
	const [item] = result.items[0];
	expect(item.json.task_id).toBe(onlyJobId());
	const bytes = await result.readBinary(item.binary!.data);
	// A whole JPEG: start and end markers.
	expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
	expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
}

/** The error of a create whose answer was lost: the job may run, it was not resent, here is how to find it. */
function expectMayBeRunning(result: RunNodeResult): void {
	expect(result.error?.message).toMatch(/the job may still be running$/);
	expectMayBeRunningHint(result.error?.description);
}

function expectMayBeRunningHint(description: string | undefined): void {
	expect(description).toMatch(/may still/i);
	expect(description).toContain('Ace Data Cloud console');
	expect(description).toContain('"Task" → "Get"');
	expect(description).toMatch(/not sent again/i);
}

function expectRetryAfterHonoured(prefix: string): void {
	const [first, second] = requestsTo(api.mock, prefix);
	expect(second.at - first.at).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 50);
}

describe('429 Too Many Requests', () => {
	row('create: 429 without Retry-After', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 429 });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		// The 429 was refused before any job started, so repeating it cannot pay twice.
		expect(api.mock.stats).toMatchObject({ creates: 2, createsRejected: 1, jobsCreated: 1 });
		return {
			outcome: 'retried after backoff (429 refused, 1 job), image delivered',
			taskId: TASK_ID.output,
		};
	});

	row(`create: 429 with Retry-After ${RETRY_AFTER_SECONDS} s`, async () => {
		api.mock.injectFault({
			route: 'create',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await run(lighthouseJob('submitOnly'));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json.task_id).toBe(onlyJobId());
		expectRetryAfterHonoured('/seedream/images');
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 1 });
		return { outcome: 'retried after Retry-After (1 job), task submitted', taskId: TASK_ID.output };
	});

	row('create: 429 with Retry-After 120 s (longer than the node waits)', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 429, retryAfter: 120 });
		const started = Date.now();
		const result = await run(lighthouseJob('sync'));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.error?.message).toContain('[too_many_requests]');
		expect(result.error?.description).toMatch(/Lower the Concurrency option/);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return { outcome: 'error at once with rate-limit hint', taskId: TASK_ID.noJob };
	});

	row('task query: 429 without Retry-After', async () => {
		api.mock.injectFault({ route: 'task', kind: 'status', status: 429 });
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'lookup retried, image delivered', taskId: TASK_ID.output };
	});

	row(`task query: 429 with Retry-After ${RETRY_AFTER_SECONDS} s`, async () => {
		api.mock.injectFault({
			route: 'task',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expectRetryAfterHonoured('/seedream/tasks');
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'lookup retried after Retry-After, image delivered', taskId: TASK_ID.output };
	});

	row('download: 429 without Retry-After', async () => {
		api.mock.injectFault({ route: 'download', kind: 'status', status: 429 });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'download retried, image whole', taskId: TASK_ID.output };
	});

	row(`download: 429 with Retry-After ${RETRY_AFTER_SECONDS} s`, async () => {
		api.mock.injectFault({
			route: 'download',
			kind: 'status',
			status: 429,
			retryAfter: RETRY_AFTER_SECONDS,
		});
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expectRetryAfterHonoured('/files/');
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'download retried after Retry-After', taskId: TASK_ID.output };
	});
});

describe('5xx', () => {
	row('create: 500 before the job started', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 500, times: 5 });
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expectMayBeRunning(result);
		expect(result.error?.description).toMatch(/Trace id: [0-9a-f-]{36}/);
		// The client cannot tell it apart from a 500 after the start, so it must not resend either.
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return { outcome: 'error "may still be running", not resent', taskId: TASK_ID.noJob };
	});

	it.each([500, 502, 503, 504])('create: %i after the job started', async (status) => {
		api.mock.injectFault({ route: 'create', kind: 'status', status, afterAccept: true, times: 5 });
		const result = await run(lighthouseJob('pollUntilDone'));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expectMayBeRunning(result);
		expect(result.error?.message).toMatch(/\[(api_error|timeout)\]/);
		expect(result.error?.description).toMatch(/Trace id: [0-9a-f-]{36}/);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		table.add({
			fault: `create: ${status} after the job started`,
			outcome: 'error "may still be running" + trace id, not resent',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.lost,
		});
	});

	it.each([500, 502, 503, 504])('task query: %i', async (status) => {
		api.mock.injectFault({ route: 'task', kind: 'status', status });
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		table.add({
			fault: `task query: ${status}`,
			outcome: 'lookup retried, image delivered',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.output,
		});
	});

	it.each([500, 502, 503, 504])('download: %i', async (status) => {
		api.mock.injectFault({ route: 'download', kind: 'status', status });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		table.add({
			fault: `download: ${status}`,
			outcome: 'download retried, image whole',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.output,
		});
	});

	row('task query: 5xx on every try (lookup gives up)', async () => {
		api.mock.setOptions({ taskDurationMs: 0 });
		api.mock.injectFault({ route: 'task', kind: 'status', status: 503, retryAfter: 0, times: 20 });
		const result = await run(lighthouseJob('pollUntilDone'), { continueOnFail: true });
		const [item] = result.items[0];
		expect(item.json.task_id).toBe(onlyJobId());
		expect(String(item.json.description)).toContain(`Task id: ${onlyJobId()}`);
		expect(String(item.json.description)).toContain('Wait for Completion');
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return {
			outcome: 'error item after 5 tries, pointing to "Wait for Completion"',
			taskId: TASK_ID.both,
		};
	});

	row('create: 502 after start, continueOnFail, two items', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 502, afterAccept: true });
		const result = await run(lighthouseJob('sync', { concurrency: 1 }), {
			inputItems: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});
		expect(result.items[0]).toHaveLength(2);
		expect(String(result.items[0][0].json.error)).toMatch(/the job may still be running$/);
		expectMayBeRunningHint(String(result.items[0][0].json.description));
		expect(result.items[0][0].pairedItem).toEqual({ item: 0 });
		expect(result.items[0][1].binary?.data).toBeDefined();
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
		return { outcome: 'item 1 keeps the warning, item 2 runs once', taskId: TASK_ID.lost };
	});
});

describe('account rate limit (mock rateLimit option)', () => {
	const prompts = Array.from({ length: 12 }, (_, i) => ({
		json: { prompt: `Lighthouse ${i + 1}` },
	}));
	const jobsPerPrompt = () => {
		const counts = new Map<string, number>();
		for (const task of api.mock.tasks.values()) {
			const prompt = String(task.request.prompt);
			counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
		}
		return counts;
	};

	const limits = {
		sync: { label: 'at most 3 creates at once', rateLimit: { maxConcurrentCreates: 3 } },
		// Submits answer at once, so poll mode meets a per-second cap rather than a concurrent one.
		pollUntilDone: { label: 'at most 4 creates a second', rateLimit: { createsPerSecond: 4 } },
	};
	for (const mode of ['sync', 'pollUntilDone'] as const) {
		row(
			`create: ${limits[mode].label} per token (429 + Retry-After), 12 items, ${mode}, Concurrency Auto`,
			async () => {
				api.mock.setOptions({
					generationDelayMs: 300,
					taskDurationMs: 300,
					rateLimit: { retryAfterSeconds: 0.2, ...limits[mode].rateLimit },
				});
				const result = await run(
					{ ...lighthouseJob(mode), prompt: '={{ $json.prompt }}' },
					{ inputItems: prompts },
				);
				expect(result.error).toBeUndefined();
				expect(result.items[0].map((item) => item.json.prompt)).toEqual(
					prompts.map((item) => item.json.prompt),
				);
				expect(result.items[0].every((item) => item.binary?.data)).toBe(true);
				const { creates, createsRateLimited, jobsCreated } = api.mock.stats;
				// The cap was hit, every refusal was repeated, and no prompt became two jobs.
				expect(createsRateLimited).toBeGreaterThan(0);
				expect(jobsCreated).toBe(12);
				expect([...jobsPerPrompt().values()]).toEqual(Array(12).fill(1));
				expect(creates).toBe(12 + createsRateLimited);
				return {
					outcome: `${createsRateLimited} × 429 repeated after Retry-After, 12 jobs (1 per item), all images`,
					taskId: TASK_ID.output,
				};
			},
		);
	}
});

describe('connection resets and refusals', () => {
	row('create: reset before the response (job not started)', async () => {
		api.mock.injectFault({ route: 'create', kind: 'reset', times: 5 });
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toMatch(/connection reset.*may still be running/);
		expectMayBeRunning(result);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return { outcome: 'error "may still be running", not resent', taskId: TASK_ID.noJob };
	});

	it.each<[string, Mode]>([
		['sync', 'sync'],
		['poll', 'pollUntilDone'],
	])('create: reset before the response, job started (%s)', async (name, mode) => {
		api.mock.injectFault({ route: 'create', kind: 'reset', afterAccept: true, times: 5 });
		const result = await run(lighthouseJob(mode));
		expect(result.error?.message).toMatch(/connection reset.*may still be running/);
		expect(result.error?.description).toContain('ECONNRESET');
		expectMayBeRunning(result);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		table.add({
			fault: `create: reset before the response, job started (${name})`,
			outcome: 'error "may still be running", not resent',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.lostNoTrace,
		});
	});

	row('create: connection refused until the API is up', async () => {
		// A free port with nothing listening yet: the first create is refused.
		const port = await new Promise<number>((resolve) => {
			const probe = createServer().listen(0, '127.0.0.1', () => {
				const { port: free } = probe.address() as AddressInfo;
				probe.close(() => resolve(free));
			});
		});
		const running = run(lighthouseJob('sync'), { baseUrl: `http://127.0.0.1:${port}` });
		await sleep(100);
		const late = await startMockServer({ port, validTokens: [TOKEN] });
		let creates: number;
		try {
			const result = await running;
			expect(result.error).toBeUndefined();
			expect(result.items[0][0].binary?.data).toBeDefined();
			expect(result.items[0][0].json.task_id).toBe([...late.tasks.keys()][0]);
			expect(late.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
			creates = late.stats.creates;
		} finally {
			await late.close();
		}
		// The refused attempts never reached any API: the late server saw the only create.
		return { outcome: 'retried (never reached the API), one job', taskId: TASK_ID.output, creates };
	});

	row('task query: reset before the response', async () => {
		api.mock.injectFault({ route: 'task', kind: 'reset' });
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'lookup retried, image delivered', taskId: TASK_ID.output };
	});

	row('download: reset before the response', async () => {
		api.mock.injectFault({ route: 'download', kind: 'reset' });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'download retried, image whole', taskId: TASK_ID.output };
	});

	row('download: reset in the middle of the image', async () => {
		api.mock.injectFault({ route: 'download', kind: 'reset-mid-body' });
		const result = await run(lighthouseJob('sync'));
		// The half file is not kept: the stored image is the whole second download.
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'download retried, image whole', taskId: TASK_ID.output };
	});

	row('download: 503 on every try (download gives up)', async () => {
		// Retry-After 0 keeps the five tries fast; the give-up path is the same after resets.
		api.mock.injectFault({
			route: 'download',
			kind: 'status',
			status: 503,
			retryAfter: 0,
			times: 20,
		});
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toMatch(/Could not download the generated image/);
		expect(result.error?.description).toContain(`Task id: ${onlyJobId()}`);
		expect(result.error?.description).toContain('"Task" → "Get"');
		expect(requestsTo(api.mock, '/files/')).toHaveLength(5);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'error after 5 tries, with "Task → Get" hint', taskId: TASK_ID.error };
	});
});

describe('truncated and malformed bodies', () => {
	row('create: body cut off midway (job started)', async () => {
		api.mock.injectFault({ route: 'create', kind: 'reset-mid-body', times: 5 });
		const result = await run(lighthouseJob('sync'));
		expectMayBeRunning(result);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'error "may still be running", not resent', taskId: TASK_ID.lostNoTrace };
	});

	row('create: 200 with truncated JSON (job started)', async () => {
		api.mock.injectFault({ route: 'create', kind: 'malformed-json', afterAccept: true, times: 5 });
		const result = await run(lighthouseJob('submitOnly'));
		expect(result.error?.message).toMatch(/non-JSON body/);
		expectMayBeRunning(result);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'error "non-JSON body … may still be running"', taskId: TASK_ID.lostNoTrace };
	});

	row('create: 200 with malformed JSON (job started)', async () => {
		api.mock.injectFault({
			route: 'create',
			kind: 'malformed-json',
			body: "{'success': true, task_id: NaN,}",
			afterAccept: true,
			times: 5,
		});
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toMatch(/non-JSON body/);
		expectMayBeRunning(result);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'error "non-JSON body … may still be running"', taskId: TASK_ID.lostNoTrace };
	});

	row('task query: body cut off midway', async () => {
		api.mock.injectFault({ route: 'task', kind: 'reset-mid-body' });
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'lookup retried, image delivered', taskId: TASK_ID.output };
	});

	it.each<[string, Fault]>([
		['truncated JSON', { route: 'task', kind: 'malformed-json' }],
		[
			'malformed JSON',
			{ route: 'task', kind: 'malformed-json', body: '{"items": [,], "count": 1' },
		],
	])('task query: 200 with %s', async (name, fault) => {
		api.mock.injectFault(fault);
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		table.add({
			fault: `task query: 200 with ${name}`,
			outcome: 'lookup retried, image delivered',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.output,
		});
	});

	row('download: no Content-Length, chunked (size known only at the end)', async () => {
		api.mock.injectFault({ route: 'download', kind: 'no-length' });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'image stored whole', taskId: TASK_ID.output };
	});
});

describe('HTML error pages from a proxy', () => {
	row('create: proxy 502 HTML page (job started)', async () => {
		api.mock.injectFault({
			route: 'create',
			kind: 'html',
			status: 502,
			afterAccept: true,
			times: 5,
		});
		const result = await run(lighthouseJob('submitOnly'));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			/HTTP 502 with a non-JSON body \(often a proxy or gateway page\)/,
		);
		expectMayBeRunning(result);
		// The page itself is not pasted into the error.
		expect(`${result.error?.message}${result.error?.description}`).not.toContain('<html>');
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return {
			outcome: 'error "proxy or gateway page … may still be running"',
			taskId: TASK_ID.lostNoTrace,
		};
	});

	row('task query: proxy 502 HTML page', async () => {
		api.mock.injectFault({ route: 'task', kind: 'html', status: 502 });
		const result = await run(lighthouseJob('pollUntilDone'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/seedream/tasks')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'lookup retried, image delivered', taskId: TASK_ID.output };
	});

	row('download: proxy 502 HTML page', async () => {
		api.mock.injectFault({ route: 'download', kind: 'html', status: 502 });
		const result = await run(lighthouseJob('sync'));
		await expectImageWithTaskId(result);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(2);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'download retried, image whole', taskId: TASK_ID.output };
	});

	row('download: 200 HTML page labelled image/jpeg', async () => {
		api.mock.injectFault({
			route: 'download',
			kind: 'html',
			status: 200,
			contentType: 'image/jpeg',
		});
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toBe('The image URL did not return an image');
		expect(result.error?.description).toContain('image/jpeg');
		expect(result.error?.description).toContain(`Task id: ${onlyJobId()}`);
		expect(requestsTo(api.mock, '/files/')).toHaveLength(1);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'error: bytes are not an image, nothing stored', taskId: TASK_ID.error };
	});
});

describe('a slow API past "Request Timeout"', () => {
	row('create: slower than the timeout', async () => {
		api.mock.injectFault({ route: 'create', kind: 'delay', delayMs: 1200, times: 5 });
		const started = Date.now();
		const result = await run(lighthouseJob('sync', { timeoutSeconds: 1 }));
		expect(Date.now() - started).toBeLessThan(1200);
		expect(result.error?.message).toMatch(/timed out.*may still be running/);
		expectMayBeRunning(result);
		await sleep(300);
		// The API did get the request and started the job after all: the warning was right, and nothing was resent.
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return {
			outcome: 'error "timed out … may still be running", not resent',
			taskId: TASK_ID.lostNoTrace,
		};
	});

	row('task query: slower than the timeout', async () => {
		api.mock.injectFault({ route: 'task', kind: 'delay', delayMs: 1200 });
		const result = await run(lighthouseJob('pollUntilDone', { timeoutSeconds: 1 }));
		await expectImageWithTaskId(result);
		const [first, second] = requestsTo(api.mock, '/seedream/tasks');
		expect(second.at - first.at).toBeGreaterThanOrEqual(950);
		expect(second.at - first.at).toBeLessThan(1200 + 500);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'lookup abandoned at the timeout and retried', taskId: TASK_ID.output };
	});
});

describe('task outcomes', () => {
	const sensitive = { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' };

	row('failed task (response.success: false), 2 runs', async () => {
		api.mock.setOptions({ generationFailure: sensitive });
		const failed = await run(lighthouseJob('pollUntilDone'));
		const taskId = onlyJobId();
		expect(failed.error?.constructor.name).toBe('NodeApiError');
		expect(failed.error?.message).toBe('Seedream task failed: Sensitive input.');
		expect(failed.error?.description).toContain(`Task id: ${taskId}`);
		const kept = await run(lighthouseJob('pollUntilDone'), { continueOnFail: true });
		const keptId = [...api.mock.tasks.keys()][1];
		expect(kept.items[0]).toEqual([
			{
				json: expect.objectContaining({
					error: 'Seedream task failed: Sensitive input.',
					task_id: keptId,
				}),
				pairedItem: { item: 0 },
			},
		]);
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
		return {
			outcome: 'error with the API reason (item with continueOnFail)',
			taskId: TASK_ID.both,
		};
	});

	row('partial image set (1 of 3 failed), 2 runs: default, strict', async () => {
		api.mock.setOptions({ failImages: [1] });
		const result = await run(lighthouseJob('sync', { maxImages: 3 }));
		expect(result.error).toBeUndefined();
		const taskId = onlyJobId();
		expect(result.items[0].map((item) => [item.json.index, item.json.task_id])).toEqual([
			[0, taskId],
			[2, taskId],
		]);
		expect(result.items[0][0].json.failed_images).toEqual([
			expect.objectContaining({ index: 1, code: 'OutputImageSensitiveContentDetected' }),
		]);
		const strict = await run(lighthouseJob('sync', { maxImages: 3, strict: true }));
		expect(strict.error?.message).toMatch(/1 of 3 images failed \(strict mode\)/);
		expect(strict.error?.description).toContain(`Task id: ${[...api.mock.tasks.keys()][1]}`);
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
		return { outcome: 'partial result + failed_images (strict: error)', taskId: TASK_ID.both };
	});

	it.each([404, 403])('image URL answers %i (expired)', async (status) => {
		api.mock.injectFault({ route: 'download', kind: 'status', status, times: 5 });
		const result = await run(lighthouseJob('pollUntilDone'));
		const taskId = onlyJobId();
		expect(result.error?.message).toBe(`Could not download the generated image (HTTP ${status})`);
		expect(result.error?.description).toMatch(/has probably expired/);
		expect(result.error?.description).toContain(`Task id: ${taskId}`);
		// Not retried: an expired URL stays expired.
		expect(requestsTo(api.mock, '/files/')).toHaveLength(1);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		table.add({
			fault: `image URL ${status} (expired)`,
			outcome: 'error "URL has probably expired", not retried',
			creates: api.mock.stats.creates,
			taskId: TASK_ID.error,
		});
	});

	it.each([200, 404] as const)(
		'task unknown to the API (answered %i)',
		async (unknownTaskStatus) => {
			api.mock.setOptions({ unknownTaskStatus });
			const unknown = randomUUID();
			const result = await run({ resource: 'task', operation: 'get', taskId: unknown });
			expect(result.error?.message).toBe(`Seedream task not found: ${unknown}`);
			expect(result.error?.description).toMatch(/same Seedream API credential/);
			const waited = await run({
				resource: 'task',
				operation: 'waitForCompletion',
				taskIds: unknown,
				options: { maxPollIntervalSeconds: 0.1 },
			});
			expect(waited.items[0]).toEqual([
				{
					json: expect.objectContaining({ task_id: unknown, status: 'not_found' }),
					pairedItem: { item: 0 },
				},
			]);
			expect(api.mock.stats.creates).toBe(0);
			table.add({
				fault: `unknown task (${unknownTaskStatus === 200 ? '200 {}' : '404'})`,
				outcome: 'Get: "task not found" error; Wait: status not_found',
				creates: api.mock.stats.creates,
				taskId: 'n/a (no job); id echoed in error/output',
			});
		},
	);
});

describe('keys, task states and Pro (issue 15: what the newer API tells us)', () => {
	const CONSOLE = 'https://platform.acedata.cloud';

	row('create: 403 used_up (balance)', async () => {
		api.mock.setOptions({ poorTokens: [TOKEN] });
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toContain('[used_up]');
		expect(result.error?.description).toMatch(/balance is too low/);
		expect(result.error?.description).not.toMatch(/not allowed to use/);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return { outcome: 'error "balance too low", top-up link', taskId: TASK_ID.noJob };
	});

	row('create: 403 forbidden, key without permission to generate', async () => {
		api.mock.setOptions({ lookupOnlyTokens: [TOKEN] });
		// The key can look tasks up, which is all the credential test does.
		const lookup = await run({ resource: 'task', operation: 'getMany', taskIds: randomUUID() });
		expect(lookup.error).toBeUndefined();
		const result = await run(lighthouseJob('submitOnly'));
		expect(result.error?.message).toContain('[forbidden]');
		expect(result.error?.description).toMatch(/not allowed to use the Seedream Images API/);
		expect(result.error?.description).toMatch(/credential test does not settle this/);
		expect(result.error?.description).toContain(CONSOLE);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return {
			outcome: 'error "key not allowed" (lookups still work), console link',
			taskId: TASK_ID.noJob,
		};
	});

	row('create: 401 token_expired', async () => {
		api.mock.setOptions({ expiredTokens: [TOKEN] });
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).toContain('[token_expired]');
		expect(result.error?.description).toMatch(/key has expired/);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return { outcome: 'error "key has expired", console link', taskId: TASK_ID.noJob };
	});

	row('create: 403 without an error code', async () => {
		api.mock.injectFault({
			route: 'create',
			kind: 'status',
			status: 403,
			code: null,
			message: 'Forbidden',
		});
		const result = await run(lighthouseJob('sync'));
		expect(result.error?.message).not.toContain('used_up');
		expect(result.error?.description).toMatch(
			/balance is too low.*not allowed to use the Seedream Images API/s,
		);
		expect(result.error?.description).toContain(CONSOLE);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		return {
			outcome: 'error names both causes (balance, key scope) + console',
			taskId: TASK_ID.noJob,
		};
	});

	row('task: success: true with no image, 2 runs: poll, Get', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const polled = await run(lighthouseJob('pollUntilDone'));
		const taskId = onlyJobId();
		expect(polled.error?.message).toMatch(/^Seedream task returned no image/);
		expect(polled.error?.description).toContain(`Task id: ${taskId}`);
		const got = await run({ resource: 'task', operation: 'get', taskId });
		expect(got.items[0][0].json).toMatchObject({ task_id: taskId, status: 'failed', images: [] });
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'error "returned no image"; Get: status failed', taskId: TASK_ID.both };
	});

	row('task: success: false, empty state, no finished_at', async () => {
		api.mock.setOptions({
			taskState: '',
			omitFinishedAt: true,
			generationFailure: { code: 'api_error', message: 'Upstream failed.' },
		});
		const started = Date.now();
		const result = await run(lighthouseJob('pollUntilDone'));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.error?.message).toBe('Seedream task failed: Upstream failed.');
		expect(result.error?.description).toContain(`Task id: ${onlyJobId()}`);
		return { outcome: 'failed at once with the API reason (no wait)', taskId: TASK_ID.error };
	});

	row('task: response without success, state "succeeded"', async () => {
		api.mock.setOptions({
			pendingResponse: true,
			taskState: (record) => (record.response?.success === undefined ? 'succeeded' : ''),
			taskDurationMs: 60_000,
		});
		const result = await run(lighthouseJob('pollUntilDone', { maxWaitMinutes: 0.01 }));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json).toMatchObject({
			task_id: onlyJobId(),
			status: 'pending',
			timed_out: true,
		});
		expect(api.mock.stats.downloads).toBe(0);
		return {
			outcome: 'still pending (kept as pending at Max Wait), nothing fetched',
			taskId: TASK_ID.output,
		};
	});

	row('create: 5.0 Pro (400 if sequential_image_generation or stream is sent)', async () => {
		const result = await run({ ...lighthouseJob('sync'), model: 'doubao-seedream-5-0-pro-260628' });
		expect(result.error).toBeUndefined();
		const body = api.mock.requests.find((request) => request.path === '/seedream/images')!.body;
		expect(Object.keys(body as object)).not.toContain('stream');
		expect(Object.keys(body as object)).not.toContain('sequential_image_generation');
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		return { outcome: 'body without either key, image delivered', taskId: TASK_ID.output };
	});
});
