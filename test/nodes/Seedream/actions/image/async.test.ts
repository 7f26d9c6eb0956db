import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { decodeImage } from '../../../../../mock/images';
import type { MockServer, RecordedRequest } from '../../../../../mock/server';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

type Mode = 'sync' | 'pollUntilDone' | 'submitOnly';

/** Polls every 100 ms so a round trip costs little test time; the UI's floor is 1 s. */
const FAST_POLL = { maxPollIntervalSeconds: 0.1 };

const generate = (mode: Mode, options: INodeParameters = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode,
	model: 'doubao-seedream-4-0-250828',
	prompt: '={{ $json.prompt }}',
	size: '1K',
	options: mode === 'pollUntilDone' ? { ...FAST_POLL, ...options } : options,
});

const prompts = (...values: string[]): INodeExecutionData[] =>
	values.map((prompt) => ({ json: { prompt } }));

/** Task duration per prompt: `slow-1200` takes 1200 ms; anything else finishes at once. */
const durationFromPrompt = (body: Record<string, unknown>) =>
	Number(/-(\d+)$/.exec(String(body.prompt))?.[1] ?? 0);

function batchQueries(mock: MockServer): Array<RecordedRequest & { ids: string[] }> {
	return mock.requests
		.filter((request) => request.path === '/seedream/tasks')
		.map((request) => {
			const body = request.body as { action?: string; ids?: string[] };
			expect(body.action).toBe('retrieve_batch');
			return { ...request, ids: body.ids ?? [] };
		});
}

