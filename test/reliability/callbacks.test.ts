/**
 * The callback rows of the fault table (issue 7): duplicate, late, forged and malformed callbacks,
 * to the paused Seedream node ("Callback: pause until the result arrives") and to the Seedream
 * Trigger. Drives the nodes through the callback harness (n8n-core's real Execute and Webhook
 * contexts); n8n's own checks in front of the node (resume signature, 409 after resume, payload
 * size limit) are covered by test/e2e/callback.e2e.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { SeedreamTrigger } from '../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import { createHarness, finishedTaskCallback, until, type Paused } from '../helpers/callback';
import { recordedLogs } from '../helpers/n8n';
import { useMockApi } from '../helpers/seedream';
import { allText } from './secrets';
import { faultTable, TASK_ID } from './table';

/** The nodes' API token: searched for in everything the callback paths return or log. */
const TOKEN = 'sk-CALLBACK-SECRET-51c0ffee-token';
const api = useMockApi({ validTokens: ['test-token', TOKEN] });
const table = faultTable('Fault table: callbacks', () => api.mock.stats.creates);
const { row } = table;
const SECRET = 'a-long-random-secret-0123456789';

/** Every execution and webhook answer of the current test, and the log length before it. */
const seen: unknown[] = [];
let logsBefore = 0;
beforeEach(() => {
	seen.length = 0;
	logsBefore = recordedLogs.length;
});
afterEach(() => {
	expect(seen.length).toBeGreaterThan(0);
	const text = allText([seen, recordedLogs.slice(logsBefore)]);
	expect(text.includes(TOKEN)).toBe(false);
});

/** Records what a harness returns, for the token search above. */
function tracked(harness: ReturnType<typeof createHarness>) {
	return {
		async execute(...args: Parameters<typeof harness.execute>) {
			const paused = await harness.execute(...args);
			seen.push(paused);
			return paused;
		},
		async call(...args: Parameters<typeof harness.call>) {
			const answer = await harness.call(...args);
			seen.push(answer);
			return answer;
		},
	};
}

function pausing(continueOnFail = false) {
	return tracked(
		createHarness({
			nodeType: new Seedream(),
			parameters: {
				resource: 'image',
				operation: 'generate',
				mode: 'callbackWait',
				model: 'doubao-seedream-4-0-250828',
				prompt: '={{ $json.prompt }}',
				size: '1K',
			} as never,
			baseUrl: api.mock.url,
			token: TOKEN,
			continueOnFail,
		}),
	);
}

function trigger() {
	return tracked(
		createHarness({
			nodeType: new SeedreamTrigger(),
			parameters: { secret: SECRET, options: {} } as never,
			baseUrl: api.mock.url,
			token: TOKEN,
		}),
	);
}

const prompts = (...values: string[]) => values.map((prompt) => ({ json: { prompt } }));
const taskIdsOf = (paused: Paused) => paused.items[0].map((item) => String(item.json.task_id));
const callbackFor = (taskId: string) =>
	api.mock.callbacks.find((delivery) => (delivery.body as { task_id?: string }).task_id === taskId);
const lookups = () => api.mock.stats.taskQueries + api.mock.stats.batchQueries;


