/**
 * Task → Wait for Completion and Get Many with "Task IDs Source: From This Execution's Paused
 * Seedream Node": the recovery after a Callback: Pause deadline. The ids are written by the real
 * pause (or by the store's own chunking) and read back by the Task node in the same execution.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { decodeImage } from '../../../../../mock/images';
import { chunkKey, chunkTaskIds, CUSTOM_DATA_KEY_LIMIT } from '../../../../../nodes/Seedream/jobs/callbackStore';
import { Seedream } from '../../../../../nodes/Seedream/Seedream.node';
import { createHarness, type HarnessOptions, type Paused } from '../../../../helpers/callback';
import { readBinary } from '../../../../helpers/n8n';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const V40 = 'doubao-seedream-4-0-250828';

function node(parameters: Record<string, unknown>, options: Partial<Pick<HarnessOptions, 'continueOnFail' | 'customDataAccess'>> = {}) {
	return createHarness({ nodeType: new Seedream(), parameters: parameters as never, baseUrl: api.mock.url, ...options });
}

const pauseNode = (options: Partial<Pick<HarnessOptions, 'customDataAccess'>> = {}) =>
	node({ resource: 'image', operation: 'generate', mode: 'callbackWait', model: V40, prompt: '={{ $json.prompt }}', size: '1K' }, options);

const waitForCompletion = (extra: Record<string, unknown> = {}) => ({
	resource: 'task',
	operation: 'waitForCompletion',
	taskIdsSource: 'pausedNode',
	options: { maxPollIntervalSeconds: 0.1 },
	...extra,
});

const getMany = (extra: Record<string, unknown> = {}) => ({ resource: 'task', operation: 'getMany', taskIdsSource: 'pausedNode', ...extra });

/** The same execution later on: the custom data the paused node left is there. */
const sameExecution = (paused: Paused) => (data: { resultData: { metadata?: Record<string, string> } }) => {
	data.resultData.metadata = { ...paused.runExecutionData.resultData.metadata };
};

const prompts = (count: number): INodeExecutionData[] => Array.from({ length: count }, (_, index) => ({ json: { prompt: `prompt ${index}` } }));

describe("Task IDs Source: From This Execution's Paused Seedream Node", () => {
	it.each(['context', 'expression'] as const)(
		'recovers all 30 tasks of a paused node (3 custom data keys), each paired with its own item (custom data via %s)',
		async (customDataAccess) => {
			api.mock.setOptions({ callbackMode: 'never', taskDurationMs: 50 });
			const paused = await pauseNode({ customDataAccess }).execute(prompts(30));
			expect(paused.waitTill).toBeDefined();
			const ids = paused.items[0].map((item) => item.json.task_id as string);
			expect(Object.keys(paused.runExecutionData.resultData.metadata!)).toHaveLength(3);

			// After the deadline n8n hands the paused node's input on unchanged.
			const recovered = await node(waitForCompletion(), { customDataAccess }).execute(prompts(30), sameExecution(paused));
			expect(recovered.error).toBeUndefined();
			const items = recovered.items[0];
			expect(items.map((item) => item.json.task_id)).toEqual(ids);
			expect(items.map((item) => item.json.paused_item_index)).toEqual(ids.map((_id, index) => index));
			expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_id, index) => ({ item: index })));
			expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
			const image = decodeImage(await readBinary(items[29].binary!.data));
			expect(image).toMatchObject({ width: 1024, height: 1024 });
			expect(api.mock.stats.creates).toBe(30);
		},
	);

	it('reads all ten custom data keys in order and skips items that were never submitted ("-")', async () => {
		const ids = Array.from({ length: 130 }, (_, index) =>
			index % 9 === 4 ? undefined : `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000`,
		);
		const chunks = chunkTaskIds(ids);
		expect(chunks).toHaveLength(CUSTOM_DATA_KEY_LIMIT);
		const stored = Object.fromEntries(chunks.map((chunk, index) => [chunkKey(index), chunk]));
		const submitted = ids.flatMap((id, index) => (id ? [{ id, index }] : []));

		// One input item (e.g. after a node that runs once): every task is paired with it.
		const result = await node(getMany()).execute([{ json: {} }], (data) => {
			data.resultData.metadata = { ...stored, user_key: 'left alone' };
		});
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => [item.json.task_id, item.json.paused_item_index])).toEqual(submitted.map(({ id, index }) => [id, index]));
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		// All 116 ids in three retrieve_batch calls (50 per call), not one call per id.
		expect(api.mock.requests.map((request) => request.path)).toEqual(['/seedream/tasks', '/seedream/tasks', '/seedream/tasks']);
	});

	it('with nothing stored in this execution, fails with an error that says what to do', async () => {
		for (const customDataAccess of ['context', 'expression', 'none'] as const) {
			const result = await node(waitForCompletion(), { customDataAccess }).execute([{ json: {} }]);
			expect(result.error?.message).toBe('This execution has no task IDs of a paused Seedream node');
			expect(result.error?.description).toMatch(/Callback: Pause.*after that node.*"Define Below"/s);
		}
		const listed = await node(getMany(), { continueOnFail: true }).execute([{ json: {} }]);
		expect(listed.items[0]).toEqual([
			{ json: expect.objectContaining({ error: 'This execution has no task IDs of a paused Seedream node' }), pairedItem: { item: 0 } },
		]);
		expect(api.mock.stats.requests).toBe(0);
	});

	it('works from an expression, and refuses a source that differs between items', async () => {
		api.mock.setOptions({ callbackMode: 'never', taskDurationMs: 0 });
		const paused = await pauseNode().execute(prompts(2));
		const ids = paused.items[0].map((item) => item.json.task_id);
		const fromExpression = await node(getMany({ taskIdsSource: '={{ $json.recover ? "pausedNode" : "define" }}' })).execute(
			[{ json: { recover: true } }, { json: { recover: true } }],
			sameExecution(paused),
		);
		expect(fromExpression.items[0].map((item) => item.json.task_id)).toEqual(ids);

		// "Define Below" from an expression still reads the Task IDs field.
		const defined = await node(getMany({ taskIdsSource: '={{ "define" }}', taskIds: '={{ $json.id }}' })).execute([{ json: { id: ids[1] } }]);
		expect(defined.items[0].map((item) => [item.json.task_id, item.json.paused_item_index])).toEqual([[ids[1], undefined]]);

		const mixed = await node(getMany({ taskIdsSource: '={{ $json.recover ? "pausedNode" : "define" }}', taskIds: 'x' })).execute(
			[{ json: { recover: true } }, { json: { recover: false } }],
			sameExecution(paused),
		);
		expect(mixed.error?.message).toBe('"Task IDs Source" differs between items 0 and 1');
	});

	it('a task that failed comes out as data with its item, the others with their images', async () => {
		api.mock.setOptions({
			callbackMode: 'never',
			taskDurationMs: 0,
			generationFailure: (body) => (String(body.prompt).endsWith('1') ? { code: 'InputTextSensitiveContentDetected', message: 'Sensitive.' } : undefined),
		});
		const paused = await pauseNode().execute(prompts(3));
		const recovered = await node(waitForCompletion()).execute(prompts(3), sameExecution(paused));
		expect(recovered.error).toBeUndefined();
		expect(recovered.items[0].map((item) => [item.json.paused_item_index, item.json.status ?? null, Boolean(item.binary?.data)])).toEqual([
			[0, 'succeeded', true],
			[1, 'failed', false],
			[2, 'succeeded', true],
		]);
	});
});
