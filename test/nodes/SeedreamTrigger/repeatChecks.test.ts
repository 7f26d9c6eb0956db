/**
 * The trigger's secret and repeat checks at their edges: what each refusal answers, when a repeat
 * stops counting as one (the window, exactly), that a refused, unreadable or unfinished callback is
 * not remembered, and that the memory belongs to one workflow's trigger.
 */
import { SeedreamTrigger } from '../../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import type * as TriggerModule from '../../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import { createHarness, finishedTaskCallback, submitToMock } from '../../helpers/callback';
import { useMockApi } from '../../helpers/seedream';

const api = useMockApi();
const SECRET = 'another-long-random-secret-9876543210';

function trigger(options: Record<string, unknown> = {}) {
	return createHarness({
		nodeType: new SeedreamTrigger(),
		parameters: { secret: SECRET, options } as never,
		baseUrl: api.mock.url,
	});
}

afterEach(() => jest.restoreAllMocks());

/** The trigger as a restarted n8n process loads it: its memory of accepted callbacks is empty. */
function restartedTriggerType(): typeof SeedreamTrigger {
	let loaded: typeof TriggerModule | undefined;
	jest.isolateModules(() => {
		loaded = jest.requireActual<typeof TriggerModule>('../../../nodes/SeedreamTrigger/SeedreamTrigger.node');
	});
	return loaded!.SeedreamTrigger;
}

/** Submits a job straight to the mock that stays pending (no callback is sent); its task id. */
async function pendingTaskId(): Promise<string> {
	api.mock.setOptions({ callbackMode: 'never', taskDurationMs: 3_600_000 });
	return await submitToMock(api.mock);
}

describe('Seedream Trigger: secret check', () => {
	it('answers exactly 401 {"error":"Unauthorized"} when neither the query nor the header carries the secret', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const answer = await trigger().call({ body, query: { secret: 'nope' }, headers: { 'x-seedream-secret': 'nope' } });
		expect([answer.status, answer.responseBody]).toEqual([401, { error: 'Unauthorized' }]);
		// Either place alone is enough.
		const viaQuery = await trigger({ duplicateWindowMinutes: 0 }).call({ body, query: { secret: SECRET }, headers: { 'x-seedream-secret': 'nope' } });
		expect(viaQuery.result!.workflowData).toBeDefined();
		const viaHeader = await trigger({ duplicateWindowMinutes: 0 }).call({ body, query: { secret: 'nope' }, headers: { 'x-seedream-secret': SECRET } });
		expect(viaHeader.result!.workflowData).toBeDefined();
	});

	it('refuses every callback (401, nothing read) when the secret is an expression that resolves to nothing, whatever secret the callback carries', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		for (const configured of ['={{ null }}', '={{ undefined }}']) {
			const node = createHarness({ nodeType: new SeedreamTrigger(), parameters: { secret: configured } as never, baseUrl: api.mock.url });
			for (const carried of ['', 'null', 'undefined']) {
				const answer = await node.call({ body, query: { secret: carried }, headers: { 'x-seedream-secret': carried } });
				expect([configured, carried, answer.status, answer.responseBody]).toEqual([configured, carried, 401, { error: 'Unauthorized' }]);
			}
		}
		expect(api.mock.stats.taskQueries).toBe(0);
	});

	it('answers exactly 400 with the reason to a body without a task id', async () => {
		const answer = await trigger().call({ body: { success: true }, query: { secret: SECRET } });
		expect([answer.status, answer.responseBody]).toEqual([400, { error: 'The body is not a Seedream callback (no task_id)' }]);
	});
});

describe('Seedream Trigger: answers that start nothing', () => {
	it('answers exactly 500 with the reason, before reading the task, when an option is not valid', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const answer = await trigger({ duplicateWindowMinutes: -1 }).call({ body, query: { secret: SECRET } });
		expect([answer.status, answer.responseBody, answer.result]).toEqual([
			500,
			{ error: '"Ignore Repeats Within (Minutes)" must be a number 0 or above' },
			{ noWebhookResponse: true },
		]);
		expect(api.mock.stats.taskQueries).toBe(0);
	});

	it('answers exactly 503 to a callback for a task that has not finished, and accepts it once the task has', async () => {
		const taskId = await pendingTaskId();
		// Each clock reading is a second later, so the three looks again a second apart take no time.
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
		const node = trigger();
		const early = await node.call({ body: { task_id: taskId }, query: { secret: SECRET } });
		expect([early.status, early.responseBody, early.result]).toEqual([
			503,
			{ error: 'The task has not finished yet; send the callback again later' },
			{ noWebhookResponse: true },
		]);
		expect(api.mock.completeTask(taskId)).toBe(true);
		const retried = await node.call({ body: { task_id: taskId }, query: { secret: SECRET } });
		expect(retried.result!.webhookResponse).toEqual({ received: true, task_id: taskId });
		expect(retried.result!.workflowData![0].map((item) => [item.json.task_id, item.json.status])).toEqual([[taskId, 'succeeded']]);
	});
});

