/**
 * Every shipped example, exactly as a user imports it into a stock n8n (2.x and 1.x): default
 * settings (no N8N_RESTRICT_FILE_ACCESS_TO), no path rewriting, only the credentials set (the
 * Seedream API credential's base URL points at the mock API; the AI-agent example's OpenAI
 * credential at a scripted chat model). Before running, the test does what the examples' setup
 * notes tell a user: create `.n8n-files/seedream/` in n8n's home folder and put the product photo
 * there. The images are read back from where n8n wrote them. Which examples run here is declared
 * below; the first test checks that every file in examples/ is claimed by exactly one test file.
 * Manual examples run with `n8n execute` in one instance; the webhook examples in an `n8n start`
 * server, where the 30-item callback deadline runs while the other examples do.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { decodeImage } from '../../mock/images';
import { startMockServer, type MockServer } from '../../mock/server';
import {
	claimExamples,
	EXAMPLES_DIR,
	exampleCoverageProblems,
	shippedExample,
} from './exampleClaims';
import { startFakeChatModel, type FakeChatModel } from './fakeChatModel';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

const { exampleTest } = claimExamples([
	'ai-agent-tool.json',
	'async-batch.json',
	'callback-pause.json',
	'callback-submit-to-trigger.json',
	'callback-trigger.json',
	'edit-binary-reference.json',
	'generate-and-save.json',
	'image-set.json',
	'scheduled-content-pipeline.json',
	'sheet-driven-batch.json',
	'submit-then-collect.json',
]);

/** Examples started by hand (`n8n execute`); the others start from a webhook or callback (`n8n start`). */
const MANUAL = [
	'ai-agent-tool.json',
	'async-batch.json',
	'edit-binary-reference.json',
	'generate-and-save.json',
	'image-set.json',
	'scheduled-content-pipeline.json',
	'sheet-driven-batch.json',
	'submit-then-collect.json',
];

/** n8n lines to run every example in: SEEDREAM_N8N_LINES=2 runs only 2.x. */
const LINES = (process.env.SEEDREAM_N8N_LINES ?? '2,1')
	.split(',')
	.map((line) => line.trim())
	.filter(Boolean);

interface Workflow {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters: Record<string, unknown>;
	}>;
}
interface Run {
	data: { resultData: { runData: Record<string, Array<{ data: Record<string, unknown[][]> }>> } };
}
interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, { fileName: string; mimeType: string }>;
	pairedItem?: unknown;
}
interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
}

const AGENT_TOOL_ARGUMENTS = {
	prompt: 'A lighthouse on a cliff at dusk, autumn colours, poster',
	size: '2K',
};
/** Prompts of the deadline run; the mock withholds their callbacks, as when Seedream cannot reach n8n. */
const DEADLINE_PROMPTS = Array.from({ length: 30 }, (_, index) => `deadline prompt ${index + 1}`);

const output = (home: string) => join(home, '.n8n-files', 'seedream');

/** What the examples' setup notes ask of a user, in n8n's home folder. */
function followSetupNotes(home: string): void {
	mkdirSync(output(home), { recursive: true });
	copyFileSync(join(EXAMPLES_DIR, 'assets', 'product.png'), join(output(home), 'product.png'));
}

function writtenImages(home: string) {
	return readdirSync(output(home))
		.filter((name) => name !== 'product.png')
		.sort()
		.map((name) => ({ name, ...decodeImage(readFileSync(join(output(home), name))) }));
}

function clearImages(home: string): void {
	for (const name of readdirSync(output(home)))
		if (name !== 'product.png') rmSync(join(output(home), name));
}

const seedreamCredential = (mock: MockServer) => ({
	id: 'seedreamDemoCred1',
	name: 'Seedream API',
	type: 'seedreamApi',
	data: { apiToken: 'test-token', baseUrl: mock.url },
});

const openAiCredential = (chat: FakeChatModel) => ({
	id: 'openAiDemoCred1',
	name: 'OpenAI account',
	type: 'openAiApi',
	data: { apiKey: 'sk-test', url: chat.url },
});

/** The shipped file, published (active) or not: nothing in it changes. */
const asShipped = (file: string, active: boolean) => ({ ...shippedExample(file), active });

const items = (run: Run, node: string): Item[] => runtime.nodeOutput(run, node) as Item[];

async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs = 60_000,
	log = () => '',
): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() - started > timeoutMs)
			throw new Error(`timed out waiting for ${what}\n${log()}`);
		await new Promise((resolveWait) => setTimeout(resolveWait, 250));
	}
}

