/**
 * n8n 2.41.1 in queue mode with this package: Postgres and Redis (Debian packages, installed when
 * missing), one main, two webhook processors behind a round-robin balancer that WEBHOOK_URL points
 * at, two workers. Every test runs once per binary data mode, on one cluster per mode, and checks
 * that the mode took effect. Every execution is started by a production webhook call or by a
 * Seedream callback, never by the CLI, so it goes through Redis to a worker. The mock delivers
 * every callback twice, as an at-least-once sender may; negative checks ("no second run") are
 * made once the cluster is quiet (no execution new, running or waiting, no Bull job, no request
 * in flight), never after a fixed sleep.
 */
import { resolve } from 'node:path';

import { startMockServer, type MockServer, type RequestBody } from '../../mock/server';
import { callbacksInFlight, runCounts } from '../helpers/quiet';
import { describeEachBinaryMode, post, startSink, useQueueCluster, waitFor, type Sink } from './helpers';
import { CREDENTIAL_ID, handoff, scaleWorkflows, TRIGGER_SECRET, type Workflow } from './workflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('../../scripts/n8n/cluster.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

const ASSETS = resolve(__dirname, '..', '..', 'examples', 'assets');
const log = (text: string) => process.stdout.write(`${text}\n`);
/** Prompts whose tasks never finish on their own: the test finishes them with completeTask. */
const HELD = /crash|restart/;

type StoredItem = { json: Record<string, unknown>; binary?: Record<string, { id?: string }> };
type StoredRuns = Record<string, Array<{ data?: { main?: Array<StoredItem[] | null> } }>>;

