import { decodeImage } from '../../../../../mock/images';
import { Seedream } from '../../../../../nodes/Seedream/Seedream.node';
import { createHarness, until, type HarnessOptions, type Paused } from '../../../../helpers/callback';
import { readBinary } from '../../../../helpers/n8n';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const generate = (extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode: 'callbackWait',
	model: 'doubao-seedream-4-0-250828',
	prompt: '={{ $json.prompt ?? "A red fox in fresh snow" }}',
	size: '1K',
	...extra,
});

function harness(
	parameters: Record<string, unknown> = {},
	options: Partial<Pick<HarnessOptions, 'continueOnFail' | 'customDataAccess' | 'typeName'>> = {},
) {
	return createHarness({
		nodeType: new Seedream(),
		parameters: generate(parameters) as never,
		baseUrl: api.mock.url,
		...options,
	});
}

/** The callbacks the mock sent so far, as `{ body }` requests for the node's webhook. */
const deliveries = () => api.mock.callbacks.map((delivery) => ({ body: delivery.body }));

async function deliverAll(node: ReturnType<typeof harness>, paused: Paused, count: number) {
	await until(() => api.mock.callbacks.length >= count);
	const results = [];
	for (const request of deliveries().slice(0, count)) results.push(await node.call(request, paused));
	return results;
}

