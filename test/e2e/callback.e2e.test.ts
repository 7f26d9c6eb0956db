/**
 * Callbacks in a real n8n server (`n8n start` on loopback), 2.x and 1.x, with this package
 * installed from its npm tarball: the shipped examples/callback-pause.json pauses (execution
 * "waiting"), the mock API calls the resume URL, and the run resumes and writes the images;
 * examples/callback-submit-to-trigger.json (run by a second n8n) sends its results to the
 * shipped examples/callback-trigger.json, which refuses forged callbacks. First, what a user sees after
 * installing: the nodes, the tool variant and the credential in the editor, and its free credential test.
 * Needs `npm run build` first (as the other e2e tests).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { decodeImage } from '../../mock/images';
import { startMockServer, type MockServer } from '../../mock/server';
import { callbacksInFlight, runCounts, waitUntilQuiet } from '../helpers/quiet';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

const examplesDir = join(resolve(__dirname, '..', '..'), 'examples');
/** n8n lines to run in: SEEDREAM_N8N_LINES=2 runs only 2.x. */
const LINES = (process.env.SEEDREAM_N8N_LINES ?? '2,1')
	.split(',')
	.map((line) => line.trim())
	.filter(Boolean);
const TRIGGER_SECRET = 'e2e-secret-6f1d2c0b9a8e7d6c5b4a';

interface Workflow {
	id?: string;
	active?: boolean;
	nodes: Array<{ name: string; type: string; webhookId?: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
}

interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
	finished: number;
}

let line: string;
let mock: MockServer;
let server: { url: string; userFolder: string; output: () => string; stop: () => Promise<void> } | undefined;
let userFolder: string;
let outDir: string;
let pauseWorkflow: Workflow;
let triggerWorkflow: Workflow;
let deadlineWorkflow: Workflow;
let sink: Server;
const sunk: unknown[] = [];

const freePort = runtime.freePort as () => Promise<number>;

function loadExample(file: string, active = true): Workflow {
	const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Workflow;
	for (const node of workflow.nodes) {
		if (node.type === runtime.TRIGGER_TYPE) node.parameters.secret = TRIGGER_SECRET;
	}
	return { ...workflow, active };
}

const seedreamCredential = () => ({
	id: 'seedreamDemoCred1',
	name: 'Seedream API',
	type: 'seedreamApi',
	data: { apiToken: 'test-token', baseUrl: mock.url },
});