describe('callbacks to the paused node', () => {
	row('pause: duplicate callback (sent twice)', async () => {
		api.mock.setOptions({
			callbackMode: 'twice',
			taskDurationMs: (body) => (body.prompt === 'slow' ? 60_000 : 0),
		});
		const node = pausing();
		const paused = await node.execute(prompts('fast', 'slow'));
		const [fastId, slowId] = taskIdsOf(paused);
		await until(() => api.mock.callbacks.length >= 2);
		const [once, twice] = api.mock.callbacks.map((delivery) => ({ body: delivery.body }));
		expect(once).toEqual(twice);
		for (const request of [once, twice]) {
			const answer = await node.call(request, paused);
			expect(answer.result?.workflowData).toBeUndefined();
			expect(answer.result?.webhookResponse).toMatchObject({ task_id: fastId, waiting_for: 1 });
		}
		api.mock.completeTask(slowId);
		const resumed = await node.call({ body: { task_id: slowId } }, paused);
		const [items] = resumed.result!.workflowData!;
		expect(items.map((item) => [item.json.task_id, item.pairedItem])).toEqual([
			[fastId, { item: 0 }],
			[slowId, { item: 1 }],
		]);
		expect(items.every((item) => item.binary?.data)).toBe(true);
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
		// The token searched for after each test is the one the node really sent.
		const sent = api.mock.requests.filter((request) => request.path.startsWith('/seedream/'));
		expect(sent.map((request) => request.headers.authorization)).toEqual(
			sent.map(() => `Bearer ${TOKEN}`),
		);
		return {
			outcome: 'answered 200, no resume; resumes once when all are done',
			taskId: TASK_ID.output,
		};
	});

	row('pause: late callback (after the others, out of order)', async () => {
		api.mock.setOptions({
			taskDurationMs: (body) => (body.prompt === 'late' ? 300 : 0),
			callbackDelayMs: 100,
		});
		const node = pausing();
		const paused = await node.execute(prompts('late', 'early'));
		const [lateId, earlyId] = taskIdsOf(paused);
		await until(() => callbackFor(earlyId) !== undefined);
		const first = await node.call({ body: callbackFor(earlyId)!.body }, paused);
		expect(first.result?.webhookResponse).toMatchObject({ waiting_for: 1 });
		await until(() => callbackFor(lateId) !== undefined);
		const last = await node.call({ body: callbackFor(lateId)!.body }, paused);
		const [items] = last.result!.workflowData!;
		expect(items.map((item) => item.json.task_id)).toEqual([lateId, earlyId]);
		expect(api.mock.stats).toMatchObject({ creates: 2, jobsCreated: 2 });
		return {
			outcome: 'waits on; resumes at the late one, input order kept',
			taskId: TASK_ID.output,
		};
	});

	row('pause: no callback before the deadline', async () => {
		api.mock.setOptions({ callbackMode: 'never', taskDurationMs: 60_000 });
		const node = pausing();
		const paused = await node.execute(prompts('one', 'two'));
		expect(paused.waitTill).toBeDefined();
		const ids = taskIdsOf(paused);
		// What the run shows at the deadline, and what the next nodes can read.
		expect(paused.items[0].map((item) => item.json.status)).toEqual(['pending', 'pending']);
		expect(paused.runExecutionData.resultData.metadata).toEqual({
			seedream_task_ids: ids.join(','),
		});
		expect(api.mock.stats.creates).toBe(2);
		return {
			outcome: 'pending items + $execution.customData keep the ids',
			taskId: TASK_ID.output,
		};
	});

	row('pause: forged callback (task of another run)', async () => {
		const node = pausing();
		const paused = await node.execute(prompts('one'));
		const before = lookups();
		const forged = await node.call(
			{ body: { success: true, task_id: 'f0f0f0f0-0000-4000-8000-000000000000', data: [] } },
			paused,
		);
		expect(forged.status).toBe(403);
		expect(forged.result).toEqual({ noWebhookResponse: true });
		expect(lookups()).toBe(before);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: '403, no lookup, no resume', taskId: TASK_ID.output };
	});

	row('pause: malformed callbacks (not JSON, no/odd task_id)', async () => {
		const node = pausing();
		const paused = await node.execute(prompts('one'));
		const before = lookups();
		for (const body of ['task_id=1', [], {}, { task_id: 42 }, { task_id: '../../etc/passwd' }]) {
			const answer = await node.call({ body }, paused);
			expect(answer.status).toBe(400);
			expect(answer.result?.workflowData).toBeUndefined();
		}
		expect(lookups()).toBe(before);
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: '400, no lookup, no resume', taskId: TASK_ID.output };
	});
});

