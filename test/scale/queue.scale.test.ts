/**
 * n8n 2.41.1 in queue mode with this package: Postgres and Redis (Debian packages, installed when
 * missing), one main, two webhook processors behind a round-robin balancer that WEBHOOK_URL points
 * at, two workers. Runs once per binary data mode. Every execution is started by a production
 * webhook call or by a Seedream callback, never by the CLI, so it goes through Redis to a worker.
 */
import { resolve } from 'node:path';

import { startMockServer, type MockServer, type RequestBody } from '../../mock/server';
import { post, startSink, waitFor, type Sink } from './helpers';
import { CREDENTIAL_ID, handoff, MODEL, scaleWorkflows, TRIGGER_SECRET, type Workflow } from './workflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('../../scripts/n8n/cluster.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

const MODES = (process.env.SEEDREAM_SCALE_BINARY_MODES ?? 'database,filesystem').split(',').filter(Boolean);
const ASSETS = resolve(__dirname, '..', '..', 'examples', 'assets');
const log = (text: string) => process.stdout.write(`${text}\n`);
/** Prompts whose tasks never finish on their own: the test finishes them with completeTask. */
const HELD = /crash|restart/;

type Proc = { name: string; role: string; pid: number; output: () => string; kill9: () => void; start: () => Promise<unknown>; stop: () => Promise<void>; restart: () => Promise<unknown>; alive: () => boolean };
type Cluster = {
	url: string;
	balancer: { url: string; routed: Array<{ path: string; target: string; status: number }> };
	main: Proc;
	webhookProcessors: Array<Proc & { port: number }>;
	workers: Proc[];
	processes: Proc[];
	stop: () => Promise<void>;
};
type Execution = { id: number; workflowId: string; status: string; finished: boolean; mode: string };

let services: unknown;

beforeAll(() => {
	const started = Date.now();
	services = cluster.ensureQueueServices({ log });
	log(`Postgres and Redis ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${JSON.stringify(services)})`);
});

