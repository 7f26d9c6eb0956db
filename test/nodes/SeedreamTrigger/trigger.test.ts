import { decodeImage } from '../../../mock/images';
import { SeedreamTrigger } from '../../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import { createHarness, finishedTaskCallback, until } from '../../helpers/callback';
import { readBinary } from '../../helpers/n8n';
import { useMockApi } from '../../helpers/seedream';

const api = useMockApi();
const SECRET = 'a-long-random-secret-0123456789';

afterEach(() => jest.restoreAllMocks());

function trigger(options: Record<string, unknown> = {}) {
	return createHarness({
		nodeType: new SeedreamTrigger(),
		parameters: { secret: SECRET, options } as never,
		baseUrl: api.mock.url,
	});
}


describe('Seedream Trigger', () => {
	it('emits one item per image with its binary and task metadata for an authenticated callback', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock, {
			model: 'doubao-seedream-4-5-251128',
			size: '2K',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 2 },
		});
		const answer = await trigger().call({ body, query: { secret: SECRET } });
		expect(answer.error).toBeUndefined();
		const [items] = answer.result!.workflowData!;
		expect(items).toHaveLength(2);
		expect(items.map((item) => [item.json.task_id, item.json.status, item.json.index])).toEqual([
			[taskId, 'succeeded', 0],
			[taskId, 'succeeded', 1],
		]);
		expect(items[0].json.model).toBe('doubao-seedream-4-5-251128');
		expect(items[0].binary!.data.fileName).toBe(`${taskId}-1.jpg`);
		expect(decodeImage(await readBinary(items[0].binary!.data)).format).toBe('jpeg');
		// The payload alone is not trusted: the task was read back with the credential.
		expect(api.mock.stats.taskQueries).toBe(1);
	});

	it('answers 401 to a missing or wrong secret without reading the body or starting the workflow', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const node = trigger();
		for (const query of [{}, { secret: 'wrong' }, { secret: `${SECRET}x` }, { secret: `${SECRET.slice(0, -1)}x` }, { secret: [SECRET, SECRET] }]) {
			const answer = await node.call({ body, query });
			expect(answer.status).toBe(401);
			expect(answer.result).toEqual({ noWebhookResponse: true });
		}
		expect(api.mock.stats.taskQueries + api.mock.stats.batchQueries).toBe(0);
		// The header form is accepted too.
		const viaHeader = await node.call({ body, headers: { 'x-seedream-secret': SECRET } });
		expect(viaHeader.result!.workflowData).toBeDefined();
	});

	it('never runs with an empty secret configured', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const node = createHarness({ nodeType: new SeedreamTrigger(), parameters: { secret: '' } as never, baseUrl: api.mock.url });
		const answer = await node.call({ body, query: { secret: '' } });
		expect(answer.status).toBe(401);
	});

	it('answers 400 to a malformed body', async () => {
		const node = trigger();
		for (const body of ['not json', [], {}, { task_id: 42 }, { task_id: '../../etc' }]) {
			const answer = await node.call({ body, query: { secret: SECRET } });
			expect(answer.status).toBe(400);
			expect(answer.result!.workflowData).toBeUndefined();
		}
	});

	it('refuses a forged callback for a task the API does not know (404, no run)', async () => {
		const answer = await trigger().call({
			body: { success: true, task_id: 'f0f0f0f0-0000-4000-8000-000000000000', data: [{ image_url: 'https://evil.example/x.png' }] },
			query: { secret: SECRET },
		});
		expect(answer.status).toBe(404);
		expect(answer.result!.workflowData).toBeUndefined();
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('ignores a repeated callback for the same task within the window, also when both arrive together', async () => {
		api.mock.setOptions({ callbackMode: 'twice' });
		const { body } = await finishedTaskCallback(api.mock);
		await until(() => api.mock.callbacks.length >= 2);
		const node = trigger();
		const [first, second] = await Promise.all([
			node.call({ body, query: { secret: SECRET } }),
			node.call({ body: api.mock.callbacks[1].body, query: { secret: SECRET } }),
		]);
		const runs = [first, second].filter((answer) => answer.result?.workflowData);
		expect(runs).toHaveLength(1);
		expect([first, second].find((answer) => !answer.result?.workflowData)!.result!.webhookResponse).toMatchObject({ duplicate: true });
		// Later, from the workflow's static data.
		const later = await node.call({ body, query: { secret: SECRET } });
		expect(later.result!.workflowData).toBeUndefined();
		expect((node.workflow.staticData as Record<string, Record<string, unknown>>)['node:Seedream Trigger'].seenTasks).toHaveProperty(
			String((body as { task_id: string }).task_id),
		);
		// With the check off, every callback runs.
		const unchecked = trigger({ duplicateWindowMinutes: 0 });
		expect((await unchecked.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
	});

	it('answers 503 without starting the workflow when the task cannot be read, and accepts the retry', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const node = trigger();
		api.mock.injectFault({ route: 'task', kind: 'status', status: 401, code: 'invalid_token', message: 'The token is not valid' });
		const failed = await node.call({ body, query: { secret: SECRET } });
		expect([failed.status, failed.responseBody]).toEqual([503, { error: 'Could not read the task: Seedream API: The token is not valid [invalid_token]' }]);
		expect(failed.result!.workflowData).toBeUndefined();
		const retried = await node.call({ body, query: { secret: SECRET } });
		expect(retried.result!.workflowData![0]).toHaveLength(1);
	});

	it('looks the task up again when the callback overtakes the update of its record, and runs once the record shows it finished', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock);
		// The first lookup still finds the record as it was before the task finished.
		api.mock.injectFault({ route: 'task', kind: 'malformed-json', body: JSON.stringify({ id: taskId, response: { data: [] } }) });
		// Each clock reading is a second later, so the look again a second later takes no time.
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
		const answer = await trigger().call({ body, query: { secret: SECRET } });
		expect(answer.status).toBeUndefined();
		expect(answer.result!.webhookResponse).toEqual({ received: true, task_id: taskId });
		expect(answer.result!.workflowData![0].map((item) => [item.json.task_id, item.json.status])).toEqual([[taskId, 'succeeded']]);
	});

	it('emits a failed task as one item flagged with its error', async () => {
		api.mock.setOptions({ generationFailure: { code: 'InputTextSensitiveContentDetected', message: 'The prompt is sensitive' } });
		const { taskId, body } = await finishedTaskCallback(api.mock);
		const answer = await trigger().call({ body, query: { secret: SECRET } });
		const [items] = answer.result!.workflowData!;
		expect(items).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({
					task_id: taskId,
					status: 'failed',
					failed: true,
					error: { code: 'InputTextSensitiveContentDetected', message: 'The prompt is sensitive' },
				}),
			}),
		]);
		expect(items[0].binary).toBeUndefined();
	});
});