describe('callbacks to the Seedream Trigger', () => {
	let evil: Server;
	let evilHits = 0;
	beforeAll(async () => {
		evil = createServer((_req, res) => {
			evilHits++;
			res.writeHead(200, { 'content-type': 'image/png' }).end();
		});
		await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => await new Promise<void>((resolve) => evil.close(() => resolve())));

	row('trigger: duplicate callback (sent twice, also at once)', async () => {
		api.mock.setOptions({ callbackMode: 'twice' });
		const { taskId, body } = await finishedTaskCallback(api.mock);
		await until(() => api.mock.callbacks.length >= 2);
		const node = trigger();
		const answers = await Promise.all(
			api.mock.callbacks.map((delivery) =>
				node.call({ body: delivery.body, query: { secret: SECRET } }),
			),
		);
		const runs = answers.filter((answer) => answer.result?.workflowData);
		expect(runs).toHaveLength(1);
		expect(runs[0].result!.workflowData![0][0].json.task_id).toBe(taskId);
		const again = await node.call({ body, query: { secret: SECRET } });
		expect(again.result?.webhookResponse).toMatchObject({ duplicate: true, task_id: taskId });
		expect(again.result?.workflowData).toBeUndefined();
		expect(api.mock.stats.creates).toBe(1);
		return { outcome: 'one run; repeats answered {duplicate: true}', taskId: TASK_ID.output };
	});

	row('trigger: late callback (task finished long before)', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock);
		// The image was published when the task finished; the callback comes much later.
		await new Promise((resolve) => setTimeout(resolve, 300));
		const answer = await trigger().call({ body, query: { secret: SECRET } });
		const [items] = answer.result!.workflowData!;
		expect(items[0].json).toMatchObject({ task_id: taskId, status: 'succeeded' });
		expect(items[0].binary?.data).toBeDefined();
		return { outcome: 'runs once from the API record', taskId: TASK_ID.output };
	});

	row('trigger: forged callback (no or wrong secret)', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const node = trigger();
		const before = lookups();
		for (const query of [
			{},
			{ secret: 'wrong' },
			{ secret: `${SECRET}x` },
			{ secret: SECRET.slice(0, -1) },
		]) {
			const answer = await node.call({ body, query });
			expect(answer.status).toBe(401);
			expect(answer.result).toEqual({ noWebhookResponse: true });
		}
		expect(lookups()).toBe(before);
		return { outcome: '401, body not read, workflow not started', taskId: 'n/a (refused)' };
	});

	row('trigger: forged payload with the secret (fake images)', async () => {
		const { taskId } = await finishedTaskCallback(api.mock);
		const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/x.png`;
		const node = trigger();
		const unknown = await node.call({
			body: {
				success: true,
				task_id: 'f0f0f0f0-0000-4000-8000-000000000000',
				data: [{ image_url: evilUrl }],
			},
			query: { secret: SECRET },
		});
		expect(unknown.status).toBe(404);
		expect(unknown.result?.workflowData).toBeUndefined();
		// A real task id with made-up images: the images come from the API's record, not the body.
		const known = await node.call({
			body: { success: true, task_id: taskId, data: [{ image_url: evilUrl }] },
			query: { secret: SECRET },
		});
		const [items] = known.result!.workflowData!;
		expect(items).toHaveLength(1);
		expect(items[0].binary?.data.mimeType).toBe('image/jpeg');
		expect(evilHits).toBe(0);
		expect(api.mock.stats.downloads).toBe(1);
		return { outcome: 'unknown task 404; payload URLs never fetched', taskId: TASK_ID.output };
	});

	row('trigger: malformed callbacks', async () => {
		const node = trigger();
		for (const body of ['not json', [], {}, { task_id: 42 }, { task_id: '../../etc' }]) {
			const answer = await node.call({ body, query: { secret: SECRET } });
			expect(answer.status).toBe(400);
			expect(answer.result?.workflowData).toBeUndefined();
		}
		expect(lookups()).toBe(0);
		return { outcome: '400, no lookup, workflow not started', taskId: 'n/a (refused)' };
	});
});