describe('Seedream Trigger: repeat check', () => {
	it('answers a repeat with exactly {received, task_id, duplicate}, and runs again once the window has passed (not at its edge)', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock);
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const node = trigger({ duplicateWindowMinutes: 1 });
		const first = await node.call({ body, query: { secret: SECRET } });
		expect(first.result!.webhookResponse).toEqual({ received: true, task_id: taskId });
		expect(first.result!.workflowData![0].length).toBeGreaterThan(0);

		now += 60_000; // exactly the window: still a repeat
		const repeat = await node.call({ body, query: { secret: SECRET } });
		expect(repeat.result).toEqual({ webhookResponse: { received: true, task_id: taskId, duplicate: true } });

		now += 1; // past the window: forgotten, runs again
		const later = await node.call({ body, query: { secret: SECRET } });
		expect(later.result!.workflowData).toBeDefined();
		expect(later.result!.webhookResponse).toEqual({ received: true, task_id: taskId });
	});

	it('in one process, refuses a repeat up to the window\'s edge exactly even when the workflow\'s static data does not show the task (not saved yet)', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock);
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		// Each call gets the static data n8n would load for it: here none saved yet.
		const unsaved = () => trigger({ duplicateWindowMinutes: 1 });
		expect((await unsaved().call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		now += 60_000;
		const repeat = await unsaved().call({ body, query: { secret: SECRET } });
		expect(repeat.result).toEqual({ webhookResponse: { received: true, task_id: taskId, duplicate: true } });
		now += 1;
		expect((await unsaved().call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
	});

	it('after a restart, refuses a repeat from the saved static data alone, up to the window\'s edge exactly', async () => {
		const { taskId, body } = await finishedTaskCallback(api.mock);
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const before = trigger({ duplicateWindowMinutes: 1 });
		expect((await before.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		const saved = JSON.stringify(before.workflow.staticData);
		const Restarted = restartedTriggerType();
		// Each call gets the static data n8n saved after the first run.
		const afterRestart = () =>
			createHarness({
				nodeType: new Restarted(),
				parameters: { secret: SECRET, options: { duplicateWindowMinutes: 1 } } as never,
				baseUrl: api.mock.url,
				staticData: JSON.parse(saved) as never,
			});
		now += 60_000;
		const repeat = await afterRestart().call({ body, query: { secret: SECRET } });
		expect(repeat.result).toEqual({ webhookResponse: { received: true, task_id: taskId, duplicate: true } });
		now += 1;
		expect((await afterRestart().call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
	});

	it('forgets old tasks from the static data as newer callbacks arrive', async () => {
		const old = await finishedTaskCallback(api.mock);
		const recent = await finishedTaskCallback(api.mock);
		let now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const node = trigger({ duplicateWindowMinutes: 1 });
		await node.call({ body: old.body, query: { secret: SECRET } });
		now += 60_001;
		await node.call({ body: recent.body, query: { secret: SECRET } });
		const seen = (node.workflow.staticData as Record<string, Record<string, Record<string, number>>>)['node:Seedream Trigger'].seenTasks;
		expect(Object.keys(seen)).toEqual([recent.taskId]);
	});

	it('does not remember a callback it refused as unknown (404 each time, read each time)', async () => {
		const forged = { success: true, task_id: 'f0f0f0f0-1111-4000-8000-000000000000' };
		const node = trigger();
		const answers = [await node.call({ body: forged, query: { secret: SECRET } }), await node.call({ body: forged, query: { secret: SECRET } })];
		expect(answers.map((answer) => [answer.status, answer.responseBody])).toEqual([
			[404, { error: 'Unknown task' }],
			[404, { error: 'Unknown task' }],
		]);
		expect(api.mock.stats.taskQueries).toBe(2);
	});

	it('a trigger in another workflow is not silenced by this one\'s memory of the task', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const here = trigger();
		const elsewhere = trigger();
		(elsewhere.workflow as { id: string }).id = 'another-workflow';
		expect((await here.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		expect((await elsewhere.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		expect((await here.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeUndefined();
	});

	it('with the check off (0 minutes) runs every callback, also two for the same task at the same moment, and remembers nothing in the static data', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const now = Date.now();
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const node = trigger({ duplicateWindowMinutes: 0 });
		const together = await Promise.all([node.call({ body, query: { secret: SECRET } }), node.call({ body, query: { secret: SECRET } })]);
		expect(together.map((answer) => answer.result!.workflowData !== undefined)).toEqual([true, true]);
		expect((await node.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		const data = (node.workflow.staticData as Record<string, Record<string, Record<string, number>>>)['node:Seedream Trigger'];
		expect(data?.seenTasks ?? {}).toEqual({});
	});
});