describeEachBinaryMode('n8n 2.41.1 queue mode', (binaryMode) => {
	let mock: MockServer;
	let sink: Sink;
	let wf: Record<string, Workflow>;

	beforeAll(async () => {
		mock = await startMockServer({
			generationDelayMs: 300,
			// Every callback twice: the repeats must be answered without a second run.
			callbackMode: 'twice',
			// Pause tasks finish 0.7 s apart, so their callbacks come one by one.
			taskDurationMs: (body) => {
				const prompt = String(body.prompt);
				if (HELD.test(prompt)) return 3_600_000;
				const pause = /^pause prompt (\d+)/.exec(prompt);
				return pause ? 1000 + Number(pause[1]) * 700 : 1500;
			},
		});
		sink = await startSink(await runtime.freePort());
	});
	const q = useQueueCluster(binaryMode, () => ({
		credentials: [{ id: CREDENTIAL_ID, name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: ASSETS,
			// Shorter Bull locks than n8n's 60 s so a killed worker's job is noticed sooner. Not
			// shorter: with 6 s, workers on a 2-core machine shared by other suites missed renewals
			// and Bull failed live jobs as stalled ("failed to be processed too many times").
			QUEUE_WORKER_LOCK_DURATION: '20000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
			QUEUE_WORKER_STALLED_INTERVAL: '10000',
		},
	}));
	beforeAll(async () => {
		const definitions = scaleWorkflows(sink.port, ASSETS);
		const created: Workflow[] = await cluster.createWorkflows(q.cluster, Object.values(definitions));
		wf = Object.fromEntries(Object.keys(definitions).map((key, index) => [key, created[index]]));
		[wf.handoff] = await cluster.createWorkflows(q.cluster, [handoff(wf.handoffChild.id!)]);
	}, 300_000);
	afterAll(async () => {
		await sink?.close();
		await mock?.close();
	});

	const quiet = (what: string, probes: Array<() => string[]> = []) => q.waitUntilQuiet(what, { probes });
	const c = () => q.cluster;
	const executions = (workflow: Workflow) => q.executions(workflow.id);
	const context = () => `${q.context()}\n--- sink ${sink.reports.length} reports; mock creates ${mock.stats.creates}`;
	const startedOn = (executionId: number) => c().workers.filter((w) => w.output().includes(`Worker started execution ${executionId} `)).map((w) => w.name);
	const startCount = (executionId: number) => c().workers.reduce((sum, w) => sum + w.output().split(`Worker started execution ${executionId} `).length - 1, 0);
	const start = (workflow: string, prompts: string[], extra: Record<string, unknown> = {}) => post(`${c().balancer.url}/webhook/scale-${workflow}`, { prompts, ...extra });
	const finished = (workflow: Workflow, count = 1) =>
		waitFor(`${count} finished execution(s) of ${workflow.name}`, () => {
			const rows = executions(workflow).filter((row) => !['new', 'running', 'waiting'].includes(row.status));
			return rows.length >= count ? rows : undefined;
		}, 180_000, context);
	const runData = (executionId: number) => (q.executionData(executionId)?.resultData?.runData ?? {}) as StoredRuns;
	const promptOf = (taskId: string) => (mock.tasks.get(taskId)?.request as RequestBody | undefined)?.prompt;
	const heldTasks = (word: string) => [...mock.tasks.values()].filter((task) => String(task.request.prompt).includes(word));
	const taskOf = (prompt: string) => waitFor(`the task of "${prompt}"`, () => [...mock.tasks.values()].find((task) => task.request.prompt === prompt)?.id, 60_000, context);
	const triggerUrl = (base: string) => `${base}/webhook/${wf.trigger.nodes.find((node) => node.webhookId)!.webhookId}/seedream?secret=${TRIGGER_SECRET}`;
	const triggerRunsFor = (taskId: string) => sink.of('trigger').filter((r) => r.task === taskId);

	/**
	 * The binary data mode took effect for these executions: every binary id n8n stored in their
	 * run data names the mode and resolves to bytes where the mode keeps them — a row in Postgres'
	 * `binary_data` for `database`; a file in the shared folder for `filesystem`, with no row at all
	 * in Postgres. (A trigger's images are stored before its execution exists, under "temp": so
	 * the ids, not the execution folders, are followed.)
	 */
	const expectBinaryModeTookEffect = (executionIds: number[]) => {
		const storage = q.binaryStorage();
		const prefix = binaryMode === 'database' ? 'database:' : 'filesystem-v2:';
		for (const executionId of executionIds) {
			const ids = Object.values(runData(executionId)).flatMap((runs) =>
				runs.flatMap((run) => (run.data?.main ?? []).flatMap((items) => (items ?? []).flatMap((item) => Object.values(item.binary ?? {}).map((binary) => String(binary.id))))),
			);
			expect([executionId, ids.length > 0]).toEqual([executionId, true]);
			expect(ids.filter((id) => !id.startsWith(prefix))).toEqual([]);
			expect(ids.filter((id) => !storage.holds(id))).toEqual([]);
		}
		if (binaryMode === 'filesystem') expect(storage.totalRows).toBe(0);
		else expect(storage.files).toEqual({});
	};

	/**
	 * Counted once every callback was answered and the cluster is quiet: the execution started
	 * twice on workers (the run up to the pause, the resume); exactly one callback resumed it (its
	 * answer says so); every callback before it was answered 200 "waiting"; every one after it —
	 * repeats included — was answered without a run (n8n's atomic status change in Postgres: 500
	 * "already being resumed by another process", 409 once it runs or has ended). The stored run
	 * data shows the paused node once, with `items` items, and the next node once per item.
	 */
	const resumedOnce = async (executionId: number, items: number) => {
		const deliveries = () => mock.callbacks.filter((d) => d.url.includes(`/webhook-waiting/${executionId}/`));
		// Every task's callback, twice.
		await quiet(`execution ${executionId} after its callbacks`, [() => callbacksInFlight(deliveries(), items * 2)]);
		expect(startCount(executionId)).toBe(2);
		const callbacks = c().balancer.routed.filter((r) => r.path.startsWith(`/webhook-waiting/${executionId}/`)).sort((a, b) => a.at - b.at);
		expect(callbacks).toHaveLength(items * 2);
		const resumed = callbacks.filter((r) => r.status === 200 && JSON.parse(r.body).resumed === true);
		expect(resumed).toHaveLength(1);
		const waiting = callbacks.filter((r) => r.status === 200 && JSON.parse(r.body).waiting_for > 0);
		const withoutRun = callbacks.filter((r) => r.status === 409 || r.status === 500);
		expect(waiting.length + 1 + withoutRun.length).toBe(items * 2);
		// The resuming callback's own repeat comes after it: at least one is answered without a run.
		expect(withoutRun.length).toBeGreaterThanOrEqual(1);
		const refused = withoutRun.filter((r) => r.status === 500).length;
		const logged = c().webhookProcessors.reduce((sum, p) => sum + p.output().split(`already being resumed by another process (execution ${executionId})`).length - 1, 0);
		expect(logged).toBe(refused);
		expect(runCounts(runData(executionId))).toMatchObject({ Seedream: [items], Report: [items] });
		log(`execution ${executionId}: resumed once; ${waiting.length} callbacks answered "waiting" before, ${withoutRun.length} after the resume without a run (${refused} × 500, ${withoutRun.length - refused} × 409)`);
		return callbacks;
	};

	it('every mode runs through the queue on the workers (Send to My URL into the Seedream Trigger, streaming included), outputs in input order, binaries readable by the next node and stored as the mode says; the pause resumes exactly once', async () => {
		const prompts = (scenario: string, count: number) => Array.from({ length: count }, (_, n) => `${scenario} prompt ${n}`);
		const runs = {
			sync: prompts('sync', 3),
			poll: prompts('poll', 20),
			collect: prompts('collect', 4),
			edit: prompts('edit', 2),
			set: prompts('set', 2),
			stream: prompts('stream', 2),
			pause: prompts('pause', 6),
		};
		const sent = prompts('send', 3);
		// As the operator docs advise: the trigger's path routed to one processor, so a repeat
		// delivered at once lands where the first is remembered in memory.
		c().balancer.sticky.push(new URL(triggerUrl(c().balancer.url)).pathname);
		const createsBefore = mock.stats.creates;
		const streamsBefore = mock.stats.streams;
		// Independent workflows, all at once: the two workers share them.
		const answers = await Promise.all([
			...Object.entries(runs).map(([scenario, list]) => start(scenario, list)),
			start('send', sent, { callbackUrl: triggerUrl(c().balancer.url) }),
		]);
		for (const answer of answers) expect(answer.status).toBe(200);

		const expected: Record<string, number> = { sync: 3, poll: 20, collect: 4, edit: 2, set: 8, stream: 6, pause: 6, trigger: 3 };
		await waitFor('every report', () => Object.entries(expected).every(([scenario, count]) => sink.of(scenario).length >= count) || undefined, 240_000, () => JSON.stringify(Object.keys(expected).map((s) => [s, sink.of(s).length])) + context());
		const workersUsed = new Set<string>();
		const withBinaries: number[] = [];
		for (const scenario of Object.keys(runs)) {
			const [execution] = await finished(wf[scenario]);
			expect([scenario, execution.status, execution.mode]).toEqual([scenario, 'success', 'webhook']);
			expect(executions(wf[scenario])).toHaveLength(1);
			withBinaries.push(execution.id);
			// Started on a worker, never on main or a webhook processor.
			for (const name of startedOn(execution.id)) workersUsed.add(name);
			expect(startedOn(execution.id).length).toBeGreaterThan(0);
			const reports = sink.of(scenario).sort((a, b) => a.item - b.item);
			expect(reports).toHaveLength(expected[scenario]);
			for (const report of reports) {
				expect([scenario, report.exec]).toEqual([scenario, execution.id]);
				expect(report.width).toBeGreaterThan(0);
				// Stream lines name no task (as upstream's); every other image does.
				if (scenario !== 'stream') expect(report.task).toMatch(/\S/);
			}
			if (scenario === 'set' || scenario === 'stream') {
				// A set of images per input item, the first item's first.
				const perItem = scenario === 'set' ? 4 : 3;
				expect(reports.map((r) => r.source)).toEqual([0, 1].flatMap((n) => Array(perItem).fill(n)));
				if (scenario === 'set') expect(new Set(reports.map((r) => r.task)).size).toBe(2);
			} else if (scenario === 'collect') {
				expect(reports.map((r) => promptOf(r.task))).toEqual(runs.collect);
			} else {
				expect(reports.map((r) => r.source)).toEqual(runs[scenario as keyof typeof runs].map((_, n) => n));
				if (scenario !== 'sync' && scenario !== 'edit') expect(reports.map((r) => promptOf(r.task))).toEqual(runs[scenario as keyof typeof runs]);
			}
		}
		// The stream option was used, on a worker: two streamed responses.
		expect(mock.stats.streams - streamsBefore).toBe(2);
		// The edit sent the binary read by the previous node as a data URI reference.
		const edits = mock.requests.filter((r) => r.path === '/seedream/images' && String((r.body as RequestBody).prompt).startsWith('edit'));
		expect(edits).toHaveLength(2);
		for (const edit of edits) expect(JSON.stringify((edit.body as RequestBody).image)).toMatch(/data:image\/png;base64,iVBOR/);

		// Callback: Pause: the mock's twelve callbacks (six tasks, each twice) went through the
		// balancer to both webhook processors; one resumed it, every other one ran nothing.
		const [pauseRun] = executions(wf.pause);
		const callbacks = await resumedOnce(pauseRun.id, 6);
		expect(new Set(callbacks.map((r) => r.target))).toEqual(new Set(c().webhookProcessors.map((p) => p.name)));

		// Send to My URL: the submitting execution ended at once with the pending task ids; each
		// task's callback (delivered twice) started one Seedream Trigger run on a worker.
		const [sendRun] = await finished(wf.send);
		expect(sendRun.status).toBe('success');
		const pending = runData(sendRun.id).Seedream[0].data!.main![0]!.map((item) => item.json);
		expect(pending.map((item) => [item.status, promptOf(String(item.task_id))])).toEqual(sent.map((prompt) => ['pending', prompt]));
		const triggerRuns = executions(wf.trigger);
		expect(triggerRuns.map((row) => [row.status, row.mode])).toEqual(sent.map(() => ['success', 'webhook']));
		for (const row of triggerRuns) {
			expect(startedOn(row.id)).toHaveLength(1);
			expect(runCounts(runData(row.id))).toEqual({ 'Seedream Trigger': [1], Report: [1] });
		}
		for (const item of pending) expect(triggerRunsFor(String(item.task_id))).toHaveLength(1);
		const triggerCalls = c().balancer.routed.filter((r) => r.path.startsWith('/webhook/') && r.path.includes('/seedream?'));
		expect(triggerCalls.map((r) => r.status)).toEqual(sent.flatMap(() => [200, 200]));
		expect(new Set(triggerCalls.map((r) => r.target)).size).toBe(1);
		expect(triggerCalls.filter((r) => JSON.parse(r.body).duplicate === true)).toHaveLength(sent.length);
		withBinaries.push(...triggerRuns.map((row) => row.id));

		// One create per item (the set: one per item too), nothing sent twice.
		expect(mock.stats.creates - createsBefore).toBe(3 + 20 + 4 + 2 + 2 + 2 + 6 + 3);
		expectBinaryModeTookEffect(withBinaries);
		// Which worker takes a job is Bull's choice; the crash test below needs no particular spread.
		log(`workers used: ${[...workersUsed].join(', ')}`);
	}, 420_000);

	it('Seedream Trigger on both webhook processors: a repeat on the same processor starts no second run, after the first run too; deliveries to two processors may each start one (what docs/running-at-scale.md states)', async () => {
		const [first, second] = c().webhookProcessors;
		const direct = (proc: { port: number }) => triggerUrl(`http://127.0.0.1:${proc.port}`);
		const runsBefore = executions(wf.trigger).length;

		// The node submits with the first processor's URL; the mock delivers there; the same callback
		// then reaches that processor again once the run has ended.
		mock.setOptions({ callbackMode: 'once' });
		expect((await start('send', ['trigger sequential'], { callbackUrl: direct(first) })).status).toBe(200);
		const taskId = await taskOf('trigger sequential');
		const delivery = await waitFor('the mock callback', () => mock.callbacks.find((d) => JSON.stringify(d.body).includes(taskId) && d.status !== undefined), 60_000, context);
		mock.setOptions({ callbackMode: 'twice' });
		expect(delivery.status).toBe(200);
		await waitFor('the first trigger run', () => triggerRunsFor(taskId).length > 0 || undefined, 60_000, context);
		await quiet('the first trigger run to end');
		// A repeat on the other processor after the run has ended is not pinned: whether it sees the claim depends
		// on whether the worker that ran the execution saved the workflow's static data over it (seen both ways),
		// which is why the docs say to route the trigger's path to one processor.
		const repeat = await post(direct(first), delivery.body);
		expect(repeat).toEqual({ status: 200, json: { received: true, task_id: taskId, duplicate: true } });
		await quiet('after the repeat');
		expect(triggerRunsFor(taskId)).toHaveLength(1);
		expect(executions(wf.trigger)).toHaveLength(runsBefore + 1);

		// Both processors at the same moment, while the lookup is slow: neither has saved the
		// workflow's static data yet, and n8n gives a webhook node nothing atomic to share, so each
		// starts a run. The README states this; the test pins it so a change is noticed.
		const finishedTask = async (prompt: string) => {
			expect((await start('send', [prompt], { callbackUrl: 'http://127.0.0.1:9/unused' })).status).toBe(200);
			const id = await taskOf(prompt);
			await waitFor('the task to finish', () => mock.tasks.get(id)?.response, 30_000, context);
			return id;
		};
		mock.setOptions({ callbackMode: 'never' });
		const racedId = await finishedTask('trigger simultaneous');
		const body = { code: 'success', task_id: racedId };
		mock.setOptions({ downloadDelayMs: 1500 });
		const [a, b] = await Promise.all([post(direct(first), body), post(direct(second), body)]);
		mock.setOptions({ downloadDelayMs: 0 });
		expect([a.status, b.status]).toEqual([200, 200]);
		await quiet('after the simultaneous deliveries');
		expect(triggerRunsFor(racedId)).toHaveLength(2);
		// The same pair to one processor: one run (claimed in memory before the first await).
		const sameId = await finishedTask('trigger same processor');
		mock.setOptions({ downloadDelayMs: 1500 });
		const pair = await Promise.all([post(direct(first), { task_id: sameId }), post(direct(first), { task_id: sameId })]);
		mock.setOptions({ downloadDelayMs: 0, callbackMode: 'twice' });
		expect(pair.map((p) => (p.json as { duplicate?: boolean }).duplicate === true).sort()).toEqual([false, true]);
		await quiet('after the pair on one processor');
		expect(triggerRunsFor(sameId)).toHaveLength(1);
		expect(executions(wf.trigger)).toHaveLength(runsBefore + 4);
		expectBinaryModeTookEffect(executions(wf.trigger).slice(runsBefore).map((row) => row.id));
	}, 300_000);

	it('kill -9 of polling workers: nothing is created twice; the crashed executions keep no run data, the collector dies with its worker, and the hand-off recipe keeps every task id', async () => {
		const prompts = (kind: string) => Array.from({ length: 10 }, (_, n) => `crash ${kind} ${n}`);
		const createsBefore = mock.stats.creates;
		for (const kind of ['recipe', 'single', 'handoff']) expect((await start(kind, prompts(kind))).status).toBe(200);
		await waitFor('30 creates', () => heldTasks('crash').length === 30 || undefined, 60_000, context);
		const running = (workflow: Workflow) => executions(workflow).find((e) => e.status === 'running');
		const recipeRun = await waitFor('the recipe execution', () => running(wf.recipe), 30_000, context);
		const singleRun = await waitFor('the single execution', () => running(wf.single), 30_000, context);
		const [handoffRun] = await finished(wf.handoff);
		expect(handoffRun.status).toBe('success');
		const collectorRun = await waitFor('the collector execution', () => running(wf.handoffChild), 30_000, context);
		// Every held task is being polled now: by the recipe, the single node and the collector.
		const polled = (id: string) => mock.requests.some((r) => r.path === '/seedream/tasks' && JSON.stringify(r.body).includes(id));
		await waitFor('every task polled', () => heldTasks('crash').every((t) => polled(t.id)) || undefined, 60_000, context);

		const submittedIn = (executionId: number) => (runData(executionId)['Submit Jobs']?.[0]?.data?.main?.[0] ?? []).map((item) => String(item.json.task_id));
		// Progress saving did store the recipe's ids when Submit Only finished…
		expect(submittedIn(recipeRun.id).map(promptOf)).toEqual(prompts('recipe'));

		const victims = c().workers.filter((w) => [recipeRun, singleRun, handoffRun].some((e) => startedOn(e.id).includes(w.name)));
		log(`kill -9 ${victims.map((v) => v.name).join(', ')}: recipe ${recipeRun.id} on ${startedOn(recipeRun.id)}, single ${singleRun.id} on ${startedOn(singleRun.id)}, hand-off ${handoffRun.id} (collector ${collectorRun.id}) on ${startedOn(handoffRun.id)}`);
		expect(victims.length).toBeGreaterThan(0);
		for (const victim of victims) victim.kill9();
		const killedAt = Date.now();
		// A supervisor brings the process back, as systemd or Kubernetes would.
		for (const victim of victims) await victim.start();

		const ended = await waitFor('the crashed executions and the collector to leave "running"', () => {
			const rows = [...executions(wf.recipe), ...executions(wf.single), ...executions(wf.handoffChild)];
			return rows.every((row) => row.status !== 'running' && row.status !== 'new') ? rows.slice(0, -1) : undefined;
		}, 180_000, context);
		log(`after the kill: ${JSON.stringify(ended)} after ${((Date.now() - killedAt) / 1000).toFixed(1)} s; collector: ${JSON.stringify(executions(wf.handoffChild))}`);
		// n8n does not re-run a stalled job (Bull maxStalledCount 0): no second execution, no second create.
		expect(ended).toHaveLength(2);
		for (const row of ended) expect(['crashed', 'error']).toContain(row.status);
		// The collector (the sub-workflow execution polling the handed-off ids) died with its
		// worker: "crashed", one execution, never run again. Its ids are safe in the hand-off's data.
		expect(executions(wf.handoffChild).map((row) => [row.id, row.status])).toEqual([[collectorRun.id, 'crashed']]);
		await quiet('after the crash');
		expect(mock.stats.creates - createsBefore).toBe(30);

		// …but failing the stalled job, n8n 2.41.1 writes the execution again with empty run data:
		// the saved ids are gone, and the single node's never reached the database at all.
		// Progress saving alone is no crash guarantee.
		expect(runData(recipeRun.id)).toEqual({});
		expect(runData(singleRun.id)).toEqual({});
		// The hand-off parent had finished before the crash: its saved output holds every id.
		const handedOff = submittedIn(handoffRun.id);
		expect(handedOff.map(promptOf)).toEqual(prompts('handoff'));

		// Recovery as the README tells it: the saved ids into Task → Wait for Completion.
		for (const task of heldTasks('crash')) mock.completeTask(task.id);
		expect((await start('recover', handedOff, { taskIds: handedOff })).status).toBe(200);
		const [recovered] = await finished(wf.recover);
		expect(recovered.status).toBe('success');
		expect(sink.of('recover').sort((a, b) => a.item - b.item).map((r) => r.task)).toEqual(handedOff);
		for (const r of sink.of('recover')) expect(r.width).toBeGreaterThan(0);
		expect(mock.stats.creates - createsBefore).toBe(30);
		expectBinaryModeTookEffect([recovered.id]);
	}, 420_000);

	it('a callback-paused execution survives a restart of main and both webhook processors, and resumes exactly once on a worker', async () => {
		const prompts = ['restart prompt 0', 'restart prompt 1', 'restart prompt 2'];
		const before = executions(wf.pause).length;
		expect((await start('pause', prompts)).status).toBe(200);
		const waiting = await waitFor('the paused execution', () => executions(wf.pause).slice(before).find((e) => e.status === 'waiting'), 60_000, context);
		expect(heldTasks('restart')).toHaveLength(3);
		await Promise.all([c().main, ...c().webhookProcessors].map((p) => p.stop()));
		await c().main.start();
		for (const proc of c().webhookProcessors) await proc.start();
		expect(executions(wf.pause).find((e) => e.id === waiting.id)?.status).toBe('waiting');
		for (const task of heldTasks('restart')) mock.completeTask(task.id);
		await resumedOnce(waiting.id, 3);
		expect(executions(wf.pause).filter((e) => e.id === waiting.id).map((e) => e.status)).toEqual(['success']);
		expect(sink.of('pause', waiting.id).sort((a, b) => a.item - b.item).map((r) => promptOf(r.task))).toEqual(prompts);
		expectBinaryModeTookEffect([waiting.id]);
	}, 300_000);
});
