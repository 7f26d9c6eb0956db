import { randomUUID } from 'node:crypto';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { decodeImage } from '../../../../../mock/images';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const V40 = 'doubao-seedream-4-0-250828';

/** Submits one job per prompt (Submit Only) and returns the task ids, in prompt order. */
async function submit(...prompts: string[]): Promise<string[]> {
	const result = await api.run(
		{
			resource: 'image',
			operation: 'generate',
			mode: 'submitOnly',
			model: V40,
			prompt: '={{ $json.prompt }}',
			size: '1K',
		},
		{ inputItems: prompts.map((prompt) => ({ json: { prompt } })) },
	);
	expect(result.error).toBeUndefined();
	return result.items[0].map((item) => String(item.json.task_id));
}

const durationFromPrompt = (body: Record<string, unknown>) =>
	Number(/-(\d+)$/.exec(String(body.prompt))?.[1] ?? 0);
const failingPrompt = (body: Record<string, unknown>) =>
	body.prompt === 'forbidden'
		? { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' }
		: undefined;
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const taskQueries = () => api.mock.requests.filter((request) => request.path === '/seedream/tasks');

describe('Task → Get', () => {
	const get = (taskId: string) => ({ resource: 'task', operation: 'get', taskId });

	it('leaves the data URIs of reference images out of the echoed request', async () => {
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		const reference = `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(4096)]).toString('base64')}`;
		const submitted = await api.run({
			resource: 'image',
			operation: 'edit',
			mode: 'submitOnly',
			model: V40,
			prompt: 'make it blue',
			size: '1K',
			referenceBinaryProperties: '',
			referenceUrls: reference,
		});
		expect(submitted.error).toBeUndefined();
		const taskId = String(submitted.items[0][0].json.task_id);
		const result = await api.run(get(taskId));
		const request = result.items[0][0].json.request as Record<string, unknown>;
		expect(request.prompt).toBe('make it blue');
		expect(String(request.image)).toMatch(/^\[inline image data omitted: \d+ characters\]$/);
		expect(JSON.stringify(result.items[0][0].json)).not.toContain('base64,');
	});

	it('derives status from the record and returns timings, the original request, images and errors', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt, generationFailure: failingPrompt });
		const [done, running, failed] = await submit('fox', 'owl-60000', 'forbidden');
		await sleep(50);
		const result = await api.run(get('={{ $json.id }}'), {
			inputItems: [done, running, failed].map((id) => ({ json: { id } })),
		});
		expect(result.error).toBeUndefined();
		const [doneItem, runningItem, failedItem] = result.items[0].map((item) => item.json);
		const record = api.mock.tasks.get(done)!;
		expect(doneItem).toMatchObject({
			task_id: done,
			status: 'succeeded',
			trace_id: record.trace_id,
			created_at: record.created_at,
			finished_at: record.finished_at,
			elapsed: record.elapsed,
			request: expect.objectContaining({ model: V40, prompt: 'fox', async: true }),
			images: [
				expect.objectContaining({
					image_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//),
					size: '1024x1024',
				}),
			],
			error: null,
		});
		expect(typeof doneItem.created_at).toBe('number');
		expect(runningItem).toMatchObject({
			task_id: running,
			status: 'pending',
			finished_at: null,
			elapsed: null,
			images: [],
			error: null,
		});
		expect(failedItem).toMatchObject({
			task_id: failed,
			status: 'failed',
			images: [],
			error: { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' },
		});
		expect(result.items[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(taskQueries().map((request) => request.body)).toEqual([
			{ action: 'retrieve', id: done },
			{ action: 'retrieve', id: running },
			{ action: 'retrieve', id: failed },
		]);
	});

	it.each([200, 404] as const)(
		'an unknown id answered with %s is a clear "not found" error',
		async (unknownTaskStatus) => {
			api.mock.setOptions({ unknownTaskStatus });
			const unknown = randomUUID();
			const result = await api.run(get(unknown));
			expect(result.error?.message).toBe(`Seedream task not found: ${unknown}`);
			expect(result.error?.description).toMatch(/same Seedream API credential/);
			expect(result.error?.httpCode).toBe('404');

			const kept = await api.run(get(unknown), { continueOnFail: true });
			expect(kept.items[0]).toEqual([
				{
					json: expect.objectContaining({ error: `Seedream task not found: ${unknown}` }),
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	it('a wrong Base URL (404 no_api) is not mistaken for an unknown task', async () => {
		const result = await api.run(get(randomUUID()), { baseUrl: `${api.mock.url}/wrong` });
		expect(result.error?.message).toContain('no_api');
	});
});

describe('Task → Get Many', () => {
	it('looks up any number of ids 50 per retrieve_batch call, one item per id in the given order', async () => {
		api.mock.setOptions({
			taskDurationMs: durationFromPrompt,
			generationFailure: failingPrompt,
			batchOrder: 'reversed',
		});
		const [done, running, failed] = await submit('fox', 'owl-60000', 'forbidden');
		await sleep(50);
		const unknown = Array.from({ length: 117 }, () => randomUUID());
		const ids = [...unknown.slice(0, 60), done, running, ...unknown.slice(60), failed];
		const result = await api.run({
			resource: 'task',
			operation: 'getMany',
			taskIds: ids.join(', '),
		});
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => item.json.task_id)).toEqual(ids);
		for (const item of items) expect(item.pairedItem).toEqual({ item: 0 });
		const byId = new Map(items.map((item) => [item.json.task_id, item.json]));
		expect(byId.get(done)).toMatchObject({
			status: 'succeeded',
			request: expect.objectContaining({ prompt: 'fox' }),
			images: [expect.any(Object)],
		});
		expect(byId.get(done)!.finished_at).toEqual(expect.any(Number));
		expect(byId.get(done)!.elapsed).toEqual(expect.any(Number));
		expect(byId.get(running)).toMatchObject({ status: 'pending', finished_at: null, images: [] });
		expect(byId.get(failed)).toMatchObject({
			status: 'failed',
			error: { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' },
		});
		expect(byId.get(unknown[0])).toMatchObject({ status: 'not_found', images: [], request: null });

		const batches = taskQueries().map(
			(request) => request.body as { action: string; ids: string[] },
		);
		expect(batches.map((batch) => batch.action)).toEqual([
			'retrieve_batch',
			'retrieve_batch',
			'retrieve_batch',
		]);
		expect(batches.map((batch) => batch.ids.length)).toEqual([50, 50, 20]);
		expect(batches.flatMap((batch) => batch.ids)).toEqual(ids);
	});

	it('takes an array from an expression and drops duplicates', async () => {
		const [first, second] = await submit('a', 'b');
		const result = await api.run(
			{ resource: 'task', operation: 'getMany', taskIds: '={{ $json.ids }}' },
			{ inputItems: [{ json: { ids: [first, second, first] } }] },
		);
		expect(result.items[0].map((item) => [item.json.task_id, item.json.status])).toEqual([
			[first, 'succeeded'],
			[second, 'succeeded'],
		]);
	});
});

describe('Task → Wait for Completion', () => {
	const wait = (options: INodeParameters = {}) => ({
		resource: 'task',
		operation: 'waitForCompletion',
		taskIds: '={{ $json.task_id }}',
		options: { maxPollIntervalSeconds: 0.1, ...options },
	});
	const itemsFor = (ids: string[]): INodeExecutionData[] =>
		ids.map((task_id) => ({ json: { task_id } }));

	it('polls existing tasks together and emits their images as binaries, paired with the input items', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt });
		const ids = await submit('fox-500', 'owl-100', 'cat-300');
		const requestsBefore = api.mock.requests.length;
		const result = await api.run(wait(), { inputItems: itemsFor(ids) });
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => [item.json.task_id, item.pairedItem])).toEqual(
			ids.map((id, item) => [id, { item }]),
		);
		for (const item of items) {
			expect(item.json).toMatchObject({
				status: 'succeeded',
				finished_at: expect.any(Number),
				elapsed: expect.any(Number),
			});
			expect(item.binary!.data.fileName).toBe(`${item.json.task_id}-1.jpg`);
		}
		expect(decodeImage(await result.readBinary(items[0].binary!.data)).width).toBe(1024);
		const lookups = api.mock.requests
			.slice(requestsBefore)
			.filter((request) => request.path === '/seedream/tasks');
		for (const lookup of lookups) expect(lookup.body).toMatchObject({ action: 'retrieve_batch' });
		expect(lookups[0].body).toMatchObject({ ids });
		expect(lookups.length).toBeLessThanOrEqual(10);
	});

	it('returns URLs only when downloads are off', async () => {
		const ids = await submit('fox');
		const result = await api.run(wait({ outputMode: 'url' }), { inputItems: itemsFor(ids) });
		expect(result.items[0][0].binary).toBeUndefined();
		expect(result.items[0][0].json.image_url).toEqual(expect.stringMatching(/\/files\//));
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('answers unknown ids at once as not_found and failed tasks with their error, for any number of ids', async () => {
		api.mock.setOptions({ generationFailure: failingPrompt });
		const [done, failed] = await submit('fox', 'forbidden');
		const unknown = Array.from({ length: 55 }, () => randomUUID());
		const started = Date.now();
		const result = await api.run(wait({ outputMode: 'url' }), {
			inputItems: [{ json: { task_id: [...unknown, done, failed].join(',') } }],
		});
		expect(Date.now() - started).toBeLessThan(2000);
		expect(result.error).toBeUndefined();
		const byId = new Map(result.items[0].map((item) => [item.json.task_id, item.json]));
		expect(byId.get(done)).toMatchObject({ status: 'succeeded', image_url: expect.any(String) });
		expect(byId.get(failed)).toMatchObject({
			status: 'failed',
			error: { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' },
		});
		for (const id of unknown) expect(byId.get(id)).toMatchObject({ status: 'not_found' });
		const batches = taskQueries().map((request) => (request.body as { ids: string[] }).ids.length);
		expect(batches).toEqual([50, 7]);
	});

	it('picks up a task that timed out in poll mode, and marks tasks still running at Max Wait', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt });
		const [slow, never] = await submit('slow-60000', 'never-60000');
		api.mock.completeTask(slow);
		const result = await api.run(wait({ maxWaitMinutes: 0.005 }), {
			inputItems: itemsFor([slow, never]),
		});
		expect(result.error).toBeUndefined();
		const [picked, pending] = result.items[0];
		expect(picked.json).toMatchObject({ task_id: slow, status: 'succeeded' });
		expect(picked.binary?.data).toBeDefined();
		expect(pending.json).toMatchObject({ task_id: never, status: 'pending', timed_out: true });
		expect(pending.pairedItem).toEqual({ item: 1 });
	});

	it('fails the item of a task still running at Max Wait with "Fail", naming its task id and item', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt });
		const [done, never] = await submit('done-0', 'never-60000');
		const options = { maxWaitMinutes: 0.005, onTimeout: 'error', outputMode: 'url' };
		const stopped = await api.run(wait(options), { inputItems: itemsFor([done, never]) });
		expect(stopped.error?.message).toBe('The task did not finish within "Max Wait"');
		expect(stopped.error?.description).toContain(`Task id: ${never}`);
		expect(stopped.error?.context?.itemIndex).toBe(1);
		const kept = await api.run(wait(options), {
			inputItems: itemsFor([done, never]),
			continueOnFail: true,
		});
		expect(
			kept.items[0].map((item) => [item.json.task_id, item.json.status ?? item.json.error]),
		).toEqual([
			[done, 'succeeded'],
			[never, 'The task did not finish within "Max Wait"'],
		]);
	});

	it('reports a bad id on its own item under Continue On Fail and still waits for the others', async () => {
		const [done] = await submit('fox');
		const result = await api.run(wait({ outputMode: 'url' }), {
			inputItems: [{ json: { task_id: '<script>' } }, { json: { task_id: done } }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		const [bad, good] = result.items[0];
		expect(bad).toMatchObject({
			json: { error: expect.stringMatching(/not a valid task id/) },
			pairedItem: { item: 0 },
		});
		expect(bad.json.description).toMatch(/letters, digits/);
		expect(good).toMatchObject({
			json: { task_id: done, status: 'succeeded' },
			pairedItem: { item: 1 },
		});
		const stopped = await api.run(wait(), {
			inputItems: [{ json: { task_id: done } }, { json: { task_id: '<script>' } }],
		});
		expect(stopped.error?.message).toMatch(/not a valid task id/);
		expect(stopped.error?.context?.itemIndex).toBe(1);
	});

	it('keeps the type and description of an image that cannot be stored, with the task id', async () => {
		const [done] = await submit('fox');
		const result = await api.run(wait({ maxDownloadMb: 0.001 }), { inputItems: itemsFor([done]) });
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.description).toContain(`Task id: ${done}`);
		const kept = await api.run(wait({ maxDownloadMb: 0.001 }), {
			inputItems: itemsFor([done]),
			continueOnFail: true,
		});
		expect(kept.items[0][0].json).toMatchObject({
			task_id: done,
			error: result.error?.message,
			description: result.error?.description,
		});
	});

	it('refuses options that differ between items where they apply to the whole run', async () => {
		const [first, second] = await submit('fox', 'owl');
		const result = await api.run(
			{ ...wait(), options: { maxPollIntervalSeconds: 0.1, maxWaitMinutes: '={{ $json.wait }}' } },
			{
				inputItems: [{ json: { task_id: first, wait: 1 } }, { json: { task_id: second, wait: 2 } }],
			},
		);
		expect(result.error?.message).toBe('"Max Wait (Minutes)" differs between items 0 and 1');
		expect(result.error?.context?.itemIndex).toBe(1);
		expect(api.mock.requests.filter((request) => request.path === '/seedream/tasks')).toHaveLength(
			0,
		);
	});
});