function taskIdOfPrompt(mock: MockServer, prompt: string): string {
	const record = [...mock.tasks.values()].find((task) => task.request.prompt === prompt);
	if (!record) throw new Error(`no task for ${prompt}`);
	return record.id;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('Submit and Poll Until Done', () => {
	it('polls all pending tasks in one retrieve_batch per round and emits binaries like sync, in input order', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt, batchOrder: 'reversed' });
		// The first item finishes last, so finishing order is the reverse of input order.
		const inputItems = prompts('fox-800', 'owl-100', 'cat-400');
		const result = await api.run(generate('pollUntilDone'), { inputItems });

		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => [item.json.prompt, item.pairedItem])).toEqual([
			['fox-800', { item: 0 }],
			['owl-100', { item: 1 }],
			['cat-400', { item: 2 }],
		]);
		for (const item of items) {
			const taskId = taskIdOfPrompt(api.mock, String(item.json.prompt));
			expect(item.json).toMatchObject({
				task_id: taskId,
				model: 'doubao-seedream-4-0-250828',
				size: '1024x1024',
				index: 0,
			});
			const binary = item.binary!.data;
			expect(binary.fileName).toBe(`${taskId}-1.jpg`);
			expect(binary.mimeType).toBe('image/jpeg');
		}
		expect(decodeImage(await result.readBinary(items[0].binary!.data))).toEqual({
			width: 1024,
			height: 1024,
			format: 'jpeg',
		});

		expect(
			api.mock.requests
				.filter((request) => request.path === '/seedream/images')
				.map((request) => request.body),
		).toEqual(
			inputItems.map(({ json }) => expect.objectContaining({ prompt: json.prompt, async: true })),
		);
		expect(api.mock.stats).toMatchObject({ creates: 3, jobsCreated: 3, taskQueries: 0 });

		const batches = batchQueries(api.mock);
		const allIds = ['fox-800', 'owl-100', 'cat-400'].map((prompt) =>
			taskIdOfPrompt(api.mock, prompt),
		);
		expect(new Set(batches[0].ids)).toEqual(new Set(allIds));
		const finishedAt = (id: string) => (api.mock.tasks.get(id)!.finished_at ?? Infinity) * 1000;
		const slack = 50;
		for (let round = 1; round < batches.length; round++) {
			const previous = batches[round - 1];
			const current = batches[round];
			// A round asks for exactly the tasks not yet seen finished: no per-task lookups, none dropped early.
			for (const id of current.ids) expect(previous.ids).toContain(id);
			for (const id of previous.ids.filter((candidate) => !current.ids.includes(candidate))) {
				expect(finishedAt(id)).toBeLessThanOrEqual(previous.at + slack);
			}
			for (const id of current.ids)
				expect(finishedAt(id)).toBeGreaterThanOrEqual(previous.at - slack);
		}
		// The slowest task was still asked for until it had finished, and then polling stopped: the last round saw
		// every task it asked for finished (a round after that would have failed the loop above). How many tasks
		// share the last round depends on how fast this machine runs the rounds, so it is not pinned.
		const last = batches[batches.length - 1];
		expect(last.ids).toContain(allIds[0]);
		for (const id of last.ids) expect(finishedAt(id)).toBeLessThanOrEqual(last.at + slack);
		// Never a busy loop: 0.8 s at a 100 ms cap is at most about eight rounds; at least one round saw a task pending.
		expect(batches.length).toBeGreaterThanOrEqual(2);
		expect(batches.length).toBeLessThanOrEqual(12);
	});

	it('splits more than 50 pending tasks into retrieve_batch calls of at most 50 ids per round', async () => {
		api.mock.setOptions({ taskDurationMs: 300 });
		const inputItems = prompts(...Array.from({ length: 55 }, (_, index) => `item ${index}`));
		const result = await api.run(generate('pollUntilDone', { concurrency: 10 }), { inputItems });

		expect(result.error).toBeUndefined();
		expect(result.items[0]).toHaveLength(55);
		result.items[0].forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.prompt).toBe(`item ${index}`);
			expect(item.binary?.data.mimeType).toBe('image/jpeg');
		});
		const batches = batchQueries(api.mock);
		for (const batch of batches) expect(batch.ids.length).toBeLessThanOrEqual(50);
		const [first, second] = batches;
		expect(first.ids).toHaveLength(50);
		expect(second.ids).toHaveLength(5);
		expect(new Set([...first.ids, ...second.ids])).toEqual(new Set(api.mock.tasks.keys()));
		// Rounds: a full call of 50 is followed by the rest of its round, disjoint from it.
		const rounds: string[][][] = [];
		for (const { ids } of batches) {
			const round = rounds[rounds.length - 1];
			const lastCall = round?.[round.length - 1];
			if (round && lastCall.length === 50 && !round.flat().some((id) => ids.includes(id)))
				round.push(ids);
			else rounds.push([ids]);
		}
		expect(rounds[0].map((calls) => calls.length)).toEqual([50, 5]);
		for (const [index, round] of rounds.entries()) {
			const pending = round.flat();
			expect(round).toHaveLength(Math.ceil(pending.length / 50));
			if (index > 0) for (const id of pending) expect(rounds[index - 1].flat()).toContain(id);
		}
		expect(api.mock.stats).toMatchObject({ creates: 55, jobsCreated: 55, taskQueries: 0 });
	});

	it('fails only the item whose task failed, with its task id (continueOnFail) or as the error', async () => {
		api.mock.setOptions({
			taskDurationMs: 100,
			generationFailure: (body) =>
				body.prompt === 'forbidden'
					? {
							code: 'InputTextSensitiveContentDetected',
							message: 'The input text may contain sensitive information.',
						}
					: undefined,
		});
		const inputItems = prompts('fine', 'forbidden', 'also fine');
		const kept = await api.run(generate('pollUntilDone'), { inputItems, continueOnFail: true });
		expect(kept.error).toBeUndefined();
		const items = kept.items[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const failedTask = taskIdOfPrompt(api.mock, 'forbidden');
		expect(items[1].json).toMatchObject({ task_id: failedTask });
		expect(String(items[1].json.error)).toContain('sensitive');
		expect(items[1].binary).toBeUndefined();
		expect(items[0].binary?.data).toBeDefined();
		expect(items[2].binary?.data).toBeDefined();

		api.mock.reset();
		api.mock.setOptions({
			generationFailure: { code: 'InputTextSensitiveContentDetected', message: 'Sensitive input.' },
		});
		const failed = await api.run(generate('pollUntilDone'), { inputItems: prompts('forbidden') });
		expect(failed.error?.constructor.name).toBe('NodeApiError');
		expect(failed.error?.message).toContain('Sensitive input.');
		expect(failed.error?.description).toContain(taskIdOfPrompt(api.mock, 'forbidden'));
	});

	it('a failing task lookup keeps every unfinished task id instead of losing the paid jobs', async () => {
		api.mock.setOptions({ taskDurationMs: 100 });
		api.mock.injectFault({ route: 'task', kind: 'status', status: 401 });
		const result = await api.run(generate('pollUntilDone'), {
			inputItems: prompts('one', 'two'),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].map((item) => item.json.task_id)).toEqual([
			taskIdOfPrompt(api.mock, 'one'),
			taskIdOfPrompt(api.mock, 'two'),
		]);
		for (const item of result.items[0])
			expect(String(item.json.description)).toContain('Wait for Completion');
	});
});