describe('Mode "Callback: pause until the result arrives"', () => {
	it('submits with the resume URL, pauses until the deadline and keeps the task ids in custom data', async () => {
		const node = harness({ options: { callbackDeadlineMinutes: 30 } });
		const before = Date.now();
		const paused = await node.execute();
		expect(paused.error).toBeUndefined();
		const create = api.mock.requests.find((request) => request.path === '/seedream/images')!;
		const body = create.body as Record<string, unknown>;
		const token = paused.runExecutionData.resumeToken!;
		expect(token).toEqual(expect.any(String));
		expect(body.callback_url).toBe(
			`http://127.0.0.1:9/webhook-waiting/test-execution/seedream-callback?signature=${token}`,
		);
		expect(body).not.toHaveProperty('stream');
		expect(paused.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000);
		expect(paused.waitTill!.getTime()).toBeLessThan(Date.now() + 30 * 60_000 + 1000);
		const [[item]] = paused.items;
		expect(item.json).toMatchObject({ status: 'pending', waiting_for_callback: true });
		expect(paused.runExecutionData.resultData.metadata).toEqual({
			seedream_task_ids: String(item.json.task_id),
		});
		// The resume URL is on loopback here: Ace Data Cloud could never call it.
		expect(paused.hints.map((hint) => hint.message).join('\n')).toMatch(/WEBHOOK_URL/);
	});

	it('with one item resumes with the binaries exactly as sync mode emits them', async () => {
		const sync = await api.run({ ...generate(), mode: 'sync' });
		const node = harness();
		const paused = await node.execute();
		const [answer] = await deliverAll(node, paused, 1);
		expect(answer.error).toBeUndefined();
		expect(answer.result!.webhookResponse).toMatchObject({ resumed: true });
		const [items] = answer.result!.workflowData!;
		expect(items).toHaveLength(1);
		const [syncItem] = sync.items[0];
		expect(Object.keys(items[0].json).sort()).toEqual(Object.keys(syncItem.json).sort());
		expect(items[0].json).toMatchObject({ model: 'doubao-seedream-4-0-250828', size: '1024x1024', index: 0 });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const binary = items[0].binary!.data;
		expect(binary.fileName).toBe(`${paused.items[0][0].json.task_id}-1.jpg`);
		expect(binary.mimeType).toBe(syncItem.binary!.data.mimeType);
		expect(decodeImage(await readBinary(binary))).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
		// The payload is not trusted: the task was read back from the API.
		expect(api.mock.stats.batchQueries).toBeGreaterThanOrEqual(1);
	});

	it('with three items answers 200 and keeps waiting until the last task, then resumes once in input order', async () => {
		// Tasks finish in reverse order: the first item's callback comes last.
		api.mock.setOptions({
			taskDurationMs: (body) => ({ one: 800, two: 400, three: 0 })[String(body.prompt)] ?? 0,
		});
		const node = harness();
		const inputItems = ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } }));
		const paused = await node.execute(inputItems);
		expect(paused.items[0]).toHaveLength(3);
		const ids = paused.items[0].map((item) => item.json.task_id);

		const results = [];
		for (let count = 1; count <= 3; count++) {
			await until(() => api.mock.callbacks.length >= count);
			results.push(await node.call(deliveries()[count - 1], paused));
		}
		expect(results.map((answer) => answer.result!.webhookResponse)).toEqual([
			expect.objectContaining({ received: true, waiting_for: 2 }),
			expect.objectContaining({ received: true, waiting_for: 1 }),
			expect.objectContaining({ received: true, resumed: true }),
		]);
		expect(results[0].result!.workflowData).toBeUndefined();
		expect(results[1].result!.workflowData).toBeUndefined();
		const last = results[2];
		const [items] = last.result!.workflowData!;
		expect(items.map((item) => [item.json.task_id, item.json.prompt, item.pairedItem])).toEqual([
			[ids[0], 'one', { item: 0 }],
			[ids[1], 'two', { item: 1 }],
			[ids[2], 'three', { item: 2 }],
		]);
		expect(items.every((item) => item.binary?.data)).toBe(true);
	});

	it('treats a repeated callback like any other (idempotent) and refuses forged or malformed ones', async () => {
		api.mock.setOptions({ callbackMode: 'twice', taskDurationMs: (body) => (body.prompt === 'slow' ? 60_000 : 0) });
		const node = harness();
		const paused = await node.execute([{ json: { prompt: 'fast' } }, { json: { prompt: 'slow' } }]);
		await until(() => api.mock.callbacks.length >= 2);
		const [once, twice] = deliveries();
		expect(once).toEqual(twice);
		for (const request of [once, twice]) {
			const answer = await node.call(request, paused);
			expect(answer.result!.workflowData).toBeUndefined();
			expect(answer.result!.webhookResponse).toMatchObject({ waiting_for: 1 });
		}

		const queries = api.mock.stats.batchQueries;
		const forged = await node.call({ body: { success: true, task_id: 'not-a-task-of-this-run', data: [] } }, paused);
		expect(forged.status).toBe(403);
		expect(forged.result).toEqual({ noWebhookResponse: true });
		const malformed = await node.call({ body: 'task_id=1' }, paused);
		expect(malformed.status).toBe(400);
		const empty = await node.call({ body: {} }, paused);
		expect(empty.status).toBe(400);
		// Refused before anything was asked of the API.
		expect(api.mock.stats.batchQueries).toBe(queries);

		// Once the slow task finishes, its callback resumes the run with both items.
		const slowId = paused.items[0][1].json.task_id as string;
		api.mock.completeTask(slowId);
		const resumed = await node.call({ body: { task_id: slowId } }, paused);
		expect(resumed.result!.workflowData![0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('a failed task comes out as an error item with its task id, with or without Continue On Fail', async () => {
		// A throw after the resume would not fail the node in n8n (see handleCallbackWebhook).
		for (const continueOnFail of [true, false]) {
			api.mock.reset();
			api.mock.setOptions({
				generationFailure: (body) =>
					body.prompt === 'bad' ? { code: 'InputTextSensitiveContentDetected', message: 'The prompt is sensitive' } : undefined,
			});
			const node = harness({}, { continueOnFail });
			const paused = await node.execute([{ json: { prompt: 'good' } }, { json: { prompt: 'bad' } }]);
			const results = await deliverAll(node, paused, 2);
			expect(results.every((answer) => answer.error === undefined)).toBe(true);
			const [items] = results.find((answer) => answer.result?.workflowData)!.result!.workflowData!;
			expect(items).toHaveLength(2);
			expect(items[0].binary?.data).toBeDefined();
			expect(items[1]).toEqual({
				json: {
					error: 'Seedream task failed: The prompt is sensitive',
					description: expect.stringContaining(String(paused.items[0][1].json.task_id)),
					task_id: paused.items[0][1].json.task_id,
					status: 'failed',
					code: 'InputTextSensitiveContentDetected',
				},
				pairedItem: { item: 1 },
			});
		}
	});

	it('an API failure while handling a callback answers 503 and keeps the execution waiting', async () => {
		const node = harness();
		const paused = await node.execute();
		await until(() => api.mock.callbacks.length >= 1);
		api.mock.injectFault({ route: 'task', kind: 'status', status: 401 });
		const failed = await node.call(deliveries()[0], paused);
		expect(failed.status).toBe(503);
		expect(failed.result).toEqual({ noWebhookResponse: true });
		// The sender's retry (or any later callback) still resumes it.
		const retried = await node.call(deliveries()[0], paused);
		expect(retried.result!.workflowData![0]).toHaveLength(1);
	});

	it('deadline path: every task id stays in the execution custom data that $execution.customData reads', async () => {
		api.mock.setOptions({ callbackMode: 'never', taskDurationMs: 60_000 });
		const node = harness();
		const inputItems = Array.from({ length: 30 }, (_, index) => ({ json: { prompt: `p${index}` } }));
		const paused = await node.execute(inputItems);
		expect(paused.waitTill).toBeDefined();
		const ids = paused.items[0].map((item) => item.json.task_id);
		expect(ids).toHaveLength(30);
		const metadata = paused.runExecutionData.resultData.metadata!;
		// 30 ids need more than one 512-character custom data value.
		expect(Object.keys(metadata).sort()).toEqual(['seedream_task_ids', 'seedream_task_ids_2', 'seedream_task_ids_3']);
		expect(Object.values(metadata).every((value) => value.length <= 512)).toBe(true);
		const joined = Object.keys(metadata)
			.sort()
			.map((key) => metadata[key])
			.join(',');
		expect(joined.split(',')).toEqual(ids);
	});

	it('does not pause when the ids would not fit into custom data: the pending items are the output', async () => {
		const node = harness();
		const paused = await node.execute([{ json: {} }], (data) => {
			data.resultData.metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`user_key_${i}`, 'x']));
		});
		expect(paused.waitTill).toBeUndefined();
		expect(paused.items[0][0].json).toMatchObject({ status: 'pending', task_id: expect.any(String) });
		expect(paused.items[0][0].json).not.toHaveProperty('waiting_for_callback');
		expect(paused.hints.map((hint) => hint.message).join('\n')).toMatch(/did not fit/);
	});

	it('n8n 1.x (custom data only through $execution.customData): pauses, keeps the ids there, resumes from the callback', async () => {
		const node = harness({}, { customDataAccess: 'expression' });
		const paused = await node.execute();
		expect(paused.error).toBeUndefined();
		expect(paused.waitTill).toBeDefined();
		const [[item]] = paused.items;
		expect(paused.runExecutionData.resultData.metadata).toEqual({ seedream_task_ids: String(item.json.task_id) });
		const [answer] = await deliverAll(node, paused, 1);
		expect(answer.result!.webhookResponse).toMatchObject({ resumed: true });
		const [items] = answer.result!.workflowData!;
		expect(items.map((resumed) => [resumed.json.task_id, Boolean(resumed.binary?.data)])).toEqual([[item.json.task_id, true]]);
	});

	it('without any custom data to keep the ids in, it does not pause (pending items, a hint) and refuses callbacks', async () => {
		const node = harness({}, { customDataAccess: 'none' });
		const paused = await node.execute([{ json: {} }, { json: {} }]);
		expect(paused.error).toBeUndefined();
		expect(paused.waitTill).toBeUndefined();
		expect(paused.items[0].map((item) => item.json.status)).toEqual(['pending', 'pending']);
		expect(paused.items[0].every((item) => typeof item.json.task_id === 'string')).toBe(true);
		expect(paused.hints.map((hint) => hint.message).join('\n')).toMatch(/no execution custom data/);
		const [answer] = await deliverAll(node, paused, 1);
		expect(answer.status).toBe(404);
		expect(answer.result).toEqual({ noWebhookResponse: true });
	});

	it('refuses to pause inside an AI tool call, before anything is paid', async () => {
		const node = harness({}, { typeName: 'n8n-nodes-seedream.seedreamTool' });
		const result = await node.execute();
		expect(result.error?.message).toMatch(/^Mode callbackWait does not work in a tool call\. .*a paused tool call never answers/);
		expect(result.waitTill).toBeUndefined();
		expect(api.mock.stats.creates).toBe(0);
	});
});

describe('Mode "Callback: send to my URL"', () => {
	it('submits with the given callback_url and returns the task ids at once', async () => {
		const node = harness({ mode: 'callbackUrl', options: { callbackUrl: 'https://hooks.example.com/seedream?secret=s3cret' } });
		const result = await node.execute([{ json: {} }, { json: {} }]);
		expect(result.waitTill).toBeUndefined();
		expect(result.items[0].map((item) => item.json.status)).toEqual(['pending', 'pending']);
		const creates = api.mock.requests.filter((request) => request.path === '/seedream/images');
		expect(creates.map((request) => (request.body as Record<string, unknown>).callback_url)).toEqual([
			'https://hooks.example.com/seedream?secret=s3cret',
			'https://hooks.example.com/seedream?secret=s3cret',
		]);
	});

	it('refuses a missing or non-http URL before anything is paid', async () => {
		for (const callbackUrl of ['', 'ftp://example.com/x']) {
			const node = harness({ mode: 'callbackUrl', options: { callbackUrl } });
			const result = await node.execute();
			expect(result.error?.message).toMatch(/Callback URL/);
		}
		expect(api.mock.stats.creates).toBe(0);
	});
});
