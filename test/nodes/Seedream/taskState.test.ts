/**
 * Task state rules (updates-2026-12) wherever a task is read: poll, callback pause, Wait for
 * Completion, Get, Get Many and the trigger. Records may carry a `state` (possibly empty) that
 * decides nothing; `success: false` is final even before `finished_at`; a `response` without
 * `success` is still pending; `success: true` with no image is a failure, not a success.
 */
import type { INodeParameters } from 'n8n-workflow';

import { Seedream } from '../../../nodes/Seedream/Seedream.node';
import { SeedreamTrigger } from '../../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import { createHarness, finishedTaskCallback, until } from '../../helpers/callback';
import { lighthouseJob, useMockApi } from '../../helpers/seedream';

const api = useMockApi();
const NO_IMAGE = 'The task finished with success: true but no image';
const sensitive = { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' };
const fastPoll = { maxPollIntervalSeconds: 0.1 };

/** Submits `count` jobs (Submit Only) and returns their task ids. */
async function submit(count = 1, extra: INodeParameters = {}): Promise<string[]> {
	const result = await api.run(
		{ ...lighthouseJob('submitOnly'), ...extra },
		{ inputItems: Array.from({ length: count }, () => ({ json: {} })) },
	);
	expect(result.error).toBeUndefined();
	return result.items[0].map((item) => String(item.json.task_id));
}

/** A Seedream Trigger receiving one callback body, with its secret. */
async function deliverToTrigger(body: unknown) {
	const secret = 'a-long-random-secret-0123456789';
	const trigger = createHarness({
		nodeType: new SeedreamTrigger(),
		parameters: { secret } as never,
		baseUrl: api.mock.url,
	});
	return await trigger.call({ body, query: { secret } } as Parameters<typeof trigger.call>[0]);
}

const get = (taskId: string) => api.run({ resource: 'task', operation: 'get', taskId });
const getMany = (ids: string[]) =>
	api.run({ resource: 'task', operation: 'getMany', taskIds: ids.join(',') });

describe('success: true with no image is a failed task', () => {
	it('Task → Get reports it as failed, with why, not as succeeded with images: []', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const [taskId] = await submit();
		const result = await get(taskId);
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json).toMatchObject({
			task_id: taskId,
			status: 'failed',
			images: [],
			error: { code: null, message: NO_IMAGE },
		});
	});

	it('Task → Get Many reports it as failed, also when every slot of a set failed', async () => {
		api.mock.setOptions({
			emptySuccess: (body) => body.prompt === 'empty',
			failImages: (body) => (body.sequential_image_generation === 'auto' ? [0, 1] : []),
		});
		const [empty] = await submit(1, { prompt: 'empty' });
		const [allFailed] = await submit(1, {
			model: 'doubao-seedream-4-5-251128',
			size: '2K',
			options: { maxImages: 2 },
		});
		const [fine] = await submit();
		const result = await getMany([empty, allFailed, fine]);
		expect(result.items[0].map((item) => [item.json.task_id, item.json.status])).toEqual([
			[empty, 'failed'],
			[allFailed, 'failed'],
			[fine, 'succeeded'],
		]);
		expect(result.items[0][0].json.error).toEqual({ code: null, message: NO_IMAGE });
		expect(result.items[0][1].json.error).toEqual({
			code: 'OutputImageSensitiveContentDetected',
			message: expect.any(String),
		});
		expect(result.items[0][1].json.images).toHaveLength(2);
	});

	it('Wait for Completion emits it as a failed task item, nothing downloaded', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const [taskId] = await submit();
		const result = await api.run({
			resource: 'task',
			operation: 'waitForCompletion',
			taskIds: taskId,
			options: fastPoll,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]).toEqual([
			{
				json: expect.objectContaining({
					task_id: taskId,
					status: 'failed',
					error: { code: null, message: NO_IMAGE },
				}),
				pairedItem: { item: 0 },
			},
		]);
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('Submit and Poll Until Done fails the item naming the task id', async () => {
		api.mock.setOptions({ emptySuccess: true, taskDurationMs: 200 });
		const result = await api.run(lighthouseJob('pollUntilDone'));
		const taskId = [...api.mock.tasks.keys()][0];
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(`Seedream task returned no image: ${NO_IMAGE}`);
		expect(result.error?.description).toContain(`Task id: ${taskId}`);
		expect(result.error?.description).toContain('Ace Data Cloud console');
	});

	it('Wait for Result (sync) fails the item naming the task id', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const result = await api.run(lighthouseJob('sync'));
		const taskId = [...api.mock.tasks.keys()][0];
		expect(result.error?.message).toBe('Seedream returned no image');
		expect(result.error?.description).toContain(`Task id: ${taskId}`);
	});

	it('the callback pause resumes with a failed item that keeps the task id', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const node = createHarness({
			nodeType: new Seedream(),
			parameters: { ...lighthouseJob('callbackWait') } as never,
			baseUrl: api.mock.url,
		});
		const paused = await node.execute();
		expect(paused.error).toBeUndefined();
		await until(() => api.mock.callbacks.length >= 1);
		const answer = await node.call({ body: api.mock.callbacks[0].body }, paused);
		const taskId = String(paused.items[0][0].json.task_id);
		expect(answer.result!.workflowData![0]).toEqual([
			{
				json: expect.objectContaining({
					task_id: taskId,
					status: 'failed',
					error: `Seedream task returned no image: ${NO_IMAGE}`,
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('the trigger emits a failed item, not a succeeded one', async () => {
		api.mock.setOptions({ emptySuccess: true });
		const { taskId, body } = await finishedTaskCallback(api.mock);
		const answer = await deliverToTrigger(body);
		expect(answer.result!.workflowData![0]).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({
					task_id: taskId,
					status: 'failed',
					failed: true,
					error: { code: null, message: NO_IMAGE },
				}),
			}),
		]);
	});
});

describe('the state field decides nothing; response does', () => {
	it('success: false with an empty state and no finished_at is final at once', async () => {
		api.mock.setOptions({ taskState: '', omitFinishedAt: true, generationFailure: sensitive });
		const [taskId] = await submit();
		const got = await get(taskId);
		expect(got.items[0][0].json).toMatchObject({
			status: 'failed',
			finished_at: null,
			error: sensitive,
		});
		const started = Date.now();
		const polled = await api.run(lighthouseJob('pollUntilDone', { maxWaitMinutes: 1 }));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(polled.error?.message).toBe('Seedream task failed: Sensitive input.');
	});

	it('a response without success is pending, whatever state says', async () => {
		api.mock.setOptions({
			pendingResponse: true,
			taskState: (record) => (record.response?.success === undefined ? 'succeeded' : ''),
			taskDurationMs: 60_000,
		});
		const [taskId] = await submit();
		expect((await get(taskId)).items[0][0].json).toMatchObject({ status: 'pending', images: [] });
		expect((await getMany([taskId])).items[0][0].json.status).toBe('pending');
		const waited = await api.run({
			resource: 'task',
			operation: 'waitForCompletion',
			taskIds: taskId,
			options: { ...fastPoll, maxWaitMinutes: 0.01 },
		});
		expect(waited.items[0][0].json).toMatchObject({
			task_id: taskId,
			status: 'pending',
			timed_out: true,
		});
		expect(api.mock.stats.downloads).toBe(0);
		// Once the response says success with an image, the task is done.
		api.mock.completeTask(taskId);
		const done = await get(taskId);
		expect(done.items[0][0].json).toMatchObject({
			status: 'succeeded',
			images: [expect.any(Object)],
		});
	});

	it('an empty state on a finished record changes nothing for poll, callback and trigger', async () => {
		api.mock.setOptions({ taskState: '' });
		const polled = await api.run(lighthouseJob('pollUntilDone', fastPoll));
		expect(polled.error).toBeUndefined();
		expect(polled.items[0][0].binary?.data).toBeDefined();
		const { body } = await finishedTaskCallback(api.mock);
		const answer = await deliverToTrigger(body);
		expect(answer.result!.workflowData![0][0].json.status).toBe('succeeded');
	});
});