describe('Submit Only', () => {
	it('returns {task_id, trace_id, status: pending} per item at once, without polling', async () => {
		api.mock.setOptions({ taskDurationMs: 60_000 });
		const result = await api.run(generate('submitOnly'), {
			inputItems: prompts('one', 'two', 'three'),
		});
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items).toHaveLength(3);
		items.forEach((item, index) => {
			const record = api.mock.tasks.get(String(item.json.task_id))!;
			expect(record.request.prompt).toBe(['one', 'two', 'three'][index]);
			expect(record.response).toBeUndefined();
			expect(item.json).toEqual({
				task_id: record.id,
				trace_id: record.trace_id,
				status: 'pending',
				model: 'doubao-seedream-4-0-250828',
			});
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.binary).toBeUndefined();
		});
		expect(api.mock.requests.filter((request) => request.path === '/seedream/tasks')).toHaveLength(
			0,
		);
		expect(api.mock.stats).toMatchObject({ creates: 3, jobsCreated: 3 });
	});

	it('gives trace_id null when the API answers only {task_id}', async () => {
		api.mock.setOptions({ asyncSubmitBody: 'minimal' });
		const result = await api.run(generate('submitOnly'), { inputItems: prompts('one') });
		expect(result.items[0][0].json).toMatchObject({
			task_id: expect.any(String),
			trace_id: null,
			status: 'pending',
		});
	});
});

describe('Max Wait', () => {
	const timeout = { maxWaitMinutes: 0.005 }; // 300 ms

	it('returns still-pending items with their task id and timed_out: true, next to the finished ones', async () => {
		api.mock.setOptions({ taskDurationMs: durationFromPrompt });
		const result = await api.run(generate('pollUntilDone', timeout), {
			inputItems: prompts('quick-50', 'slow-60000'),
		});
		expect(result.error).toBeUndefined();
		const [done, pending] = result.items[0];
		expect(done.binary?.data).toBeDefined();
		expect(done.pairedItem).toEqual({ item: 0 });
		const slowTask = api.mock.tasks.get(taskIdOfPrompt(api.mock, 'slow-60000'))!;
		expect(pending.json).toEqual({
			task_id: slowTask.id,
			trace_id: slowTask.trace_id,
			status: 'pending',
			model: 'doubao-seedream-4-0-250828',
			timed_out: true,
		});
		expect(pending.pairedItem).toEqual({ item: 1 });
		expect(pending.binary).toBeUndefined();
		expect(api.mock.stats.jobsCreated).toBe(2);
	});

	it('with On Timeout "Fail", errors with the task id, or keeps it on the item with continueOnFail', async () => {
		api.mock.setOptions({ taskDurationMs: 60_000 });
		const failed = await api.run(generate('pollUntilDone', { ...timeout, onTimeout: 'error' }), {
			inputItems: prompts('slow'),
		});
		expect(failed.error?.message).toContain('Max Wait');
		const taskId = taskIdOfPrompt(api.mock, 'slow');
		expect(failed.error?.description).toContain(taskId);

		api.mock.reset();
		api.mock.setOptions({ taskDurationMs: 60_000 });
		const kept = await api.run(generate('pollUntilDone', { ...timeout, onTimeout: 'error' }), {
			inputItems: prompts('slow'),
			continueOnFail: true,
		});
		expect(kept.items[0][0].json).toMatchObject({
			task_id: taskIdOfPrompt(api.mock, 'slow'),
			error: expect.stringContaining('Max Wait'),
		});
	});
});

