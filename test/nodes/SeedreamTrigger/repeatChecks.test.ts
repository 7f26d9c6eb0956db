/**
 * The trigger's secret and repeat checks at their edges: what each refusal answers, when a repeat
 * stops counting as one (the window, exactly), that a refused or unreadable callback is not
 * remembered, and that the memory belongs to one workflow's trigger.
 */
import { SeedreamTrigger } from '../../../nodes/SeedreamTrigger/SeedreamTrigger.node';
import { createHarness, finishedTaskCallback } from '../../helpers/callback';
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

	it('answers exactly 400 with the reason to a body without a task id', async () => {
		const answer = await trigger().call({ body: { success: true }, query: { secret: SECRET } });
		expect([answer.status, answer.responseBody]).toEqual([400, { error: 'The body is not a Seedream callback (no task_id)' }]);
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

	it('with the check off (0 minutes) remembers nothing in the static data', async () => {
		const { body } = await finishedTaskCallback(api.mock);
		const node = trigger({ duplicateWindowMinutes: 0 });
		for (let round = 0; round < 2; round++) expect((await node.call({ body, query: { secret: SECRET } })).result!.workflowData).toBeDefined();
		const data = (node.workflow.staticData as Record<string, Record<string, Record<string, number>>>)['node:Seedream Trigger'];
		expect(data?.seenTasks ?? {}).toEqual({});
	});
});