describe.each(MODES)('n8n 2.41.1 queue mode, binary data mode "%s"', (binaryMode) => {
	let mock: MockServer;
	let sink: Sink;
	let c: Cluster;
	let wf: Record<string, Workflow>;

	const executions = (workflow: Workflow): Execution[] => cluster.executions(c, workflow.id);
	const context = () =>
		c.processes.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n') + `\n--- sink ${sink.reports.length} reports; mock creates ${mock.stats.creates}`;
	const startedOn = (executionId: number) => c.workers.filter((w) => w.output().includes(`Worker started execution ${executionId} `)).map((w) => w.name);
	const startCount = (executionId: number) => c.workers.reduce((sum, w) => sum + w.output().split(`Worker started execution ${executionId} `).length - 1, 0);
	const start = (workflow: string, prompts: string[], extra: Record<string, unknown> = {}) => post(`${c.balancer.url}/webhook/scale-${workflow}`, { prompts, ...extra });
	const finished = (workflow: Workflow, count = 1) =>
		waitFor(`${count} finished execution(s) of ${workflow.name}`, () => {
			const rows = executions(workflow).filter((row) => !['new', 'running', 'waiting'].includes(row.status));
			return rows.length >= count ? rows : undefined;
		}, 180_000, context);
	/**
	 * The execution was resumed exactly once: two starts on workers (the run up to the pause, the
	 * resume). Every callback reached a webhook processor; the one that found every task finished
	 * resumed it (200). Callbacks handled while that resume was under way were refused by n8n's
	 * atomic status change in Postgres — 500 "already being resumed by another process", or 409
	 * once it runs — which loses nothing: the resumed node read every task from the API.
	 */
	const resumedOnce = async (executionId: number, count: number) => {
		expect(startCount(executionId)).toBe(2);
		const routed = () => c.balancer.routed.filter((r) => r.path.startsWith(`/webhook-waiting/${executionId}/`));
		// The execution can end while the last callbacks are still being answered: wait for every answer.
		const callbacks = await waitFor(`${count} answered callbacks`, () => (routed().length >= count ? routed() : undefined), 30_000, context);
		expect(callbacks).toHaveLength(count);
		expect(callbacks.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
		for (const r of callbacks) expect([200, 409, 500]).toContain(r.status);
		const refused = callbacks.filter((r) => r.status === 500).length;
		const logged = c.webhookProcessors.reduce((sum, p) => sum + p.output().split(`already being resumed by another process (execution ${executionId})`).length - 1, 0);
		expect(logged).toBe(refused);
		return callbacks;
	};
	const promptOf = (taskId: string) => (mock.tasks.get(taskId)?.request as RequestBody | undefined)?.prompt;
	const heldTasks = (word: string) => [...mock.tasks.values()].filter((task) => String(task.request.prompt).includes(word));

	beforeAll(async () => {
		mock = await startMockServer({
			generationDelayMs: 300,
			// Pause tasks finish 0.7 s apart, so their callbacks come one by one.
			taskDurationMs: (body) => {
				const prompt = String(body.prompt);
				if (HELD.test(prompt)) return 3_600_000;
				const pause = /^pause prompt (\d+)/.exec(prompt);
				return pause ? 1000 + Number(pause[1]) * 700 : 1500;
			},
		});
		sink = await startSink(await runtime.freePort());
		const lockSettings = {
			// Short Bull locks so a killed worker's job is noticed in seconds, not minutes.
			QUEUE_WORKER_LOCK_DURATION: '6000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '4000',
		};
		c = await cluster.startCluster({
			services,
			binaryMode,
			log,
			credentials: [{ id: CREDENTIAL_ID, name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
			env: { N8N_RESTRICT_FILE_ACCESS_TO: ASSETS, ...lockSettings },
		});
		const definitions = scaleWorkflows(sink.port, ASSETS);
		const created: Workflow[] = await cluster.createWorkflows(c, Object.values(definitions));
		wf = Object.fromEntries(Object.keys(definitions).map((key, index) => [key, created[index]]));
		[wf.handoff] = await cluster.createWorkflows(c, [handoff(wf.handoffChild.id!)]);
	}, 600_000);

	afterAll(async () => {
		await c?.stop();
		await sink?.close();
		await mock?.close();
	});

	it('every mode runs through the queue on the workers, outputs in input order, binaries readable by the next node', async () => {
		const prompts = (scenario: string, count: number) => Array.from({ length: count }, (_, n) => `${scenario} prompt ${n}`);
		const runs = {
			sync: prompts('sync', 3),
			poll: prompts('poll', 20),
			collect: prompts('collect', 4),
			edit: prompts('edit', 2),
			set: prompts('set', 2),
			pause: prompts('pause', 6),
		};
		const createsBefore = mock.stats.creates;
		// Independent workflows, all at once: the two workers share them.
		const answers = await Promise.all(Object.entries(runs).map(([scenario, list]) => start(scenario, list)));
		for (const answer of answers) expect(answer.status).toBe(200);

		const expected: Record<string, number> = { sync: 3, poll: 20, collect: 4, edit: 2, set: 8, pause: 6 };
		await waitFor('every report', () => Object.entries(expected).every(([scenario, count]) => sink.of(scenario).length >= count) || undefined, 240_000, () => JSON.stringify(Object.keys(expected).map((s) => [s, sink.of(s).length])) + context());
		const workersUsed = new Set<string>();
		for (const scenario of Object.keys(runs)) {
			const [execution] = await finished(wf[scenario]);
			expect([scenario, execution.status, execution.mode]).toEqual([scenario, 'success', 'webhook']);
			expect(executions(wf[scenario])).toHaveLength(1);
			// Started on a worker, never on main or a webhook processor.
			for (const name of startedOn(execution.id)) workersUsed.add(name);
			expect(startedOn(execution.id).length).toBeGreaterThan(0);
			const reports = sink.of(scenario).sort((a, b) => a.item - b.item);
			expect(reports).toHaveLength(expected[scenario]);
			for (const report of reports) {
				expect([scenario, report.exec]).toEqual([scenario, execution.id]);
				expect(report.width).toBeGreaterThan(0);
				expect(report.task).toMatch(/\S/);
			}
			if (scenario === 'set') {
				// Four images per input item, the first item's first.
				expect(reports.map((r) => r.source)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
				expect(new Set(reports.map((r) => r.task)).size).toBe(2);
			} else if (scenario === 'collect') {
				expect(reports.map((r) => promptOf(r.task))).toEqual(runs.collect);
			} else {
				expect(reports.map((r) => r.source)).toEqual(runs[scenario as keyof typeof runs].map((_, n) => n));
				if (scenario !== 'sync' && scenario !== 'edit') expect(reports.map((r) => promptOf(r.task))).toEqual(runs[scenario as keyof typeof runs]);
			}
		}
		// The edit sent the binary read by the previous node as a data URI reference.
		const edits = mock.requests.filter((r) => r.path === '/seedream/images' && String((r.body as RequestBody).prompt).startsWith('edit'));
		expect(edits).toHaveLength(2);
		for (const edit of edits) expect(JSON.stringify((edit.body as RequestBody).image)).toMatch(/data:image\/png;base64,iVBOR/);
		// One create per item (the set: one per item too), nothing sent twice.
		expect(mock.stats.creates - createsBefore).toBe(3 + 20 + 4 + 2 + 2 + 6);

		// Callback pause: the mock's six callbacks went through the balancer to both webhook processors.
		const [pauseRun] = executions(wf.pause);
		const callbacks = await resumedOnce(pauseRun.id, 6);
		expect(new Set(callbacks.map((r) => r.target))).toEqual(new Set(c.webhookProcessors.map((p) => p.name)));
		// Which worker takes a job is Bull's choice; the crash test below needs no particular spread.
		log(`workers used: ${[...workersUsed].join(', ')}`);
	}, 420_000);

	if (binaryMode !== 'database') return;

	it('Seedream Trigger on both webhook processors: a repeat on the other processor starts no second run; simultaneous deliveries are what the README states', async () => {
		const [first, second] = c.webhookProcessors;
		const triggerNode = wf.trigger.nodes.find((node) => node.webhookId)!;
		const triggerUrl = (proc: { port: number }) => `http://127.0.0.1:${proc.port}/webhook/${triggerNode.webhookId}/seedream?secret=${TRIGGER_SECRET}`;
		const submit = async (prompt: string, callbackUrl: string) => {
			const answer = await fetch(`${mock.url}/seedream/images`, {
				method: 'POST',
				headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
				body: JSON.stringify({ model: MODEL, prompt, size: '1K', callback_url: callbackUrl }),
			});
			return ((await answer.json()) as { task_id: string }).task_id;
		};
		const runsFor = (taskId: string) => sink.of('trigger').filter((r) => r.task === taskId);

		// The mock delivers to the first processor; the same callback then reaches the second.
		const taskId = await submit('trigger sequential', triggerUrl(first));
		const delivery = await waitFor('the mock callback', () => mock.callbacks.find((d) => JSON.stringify(d.body).includes(taskId) && d.status !== undefined), 60_000, context);
		expect(delivery.status).toBe(200);
		await waitFor('the first trigger run', () => runsFor(taskId).length > 0 || undefined, 60_000, context);
		const repeat = await post(triggerUrl(second), delivery.body);
		expect(repeat).toEqual({ status: 200, json: { received: true, task_id: taskId, duplicate: true } });
		// And once more on the first, which remembers it in memory and in the static data.
		expect((await post(triggerUrl(first), delivery.body)).json).toMatchObject({ duplicate: true });
		await new Promise((r) => setTimeout(r, 3000));
		expect(runsFor(taskId)).toHaveLength(1);

		// Both processors at the same moment, while the lookup is slow: neither has saved the
		// workflow's static data yet, and n8n gives a webhook node nothing atomic to share, so each
		// starts a run. The README states this; the test pins it so a change is noticed.
		mock.setOptions({ callbackMode: 'never' });
		const racedId = await submit('trigger simultaneous', 'http://127.0.0.1:9/unused');
		await waitFor('the task to finish', () => mock.tasks.get(racedId)?.response, 30_000);
		const body = { code: 'success', task_id: racedId };
		mock.setOptions({ downloadDelayMs: 1500 });
		const [a, b] = await Promise.all([post(triggerUrl(first), body), post(triggerUrl(second), body)]);
		mock.setOptions({ downloadDelayMs: 0, callbackMode: 'once' });
		expect([a.status, b.status]).toEqual([200, 200]);
		await waitFor('the raced runs', () => runsFor(racedId).length >= 2 || undefined, 60_000, context);
		expect(runsFor(racedId)).toHaveLength(2);
		// The same pair to one processor: one run (claimed in memory before the first await).
		const sameId = await submit('trigger same processor', 'http://127.0.0.1:9/unused');
		await waitFor('the task to finish', () => mock.tasks.get(sameId)?.response, 30_000);
		mock.setOptions({ downloadDelayMs: 1500, callbackMode: 'never' });
		const pair = await Promise.all([post(triggerUrl(first), { task_id: sameId }), post(triggerUrl(first), { task_id: sameId })]);
		mock.setOptions({ downloadDelayMs: 0, callbackMode: 'once' });
		expect(pair.map((p) => (p.json as { duplicate?: boolean }).duplicate === true).sort()).toEqual([false, true]);
		await new Promise((r) => setTimeout(r, 4000));
		expect(runsFor(sameId)).toHaveLength(1);
	}, 300_000);

	it('kill -9 of polling workers: nothing is created twice; the hand-off recipe keeps every task id, progress saving alone and a single Submit-and-Poll node do not', async () => {
		const prompts = (kind: string) => Array.from({ length: 10 }, (_, n) => `crash ${kind} ${n}`);
		const createsBefore = mock.stats.creates;
		for (const kind of ['recipe', 'single', 'handoff']) expect((await start(kind, prompts(kind))).status).toBe(200);
		await waitFor('30 creates', () => heldTasks('crash').length === 30 || undefined, 60_000, context);
		const running = (workflow: Workflow) => executions(workflow).find((e) => e.status === 'running');
		const recipeRun = await waitFor('the recipe execution', () => running(wf.recipe), 30_000, context);
		const singleRun = await waitFor('the single execution', () => running(wf.single), 30_000, context);
		const [handoffRun] = await finished(wf.handoff);
		expect(handoffRun.status).toBe('success');
		// Every held task is being polled now: by the recipe, the single node and the collector.
		const polled = (id: string) => mock.requests.some((r) => r.path === '/seedream/tasks' && JSON.stringify(r.body).includes(id));
		await waitFor('every task polled', () => heldTasks('crash').every((t) => polled(t.id)) || undefined, 60_000, context);

		const rt = await runtime.ensureN8n({ line: 2 });
		const submittedIn = (executionId: number) =>
			(cluster.executionData(c, executionId, rt)?.resultData?.runData?.['Submit Jobs']?.[0]?.data?.main?.[0] ?? []).map((item: { json: { task_id: string } }) => item.json.task_id);
		// Progress saving did store the recipe's ids when Submit Only finished…
		expect(submittedIn(recipeRun.id).map(promptOf)).toEqual(prompts('recipe'));

		const victims = c.workers.filter((w) => [recipeRun, singleRun, handoffRun].some((e) => startedOn(e.id).includes(w.name)));
		log(`kill -9 ${victims.map((v) => v.name).join(', ')}: recipe ${recipeRun.id} on ${startedOn(recipeRun.id)}, single ${singleRun.id} on ${startedOn(singleRun.id)}, hand-off ${handoffRun.id} on ${startedOn(handoffRun.id)}`);
		expect(victims.length).toBeGreaterThan(0);
		for (const victim of victims) victim.kill9();
		const killedAt = Date.now();
		// A supervisor brings the process back, as systemd or Kubernetes would.
		for (const victim of victims) await victim.start();

		const ended = await waitFor('the crashed executions to leave "running"', () => {
			const rows = [...executions(wf.recipe), ...executions(wf.single)];
			return rows.every((row) => row.status !== 'running' && row.status !== 'new') ? rows : undefined;
		}, 180_000, context);
		log(`after the kill: ${JSON.stringify(ended)} after ${((Date.now() - killedAt) / 1000).toFixed(1)} s; collector: ${JSON.stringify(executions(wf.handoffChild))}`);
		// n8n does not re-run a stalled job (Bull maxStalledCount 0): no second execution, no second create.
		expect(ended).toHaveLength(2);
		for (const row of ended) expect(['crashed', 'error']).toContain(row.status);
		await new Promise((r) => setTimeout(r, 3000));
		expect(mock.stats.creates - createsBefore).toBe(30);

		// …but failing the stalled job, n8n 2.41.1 writes the execution again with empty run data:
		// the saved ids are gone. Progress saving alone is no crash guarantee.
		expect(submittedIn(recipeRun.id)).toEqual([]);
		// The single node's ids never reached the database at all.
		const singleText = JSON.stringify(cluster.executionData(c, singleRun.id, rt) ?? {});
		for (const task of heldTasks('crash single')) expect(singleText).not.toContain(task.id);
		// The hand-off parent had finished before the crash: its saved output holds every id.
		const handedOff = submittedIn(handoffRun.id);
		expect(handedOff.map(promptOf)).toEqual(prompts('handoff'));
		expect(sink.of('handoff')).toHaveLength(0);

		// Recovery as the README tells it: the saved ids into Task → Wait for Completion.
		for (const task of heldTasks('crash')) mock.completeTask(task.id);
		expect((await start('recover', handedOff, { taskIds: handedOff })).status).toBe(200);
		await waitFor('the recovered images', () => sink.of('recover').length >= 10 || undefined, 120_000, context);
		expect(sink.of('recover').sort((a, b) => a.item - b.item).map((r) => r.task)).toEqual(handedOff);
		for (const r of sink.of('recover')) expect(r.width).toBeGreaterThan(0);
		expect(mock.stats.creates - createsBefore).toBe(30);
	}, 420_000);

	it('a callback-paused execution survives a restart of main and both webhook processors, and resumes once on a worker', async () => {
		const prompts = ['restart prompt 0', 'restart prompt 1', 'restart prompt 2'];
		const before = executions(wf.pause).length;
		expect((await start('pause', prompts)).status).toBe(200);
		const waiting = await waitFor('the paused execution', () => executions(wf.pause).slice(before).find((e) => e.status === 'waiting'), 60_000, context);
		expect(heldTasks('restart')).toHaveLength(3);
		await Promise.all([c.main, ...c.webhookProcessors].map((p) => p.stop()));
		await c.main.start();
		for (const proc of c.webhookProcessors) await proc.start();
		expect(executions(wf.pause).find((e) => e.id === waiting.id)?.status).toBe('waiting');
		for (const task of heldTasks('restart')) mock.completeTask(task.id);
		await waitFor('the resumed run', () => sink.of('pause', waiting.id).length >= 3 || undefined, 120_000, context);
		const [after] = await waitFor('the execution to finish', () => executions(wf.pause).filter((e) => e.id === waiting.id && e.status === 'success').length ? executions(wf.pause).filter((e) => e.id === waiting.id) : undefined, 60_000, context);
		expect(after.status).toBe('success');
		expect(sink.of('pause', waiting.id).sort((a, b) => a.item - b.item).map((r) => promptOf(r.task))).toEqual(prompts);
		await resumedOnce(waiting.id, 3);
	}, 300_000);
});