describe('cancellation', () => {
	async function runAndStop(parameters: INodeParameters, stopWhen: () => boolean) {
		const controller = new AbortController();
		const running = api.run(parameters, {
			inputItems: prompts('one', 'two'),
			abortSignal: controller.signal,
		});
		const deadline = Date.now() + 5000;
		while (!stopWhen() && Date.now() < deadline) await sleep(20);
		expect(stopWhen()).toBe(true);
		const stoppedAt = Date.now();
		controller.abort();
		const result = await running;
		return { result, endedAfterMs: Date.now() - stoppedAt };
	}

	it('a stopped execution stops polling within a second', async () => {
		api.mock.setOptions({ taskDurationMs: 60_000 });
		const { result, endedAfterMs } = await runAndStop(
			generate('pollUntilDone'),
			() => api.mock.stats.batchQueries >= 2,
		);
		expect(endedAfterMs).toBeLessThan(1000);
		expect(result.error?.message).toMatch(/stopped/i);
		const queriesAtEnd = api.mock.stats.batchQueries;
		await sleep(400);
		expect(api.mock.stats.batchQueries).toBe(queriesAtEnd);
	});

	it('a stopped execution aborts slow image downloads within a second', async () => {
		api.mock.setOptions({ downloadDelayMs: 2000 });
		const { result, endedAfterMs } = await runAndStop(
			generate('pollUntilDone'),
			() => api.mock.stats.downloads >= 1,
		);
		expect(endedAfterMs).toBeLessThan(1000);
		expect(result.error?.message).toMatch(/stopped/i);
	});
});

describe('Concurrency', () => {
	it.each([
		['left at its default (Auto)', {}],
		['"auto" from an expression', { concurrency: '={{ "auto" }}' }],
	])('%s sends all of a small batch at once (the old default sent 5)', async (_name, options) => {
		api.mock.setOptions({ generationDelayMs: 300 });
		const inputItems = prompts(...'abcdefghijkl'.split(''));
		const result = await api.run(generate('sync', options), { inputItems });
		expect(result.error).toBeUndefined();
		expect(result.items[0]).toHaveLength(12);
		expect(api.mock.stats.maxConcurrentCreates).toBe(12);
		expect(api.mock.stats.creates).toBe(12);
	});

	it('keeps at most k creates and k downloads in flight across items (one call per item)', async () => {
		api.mock.setOptions({ generationDelayMs: 100, downloadDelayMs: 60 });
		const inputItems = prompts('a', 'b', 'c', 'd', 'e', 'f');
		const result = await api.run(generate('sync', { concurrency: 2 }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(result.items[0].map((item) => item.pairedItem)).toEqual(
			inputItems.map((_, item) => ({ item })),
		);
		// Exactly 2: the limit holds, and the items do run side by side.
		expect(api.mock.stats.maxConcurrentCreates).toBe(2);
		expect(api.mock.stats.maxConcurrentDownloads).toBeLessThanOrEqual(2);
	});

	it('bounds submits and the downloads of tasks finishing in the same round (poll mode)', async () => {
		api.mock.setOptions({ taskDurationMs: 100, downloadDelayMs: 100 });
		api.mock.injectFault({ route: 'create', kind: 'delay', delayMs: 60, times: 6 });
		const inputItems = prompts('a', 'b', 'c', 'd', 'e', 'f');
		const result = await api.run(generate('pollUntilDone', { concurrency: 2 }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(result.items[0].map((item) => item.json.prompt)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
		expect(api.mock.stats.maxConcurrentCreates).toBe(2);
		expect(api.mock.stats.maxConcurrentDownloads).toBe(2);
		expect(api.mock.stats.downloads).toBe(6);
	});
});