describe('the examples folder', () => {
	it('every file in examples/ is claimed by exactly one e2e test file, which has a test for it', () => {
		expect(exampleCoverageProblems()).toEqual([]);
	});
});

describe.each(LINES)('examples as shipped, in a real n8n %s.x with default settings', (line) => {
	let mock: MockServer;
	let callbackMock: MockServer;
	let chat: FakeChatModel;
	let instance: { userFolder: string; workflows: Workflow[] };
	let server:
		| { url: string; userFolder: string; output: () => string; stop: () => Promise<void> }
		| undefined;
	let served: Workflow[];
	let deadlineExecution: ExecutionRow;

	const byName = (workflows: Workflow[], file: string) =>
		workflows.find((workflow) => workflow.name === shippedExample(file).name)!;
	const executions = async (file: string): Promise<ExecutionRow[]> =>
		(
			(await runtime.listExecutions({ userFolder: server!.userFolder, line })) as ExecutionRow[]
		).filter((row) => row.workflowId === byName(served, file).id);
	const serverLog = () => server?.output().slice(-3000) ?? '';

	beforeAll(async () => {
		await runtime.ensureN8n({ line, log: (text: string) => process.stdout.write(`${text}\n`) });
	});

	afterAll(async () => {
		await server?.stop();
		server = undefined;
		await Promise.all([mock?.close(), callbackMock?.close(), chat?.close()]);
	});

	/** The webhook examples published in an `n8n start` server, its home set up as the notes say. */
	async function startServer(): Promise<void> {
		callbackMock = await startMockServer({
			taskDurationMs: 1500,
			callbackMode: (body) => (String(body.prompt).startsWith('deadline ') ? 'never' : 'once'),
		});
		const serverHome = runtime.makeUserFolder();
		followSetupNotes(serverHome);
		const started = await runtime.startServerWithWorkflows({
			line,
			userFolder: serverHome,
			workflows: [
				asShipped('callback-pause.json', true),
				asShipped('callback-trigger.json', true),
				asShipped('callback-submit-to-trigger.json', false),
			],
			credentials: [seedreamCredential(callbackMock)],
			env: { N8N_RUNNERS_BROKER_PORT: String(await runtime.freePort()) },
		});
		server = started.server;
		served = started.workflows;
	}

	/** The manual examples imported into one instance (`n8n execute` runs each), set up as the notes say. */
	async function prepareManualInstance(): Promise<void> {
		mock = await startMockServer({ generationDelayMs: 200, taskDurationMs: 1500 });
		chat = await startFakeChatModel(AGENT_TOOL_ARGUMENTS);
		instance = await runtime.prepareInstance({
			line,
			workflows: MANUAL.map((file) => asShipped(file, false)),
			credentials: [seedreamCredential(mock), openAiCredential(chat)],
		});
		followSetupNotes(instance.userFolder);
	}

	/** Runs a manual example by its id in the prepared instance; fails on any workflow error. */
	async function runManual(file: string): Promise<Run> {
		clearImages(instance.userFolder);
		mock.reset();
		chat.reset();
		const result = await runtime.executeWorkflow({
			userFolder: instance.userFolder,
			id: byName(instance.workflows, file).id,
			line,
		});
		const error = runtime.runError(result.run);
		if (error)
			throw new Error(
				`workflow failed: ${error.message} ${error.description ?? ''}\n${result.stderr.slice(-2000)}`,
			);
		return result.run as Run;
	}

	const postStart = async (body: unknown) =>
		await fetch(`${server!.url}/webhook/seedream-callback-demo`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});

	describe('started by a webhook or a callback (n8n start)', () => {
		beforeAll(startServer);

		exampleTest(
			'callback-pause.json',
			'pauses 30 items (task IDs over three custom-data keys) until a one-minute deadline; Seedream never calls back',
			async () => {
				expect((await postStart({ prompts: DEADLINE_PROMPTS, deadline_minutes: 1 })).status).toBe(
					200,
				);
				deadlineExecution = await waitFor(
					'a waiting execution',
					async () =>
						(await executions('callback-pause.json')).find((row) => row.status === 'waiting'),
					120_000,
					serverLog,
				);
				const creates = callbackMock.requests.filter(
					(request) => request.path === '/seedream/images',
				);
				expect(creates).toHaveLength(30);
				const customData = await runtime.executionCustomData({
					userFolder: server!.userFolder,
					line,
					executionId: deadlineExecution.id,
				});
				expect(Object.keys(customData).sort()).toEqual([
					'seedream_task_ids',
					'seedream_task_ids_2',
					'seedream_task_ids_3',
				]);
			},
		);

		exampleTest(
			'callback-pause.json',
			'resumes once from the callbacks and saves every image',
			async () => {
				const known = new Set((await executions('callback-pause.json')).map((row) => row.id));
				expect(
					(
						await postStart({
							prompts: ['a red bicycle against a blue wall', 'a snowy cabin at night'],
						})
					).status,
				).toBe(200);
				const done = await waitFor(
					'the resumed execution',
					async () =>
						(await executions('callback-pause.json')).find(
							(row) => !known.has(row.id) && !['new', 'running', 'waiting'].includes(row.status),
						),
					120_000,
					serverLog,
				);
				expect(done.status).toBe('success');
				const taskIds = [...callbackMock.tasks.values()]
					.filter((task) => !String(task.request.prompt).startsWith('deadline '))
					.map((task) => task.id);
				expect(taskIds).toHaveLength(2);
				const saved = writtenImages(server!.userFolder).filter((image) =>
					taskIds.some((id) => image.name === `${id}-1.jpg`),
				);
				expect(saved).toHaveLength(2);
				for (const image of saved)
					expect(image).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
			},
		);

		let submittedTaskId: string;

		exampleTest(
			'callback-submit-to-trigger.json',
			"submits with this n8n's Seedream Trigger URL as the callback",
			async () => {
				const result = await runtime.executeWorkflow({
					userFolder: server!.userFolder,
					id: byName(served, 'callback-submit-to-trigger.json').id,
					line,
					// The same instance as the server, so the same public URL.
					env: { WEBHOOK_URL: `${server!.url}/` },
				});
				expect(runtime.runError(result.run)).toBeUndefined();
				const [pending] = items(result.run as Run, 'Seedream');
				expect(pending.json).toMatchObject({ status: 'pending', task_id: expect.any(String) });
				submittedTaskId = pending.json.task_id as string;
				const webhookId = byName(served, 'callback-trigger.json').nodes.find(
					(node) => node.type === runtime.TRIGGER_TYPE,
				)!.webhookId;
				const create = callbackMock.requests.find((request) =>
					(request.body as { callback_url?: string } | undefined)?.callback_url?.includes(
						'/webhook/',
					),
				)!;
				expect((create.body as { callback_url: string }).callback_url).toBe(
					`${server!.url}/webhook/${webhookId}/seedream?secret=replace-with-a-long-random-secret`,
				);
			},
		);

		exampleTest(
			'callback-trigger.json',
			'the callback starts it once and it saves the image',
			async () => {
				const run = await waitFor(
					'the trigger execution',
					async () =>
						(await executions('callback-trigger.json')).find((row) => row.status === 'success'),
					60_000,
					serverLog,
				);
				expect(run).toBeDefined();
				expect(await executions('callback-trigger.json')).toHaveLength(1);
				expect(
					writtenImages(server!.userFolder).find(
						(image) => image.name === `${submittedTaskId}-1.jpg`,
					),
				).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
			},
		);
	});

	describe('started by hand (n8n execute)', () => {
		beforeAll(prepareManualInstance);

		exampleTest(
			'generate-and-save.json',
			'Generate writes a real 2K JPEG through n8n binary data',
			async () => {
				const run = await runManual('generate-and-save.json');
				const [item] = items(run, 'Seedream');
				expect(item.json).toMatchObject({ model: 'doubao-seedream-4-0-250828', size: '2048x2048' });
				expect(item.binary!.data).toMatchObject({
					mimeType: 'image/jpeg',
					fileName: `${item.json.task_id}-1.jpg`,
				});
				expect(writtenImages(instance.userFolder)).toEqual([
					{ name: `${item.json.task_id}-1.jpg`, width: 2048, height: 2048, format: 'jpeg' },
				]);
				expect(mock.stats.creates).toBe(1);
			},
		);

		exampleTest(
			'edit-binary-reference.json',
			'Edit sends the photo from ~/.n8n-files as a data URI',
			async () => {
				const run = await runManual('edit-binary-reference.json');
				const create = mock.requests.find((request) => request.path === '/seedream/images')!;
				const original = readFileSync(join(EXAMPLES_DIR, 'assets', 'product.png')).toString(
					'base64',
				);
				expect((create.body as { image: string }).image).toBe(`data:image/png;base64,${original}`);
				expect(items(run, 'Seedream')).toHaveLength(1);
				expect(writtenImages(instance.userFolder)).toEqual([
					expect.objectContaining({ width: 2048, height: 2048, format: 'jpeg' }),
				]);
			},
		);

		exampleTest(
			'image-set.json',
			'an image set comes out as one item and one file per image',
			async () => {
				const run = await runManual('image-set.json');
				expect(items(run, 'Seedream').map((item) => item.json.index)).toEqual([0, 1, 2, 3]);
				const images = writtenImages(instance.userFolder);
				expect(images).toHaveLength(4);
				for (const image of images) expect(image).toMatchObject({ width: 1024, height: 1024 });
			},
		);

		exampleTest(
			'async-batch.json',
			'several items are submitted, polled together and come back in order',
			async () => {
				const run = await runManual('async-batch.json');
				const out = items(run, 'Seedream');
				expect(out.map((item) => item.json.prompt)).toEqual([
					'a red bicycle against a blue wall',
					'a bowl of ramen, top-down photo',
					'a snowy cabin at night',
				]);
				expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
				expect(mock.stats.creates).toBe(3);
				expect(
					mock.requests
						.filter((request) => request.path === '/seedream/images')
						.every((request) => (request.body as { async?: boolean }).async === true),
				).toBe(true);
				expect(mock.stats.taskQueries).toBe(0);
				expect(mock.stats.batchQueries).toBeGreaterThanOrEqual(1);
				expect(mock.stats.batchQueries).toBeLessThanOrEqual(4);
				expect(writtenImages(instance.userFolder)).toHaveLength(3);
			},
		);

		exampleTest(
			'sheet-driven-batch.json',
			'model, size and prompt per row from expressions; each request carries its own',
			async () => {
				const run = await runManual('sheet-driven-batch.json');
				const sent = mock.requests
					.filter((request) => request.path === '/seedream/images')
					.map(
						(request) =>
							request.body as { prompt: string; model: string; size: string; watermark: boolean },
					)
					.sort((a, b) => a.prompt.localeCompare(b.prompt));
				expect(sent.map(({ model, size, watermark }) => ({ model, size, watermark }))).toEqual([
					{ model: 'doubao-seedream-5-0-pro-260628', size: '2560x1440', watermark: false },
					{ model: 'doubao-seedream-4-0-250828', size: '1K', watermark: false },
					{ model: 'doubao-seedream-4-5-251128', size: '4K', watermark: false },
					{ model: 'doubao-seedream-5-0-260128', size: '3K', watermark: false },
				]);
				expect(
					items(run, 'Seedream').map((item) => [
						item.json.model,
						item.json.model_requested ?? null,
					]),
				).toEqual([
					['doubao-seedream-4-5-251128', 'doubao-seedream-4.5'],
					['doubao-seedream-5-0-pro-260628', null],
					['doubao-seedream-4-0-250828', null],
					['doubao-seedream-5-0-260128', null],
				]);
				const sizes = writtenImages(instance.userFolder).map(
					(image) => `${image.width}x${image.height}`,
				);
				expect(sizes.sort()).toEqual(['1024x1024', '2560x1440', '3072x3072', '4096x4096']);
			},
		);

		exampleTest(
			'submit-then-collect.json',
			'Submit Only, Task → Get Many and Task → Wait for Completion',
			async () => {
				const run = await runManual('submit-then-collect.json');
				const submitted = items(run, 'Submit Jobs');
				expect(submitted.map((item) => item.json.status)).toEqual([
					'pending',
					'pending',
					'pending',
				]);
				expect(items(run, 'Get Tasks').map((item) => item.json.task_id)).toEqual(
					submitted.map((item) => item.json.task_id),
				);
				expect(items(run, 'Wait for Images').map((item) => item.json.status)).toEqual([
					'succeeded',
					'succeeded',
					'succeeded',
				]);
				expect(writtenImages(instance.userFolder)).toHaveLength(3);
				expect(mock.stats.creates).toBe(3);
			},
		);

		exampleTest(
			'scheduled-content-pipeline.json',
			'the daily chain (Schedule or Manual trigger) writes a dated file',
			async () => {
				const run = await runManual('scheduled-content-pipeline.json');
				const [item] = items(run, 'Seedream');
				expect(item.json.prompt).toMatch(
					/^Social media post image for (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day: a cup of coffee/,
				);
				expect(item.binary!.data.fileName).toBe(`daily-${item.json.task_id}-1.jpg`);
				// Both triggers feed the same chain; one run starts it once (which one depends on the n8n line).
				const triggers = ['Every Day at 8:00', "When clicking 'Execute workflow'"].filter(
					(name) => name in run.data.resultData.runData,
				);
				expect(triggers).toHaveLength(1);
				const [written] = writtenImages(instance.userFolder);
				expect(written.name).toMatch(
					new RegExp(`^\\d{4}-\\d{2}-\\d{2}-daily-${item.json.task_id}-1\\.jpg$`),
				);
				expect(written).toMatchObject({ width: 2048, height: 2048, format: 'jpeg' });
				expect(mock.stats.creates).toBe(1);
			},
		);

		exampleTest(
			'ai-agent-tool.json',
			'a real AI Agent calls the Seedream tool and gets compact JSON back',
			async () => {
				const run = await runManual('ai-agent-tool.json');
				// The model was offered the tool with the $fromAI() parameters as its arguments.
				const offered = chat.requests[0].body.tools ?? [];
				expect(offered).toHaveLength(1);
				expect(Object.keys(offered[0].function.parameters?.properties ?? {}).sort()).toEqual([
					'prompt',
					'size',
				]);
				expect(offered[0].function.description).toMatch(/returns JSON with the image URL/);
				const create = mock.requests.find((request) => request.path === '/seedream/images')!;
				expect(create.body).toMatchObject({
					model: 'doubao-seedream-4-0-250828',
					...AGENT_TOOL_ARGUMENTS,
				});
				expect(mock.stats.creates).toBe(1);
				// What the agent received from the tool: compact JSON with the URL, no base64.
				const toolMessage = chat.requests
					.flatMap((request) => request.body.messages ?? [])
					.find((message) => message.role === 'tool');
				const toolText =
					typeof toolMessage?.content === 'string'
						? toolMessage.content
						: JSON.stringify(toolMessage?.content);
				expect(toolText).not.toMatch(/[A-Za-z0-9+/]{200,}/);
				const answer = JSON.parse(toolText);
				expect(answer).toEqual([
					{
						status: 'succeeded',
						task_id: expect.any(String),
						model: 'doubao-seedream-4-0-250828',
						image_count: 1,
						images: [{ url: expect.stringContaining(mock.url), size: '2048x2048', index: 0 }],
					},
				]);
				// The tool node's own output keeps the image as binary data next to that JSON.
				const [toolItem] = run.data.resultData.runData['Seedream Tool'][0].data
					.ai_tool[0] as Item[];
				expect(toolItem.json).toEqual(answer[0]);
				expect(toolItem.binary!.data_0).toMatchObject({
					mimeType: 'image/jpeg',
					fileName: `${answer[0].task_id}-1.jpg`,
				});
				const [agentItem] = items(run, 'AI Agent');
				expect(agentItem.json.output).toContain(answer[0].images[0].url);
			},
		);
	});

	// Last, so that the examples above ran while the deadline passed.
	exampleTest(
		'callback-pause.json',
		'after the deadline, the shipped recovery branch collects all 30 images; no job was sent twice',
		async () => {
			// n8n's wait tracker looks for due executions about once a minute.
			const done = await waitFor(
				'the deadline',
				async () =>
					(await executions('callback-pause.json')).find(
						(row) =>
							row.id === deadlineExecution.id &&
							!['new', 'running', 'waiting'].includes(row.status),
					),
				200_000,
				serverLog,
			);
			expect(done.status).toBe('success');
			const deadlineTasks = [...callbackMock.tasks.values()].filter((task) =>
				String(task.request.prompt).startsWith('deadline '),
			);
			// Exactly one create per prompt: 30, none sent twice.
			const creates = callbackMock.requests.filter(
				(request) =>
					request.path === '/seedream/images' &&
					String((request.body as { prompt: string }).prompt).startsWith('deadline '),
			);
			expect(creates.map((request) => (request.body as { prompt: string }).prompt).sort()).toEqual(
				[...DEADLINE_PROMPTS].sort(),
			);
			expect(deadlineTasks).toHaveLength(30);
			expect(
				callbackMock.callbacks.filter((delivery) =>
					String(delivery.url).includes(`/${deadlineExecution.id}/`),
				),
			).toEqual([]);
			// Every paid job's image was saved by the example's own recovery branch.
			const saved = new Set(writtenImages(server!.userFolder).map((image) => image.name));
			expect(
				deadlineTasks
					.filter((task) => !saved.has(`${task.id}-1.jpg`))
					.map((task) => task.request.prompt),
			).toEqual([]);
		},
		300_000,
	);
});