async function executions(workflow: Workflow): Promise<ExecutionRow[]> {
	const rows = (await runtime.listExecutions({ userFolder: server!.userFolder, line })) as ExecutionRow[];
	return rows.filter((row) => row.workflowId === workflow.id);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${server?.output().slice(-3000)}`);
		await new Promise((resolveWait) => setTimeout(resolveWait, 250));
	}
}

/** What keeps the server from being quiet: executions new, running or waiting, callbacks in flight. */
async function busy(expectedCallbacks?: number): Promise<string[]> {
	const rows = (await runtime.listExecutions({ userFolder: server!.userFolder, line })) as ExecutionRow[];
	return [
		...rows.filter((row) => ['new', 'running', 'waiting'].includes(row.status)).map((row) => `execution ${row.id} ${row.status}`),
		...callbacksInFlight(mock.callbacks, expectedCallbacks),
	];
}

const quiet = async (what: string, expectedCallbacks?: number) =>
	await waitUntilQuiet(what, [async () => await busy(expectedCallbacks)], { context: () => server?.output().slice(-3000) ?? '' });

/** The run data n8n stored for an execution, read through the editor's REST API. */
async function storedRunData(executionId: number): Promise<Record<string, Array<{ data?: { main?: Array<unknown[] | null> } }>>> {
	const cookie = await runtime.ownerSession(server);
	const response = await fetch(`${server!.url}/rest/executions/${executionId}`, { headers: { cookie } });
	expect(response.status).toBe(200);
	const { data } = (await response.json()) as { data: { data: string } };
	const rt = await runtime.ensureN8n({ line });
	// n8n stores run data in its `flatted` format: read it with n8n's own copy.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(require.resolve('flatted', { paths: [rt.n8nDir, join(rt.n8nDir, 'node_modules', 'n8n')] }));
	return flatted.parse(data.data).resultData.runData;
}

function writtenImages() {
	return readdirSync(outDir)
		.sort()
		.map((name) => ({ name, ...decodeImage(readFileSync(join(outDir, name))) }));
}

/**
 * Webhook → Seedream (pause, 1 minute deadline) → Code reading the task ids from custom data
 * (n8n 2.x's default "vm" expression engine has no `$execution.customData`; the Code node has)
 * → Task → Wait for Completion → HTTP Request to the test's sink.
 */
function deadlineExample(sinkPort: number): Workflow {
	const cred = { seedreamApi: { id: 'seedreamDemoCred1', name: 'Seedream API' } };
	const chain = ['Start Deadline', 'Seedream', 'Task IDs from Custom Data', 'Wait for Completion', 'Report'];
	return {
		name: 'Seedream callback deadline',
		active: true,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: 'seedream-deadline', responseMode: 'onReceived', options: {} },
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Start Deadline',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'd0000000-1000-4000-8000-000000000001',
			},
			{
				parameters: {
					resource: 'image',
					operation: 'generate',
					mode: 'callbackWait',
					model: 'doubao-seedream-4-0-250828',
					prompt: '={{ $json.body.prompt }}',
					size: '1K',
					options: { callbackDeadlineMinutes: 1 },
				},
				id: 'd0000000-0000-4000-8000-000000000002',
				name: 'Seedream',
				type: runtime.NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				credentials: cred,
			},
			{
				parameters: {
					jsCode:
						"const passedThrough = $input.all().map((item) => ({ prompt: item.json.body?.prompt, task_id: item.json.task_id ?? null }));\n" +
						"return String($execution.customData.get('seedream_task_ids') ?? '').split(',').filter((id) => id && id !== '-').map((task_id) => ({ json: { task_id, passedThrough } }));",
				},
				id: 'd0000000-0000-4000-8000-000000000003',
				name: 'Task IDs from Custom Data',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [440, 0],
			},
			{
				parameters: { resource: 'task', operation: 'waitForCompletion', taskIds: '={{ $json.task_id }}', options: {} },
				id: 'd0000000-0000-4000-8000-000000000004',
				name: 'Wait for Completion',
				type: runtime.NODE_TYPE,
				typeVersion: 1,
				position: [660, 0],
				credentials: cred,
			},
			{
				parameters: {
					method: 'POST',
					url: `http://127.0.0.1:${sinkPort}/sink`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: "={{ JSON.stringify({ task_id: $json.task_id, size: $json.size, hasBinary: $binary.data !== undefined, passedThrough: $('Task IDs from Custom Data').item.json.passedThrough }) }}",
					options: {},
				},
				id: 'd0000000-0000-4000-8000-000000000005',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [880, 0],
			},
		],
		connections: Object.fromEntries(
			chain.slice(0, -1).map((name, index) => [name, { main: [[{ node: chain[index + 1], type: 'main', index: 0 }]] }]),
		),
	} as unknown as Workflow;
}

describe.each(LINES)('callbacks in a real n8n %s.x server', (wanted) => {
	beforeAll(async () => {
		line = wanted;
		sunk.length = 0;
		await runtime.ensureN8n({ line, log: (text: string) => process.stdout.write(`${text}\n`) });
		// Long enough to see the execution waiting before the first callback arrives.
		mock = await startMockServer({ taskDurationMs: (body) => (String(body.prompt).includes('cabin') ? 6000 : 3000) });
		// n8n's home is a user folder like a user's: the examples write to .n8n-files/seedream/ there, the folder
		// n8n 2.x allows by default (no N8N_RESTRICT_FILE_ACCESS_TO, no path rewritten).
		userFolder = mkdtempSync(join(tmpdir(), 'seedream-e2e-callback-'));
		outDir = join(userFolder, '.n8n-files', 'seedream');
		mkdirSync(outDir, { recursive: true });
		sink = createHttpServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				sunk.push(JSON.parse(text || '{}'));
				res.end('{}');
			});
		});
		const sinkPort = await freePort();
		await new Promise<void>((resolveListen) => sink.listen(sinkPort, '127.0.0.1', resolveListen));
		const started = await runtime.startServerWithWorkflows({
			line,
			workflows: [loadExample('callback-pause.json'), loadExample('callback-trigger.json'), deadlineExample(sinkPort)],
			credentials: [seedreamCredential()],
			userFolder,
			// Its own task broker port, so another n8n on this machine (other e2e files) does not collide.
			env: { N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
		});
		server = started.server;
		[pauseWorkflow, triggerWorkflow, deadlineWorkflow] = started.workflows;
	});

	afterAll(async () => {
		await server?.stop();
		server = undefined;
		await new Promise((resolveClose) => (sink ? sink.close(resolveClose) : resolveClose(undefined)));
		await mock?.close();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	it('the installed package appears in the editor: nodes, AI tool variant, credential, icons, and a credential test that costs nothing', async () => {
		const cookie = await runtime.ownerSession(server);
		const get = async (path: string) => await fetch(`${server!.url}/${path}`, { headers: { cookie } });
		type TypeEntry = { name: string; displayName: string; iconUrl?: { light: string; dark: string }; documentationUrl?: string };
		const nodeTypes = (await (await get('types/nodes.json')).json()) as TypeEntry[];
		const ours = nodeTypes.filter((type) => type.name.startsWith(`${runtime.PACKAGE_NAME}.`));
		expect(ours.map((type) => [type.name, type.displayName]).sort()).toEqual([
			[runtime.NODE_TYPE, 'Seedream'],
			[`${runtime.NODE_TYPE}Tool`, 'Seedream Tool'],
			[runtime.TRIGGER_TYPE, 'Seedream Trigger'],
		]);
		const credentialTypes = (await (await get('types/credentials.json')).json()) as TypeEntry[];
		const credential = credentialTypes.find((type) => type.name === 'seedreamApi')!;
		expect(credential).toMatchObject({ displayName: 'Seedream API', documentationUrl: expect.stringMatching(/^https:\/\//) });
		for (const entry of [...ours, credential]) {
			for (const icon of [entry.iconUrl!.light, entry.iconUrl!.dark]) {
				const response = await get(icon);
				expect([icon, response.status, response.headers.get('content-type')]).toEqual([icon, 200, 'image/svg+xml']);
			}
		}

		// The editor's "Test" button: one free task lookup with the token, right or wrong.
		const testCredential = async (apiToken: string) => {
			const response = await fetch(`${server!.url}/rest/credentials/test`, {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/json' },
				body: JSON.stringify({ credentials: { ...seedreamCredential(), data: { apiToken, baseUrl: mock.url } } }),
			});
			expect(response.status).toBe(200);
			return ((await response.json()) as { data: { status: string; message: string } }).data;
		};
		mock.reset();
		expect(await testCredential('test-token')).toMatchObject({ status: 'OK' });
		expect(await testCredential('wrong-token')).toMatchObject({ status: 'Error' });
		expect(mock.stats.jobsCreated).toBe(0);
		// Only empty batch lookups (n8n sends a failing test a second time).
		for (const request of mock.requests) expect([request.path, request.body]).toEqual(['/seedream/tasks', { action: 'retrieve_batch', ids: [] }]);
		const tokens = mock.requests.map((request) => request.headers.authorization);
		expect(tokens[0]).toBe('Bearer test-token');
		expect(new Set(tokens.slice(1))).toEqual(new Set(['Bearer wrong-token']));
	});

	it('callback-pause.json: the execution waits without a worker, resumes exactly once from the callbacks (repeats answered without a run) and writes the images', async () => {
		// Every callback twice, as an at-least-once sender may.
		mock.setOptions({ callbackMode: 'twice' });
		const start = await fetch(`${server!.url}/webhook/seedream-callback-demo`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompts: ['a red bicycle against a blue wall', 'a snowy cabin at night'] }),
		});
		expect(start.status).toBe(200);

		const waiting = await waitFor('a waiting execution', async () =>
			(await executions(pauseWorkflow)).find((row) => row.status === 'waiting'),
		);
		expect(mock.stats.jobsCreated).toBe(2);
		const creates = mock.requests.filter((request) => request.path === '/seedream/images');
		const callbackUrls = creates.map((request) => (request.body as { callback_url: string }).callback_url);
		// 2.x signs the resume URL and checks the token; 1.x has no token for it.
		const signature = line === '1' ? '' : '\\?signature=[\\w-]+';
		for (const url of callbackUrls) {
			expect(url).toMatch(new RegExp(`^${server!.url}/webhook-waiting/${waiting.id}/seedream-callback${signature}$`));
		}
		expect(writtenImages()).toEqual([]);

		const post = async (url: string, body: unknown) =>
			await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		if (line !== '1') {
			// Without the execution's token n8n itself refuses the call.
			const forged = await post(`${server!.url}/webhook-waiting/${waiting.id}/seedream-callback?signature=wrong`, { task_id: 'x' });
			expect(forged.status).toBe(401);
		}
		// At the right URL, the node itself refuses a task that is not one of this execution
		// (on 1.x, the only guard), and the execution keeps waiting.
		const foreign = await post(callbackUrls[0], { success: true, task_id: '00000000-0000-4000-8000-000000000000', data: [] });
		expect(foreign.status).toBe(403);
		expect((await executions(pauseWorkflow)).find((row) => row.id === waiting.id)!.status).toBe('waiting');

		// The first callback and its repeat (the bicycle, after ~3 s) are answered 200 and the
		// execution keeps waiting.
		await waitFor('the first callback answers', async () => (mock.callbacks[1]?.status ? true : undefined));
		expect(mock.callbacks.slice(0, 2).map((delivery) => delivery.status)).toEqual([200, 200]);
		expect((await executions(pauseWorkflow)).find((row) => row.id === waiting.id)!.status).toBe('waiting');

		// Both tasks' callbacks, each twice, answered; nothing running or waiting any more.
		await quiet('the callbacks of the paused execution', 4);
		expect((await executions(pauseWorkflow)).map((row) => [row.id, row.status])).toEqual([[waiting.id, 'success']]);
		// The cabin's callback resumed the run (200); its repeat came during or after the resume and was answered
		// without a run: on 2.x 500 "already being resumed" or 409 "running"/"finished"; n8n 1.x may answer it 200.
		// Whatever the code, the stored run data below is what proves there was one resume.
		const statuses = mock.callbacks.map((delivery) => delivery.status);
		expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
		expect(line === '1' ? [200, 409, 500] : [409, 500]).toContain(statuses[3]);
		// Exactly one resume, counted in the stored run data: the paused node's final run holds both
		// items, and every node after it ran once, per item.
		expect(runCounts(await storedRunData(waiting.id))).toMatchObject({ Seedream: [2], 'Has Image?': [2], 'Save Image': [2] });
		const images = writtenImages();
		expect(images).toHaveLength(2);
		for (const image of images) expect(image).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
		const names = images.map((image) => image.name.replace(/-1\.jpg$/, '')).sort();
		expect(names).toEqual([...mock.tasks.keys()].sort());
	});

	it('callback-trigger.json: a callback starts the workflow with the images; forged ones start nothing', async () => {
		mock.reset();
		const webhookId = triggerWorkflow.nodes.find((node) => node.type === runtime.TRIGGER_TYPE)!.webhookId;
		const triggerUrl = `${server!.url}/webhook/${webhookId}/seedream`;
		const before = writtenImages().length;

		const post = async (url: string, body: unknown) =>
			await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		expect((await post(triggerUrl, { success: true, task_id: 'x', data: [] })).status).toBe(401);
		expect((await post(`${triggerUrl}?secret=wrong-secret`, { success: true, task_id: 'x', data: [] })).status).toBe(401);
		expect((await post(`${triggerUrl}?secret=${TRIGGER_SECRET}`, { hello: 'world' })).status).toBe(400);
		const unknownTask = await post(`${triggerUrl}?secret=${TRIGGER_SECRET}`, {
			success: true,
			task_id: '00000000-0000-4000-8000-000000000000',
			data: [{ image_url: 'https://evil.example/x.jpg' }],
		});
		expect(unknownTask.status).toBe(404);
		expect(await executions(triggerWorkflow)).toEqual([]);

		// The shipped submit example, run by a second n8n, sends a real job's results to the trigger;
		// the mock sends the callback twice, as an at-least-once sender may.
		mock.setOptions({ callbackMode: 'twice', taskDurationMs: 500 });
		const submitWorkflow = loadExample('callback-submit-to-trigger.json', false);
		const submitNode = submitWorkflow.nodes.find((node) => node.type === runtime.NODE_TYPE)!;
		submitNode.parameters.options = { callbackUrl: `${triggerUrl}?secret=${TRIGGER_SECRET}` };
		const submitted = await runtime.runWorkflow({ workflow: submitWorkflow, credentials: [seedreamCredential()], line });
		expect(runtime.runError(submitted.run)).toBeUndefined();
		const [pending] = runtime.nodeOutput(submitted.run, 'Seedream');
		expect(pending.json).toMatchObject({ status: 'pending', task_id: expect.any(String) });
		const taskId = pending.json.task_id as string;
		expect(mock.requests.find((request) => request.path === '/seedream/images')!.body).toMatchObject({
			callback_url: `${triggerUrl}?secret=${TRIGGER_SECRET}`,
		});
		const run = await waitFor('the trigger execution', async () =>
			(await executions(triggerWorkflow)).find((row) => row.status === 'success'),
		);
		expect(run).toBeDefined();
		await quiet('both trigger callbacks', 2);
		expect(mock.callbacks.map((delivery) => delivery.status)).toEqual([200, 200]);
		// The repeat was answered but started nothing: one execution, each node run once.
		expect((await executions(triggerWorkflow)).map((row) => [row.id, row.status])).toEqual([[run.id, 'success']]);
		expect(runCounts(await storedRunData(run.id))).toEqual({ 'Seedream Trigger': [1], 'Failed?': [0], 'Save Image': [1] });
		const images = writtenImages();
		expect(images).toHaveLength(before + 1);
		expect(images.find((image) => image.name === `${taskId}-1.jpg`)).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
	});

	it('a failed task resumes as an item flagged with its error; the other item still writes its image', async () => {
		mock.reset();
		mock.setOptions({
			taskDurationMs: 300,
			generationFailure: (body) =>
				String(body.prompt).includes('cabin') ? { code: 'InputTextSensitiveContentDetected', message: 'The prompt is sensitive' } : undefined,
		});
		const known = new Set((await executions(pauseWorkflow)).map((row) => row.id));
		const imagesBefore = writtenImages().length;
		await fetch(`${server!.url}/webhook/seedream-callback-demo`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompts: ['a red bicycle against a blue wall', 'a snowy cabin at night'] }),
		});
		const done = await waitFor('the failed execution', async () =>
			(await executions(pauseWorkflow)).find((row) => !known.has(row.id) && !['new', 'running', 'waiting'].includes(row.status)),
		);
		expect(done.status).toBe('success');
		expect(writtenImages()).toHaveLength(imagesBefore + 1);
		expect(mock.stats.jobsCreated).toBe(2);
		// Both tasks finish together, so both callbacks may find everything done and race to resume:
		// n8n lets one resume and refuses the other (ExecutionAlreadyResumingError, an error status).
		// The refused one may still be in flight when the execution is already done: wait for its answer.
		await waitFor('every callback answered', async () =>
			mock.callbacks.length >= 2 && mock.callbacks.every((delivery) => delivery.status !== undefined) ? true : undefined,
		);
		await quiet('the failed-task callbacks', 2);
		const statuses = mock.callbacks.map((delivery) => delivery.status);
		expect(statuses).toContain(200);
		for (const status of statuses) expect([200, 409, 500]).toContain(status);
		expect((await executions(pauseWorkflow)).filter((row) => !known.has(row.id))).toHaveLength(1);
		// One resume: both items once through the paused node and the If, one of them saved.
		expect(runCounts(await storedRunData(done.id))).toMatchObject({ Seedream: [2], 'Has Image?': [1], 'Save Image': [1] });
	});

	it('deadline: the node passes its input through, and the task id in custom data lets Wait for Completion fetch the image', async () => {
		mock.reset();
		mock.setOptions({ callbackMode: 'never', taskDurationMs: 500 });
		const start = await fetch(`${server!.url}/webhook/seedream-deadline`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'a foggy harbour' }),
		});
		expect(start.status).toBe(200);
		await waitFor('a waiting execution', async () => (await executions(deadlineWorkflow)).find((row) => row.status === 'waiting'));
		const [taskId] = [...mock.tasks.keys()];
		// n8n's wait tracker looks for due executions about once a minute.
		const done = await waitFor(
			'the deadline',
			async () => (await executions(deadlineWorkflow)).find((row) => !['waiting', 'running', 'new'].includes(row.status)),
			200_000,
		);
		expect(done.status).toBe('success');
		expect(sunk).toEqual([
			{ task_id: taskId, size: '1024x1024', hasBinary: true, passedThrough: [{ prompt: 'a foggy harbour', task_id: null }] },
		]);
		expect(mock.callbacks).toEqual([]);
		expect(mock.stats.jobsCreated).toBe(1);
	}, 300_000);
});
