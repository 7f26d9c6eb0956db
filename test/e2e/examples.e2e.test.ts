/**
 * Every shipped example workflow, run by a real n8n (installed by scripts/n8n/install.cjs) with
 * this package installed from its npm tarball, against the mock API. The images the workflows
 * write to disk are decoded and checked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { decodeImage } from '../../mock/images';
import { startMockServer, type MockServer } from '../../mock/server';
import { startFakeChatModel } from './fakeChatModel';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

const repo = resolve(__dirname, '..', '..');
const examplesDir = join(repo, 'examples');

interface Workflow {
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
}

/** n8n lines to run every example in: SEEDREAM_N8N_LINES=2 runs only 2.x. */
const LINES = (process.env.SEEDREAM_N8N_LINES ?? '2,1')
	.split(',')
	.map((line) => line.trim())
	.filter(Boolean);

let mock: MockServer;
let outDir: string;
let line: string;

beforeAll(async () => {
	for (const wanted of LINES) await runtime.ensureN8n({ line: wanted, log: (text: string) => process.stdout.write(`${text}\n`) });
	mock = await startMockServer({ generationDelayMs: 200, taskDurationMs: 1500 });
});

afterAll(async () => {
	await mock?.close();
});

beforeEach(() => {
	mock.reset();
	outDir = mkdtempSync(join(tmpdir(), 'seedream-e2e-out-'));
});

afterEach(() => rmSync(outDir, { recursive: true, force: true }));

function loadExample(file: string): Workflow {
	const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Workflow;
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-base.readWriteFile') continue;
		if (typeof node.parameters.fileName === 'string') {
			node.parameters.fileName = node.parameters.fileName.replace('./demo-output/', `${outDir}/`);
		}
		if (typeof node.parameters.fileSelector === 'string') {
			node.parameters.fileSelector = node.parameters.fileSelector.replace('./examples/', `${examplesDir}/`);
		}
	}
	return workflow;
}

async function run(file: string, extraCredentials: object[] = []) {
	const result = await runtime.runWorkflow({
		workflow: loadExample(file),
		credentials: [{ id: 'seedreamDemoCred1', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }, ...extraCredentials],
		env: { N8N_RESTRICT_FILE_ACCESS_TO: `${outDir};${examplesDir}` },
		line,
	});
	const error = runtime.runError(result.run);
	if (error) throw new Error(`workflow failed: ${error.message} ${error.description ?? ''}\n${result.stderr.slice(-2000)}`);
	return result.run;
}

function writtenImages() {
	return readdirSync(outDir)
		.sort()
		.map((name) => ({ name, ...decodeImage(readFileSync(join(outDir, name))) }));
}

describe.each(LINES)('example workflows in a real n8n %s.x', (wanted) => {
	beforeAll(() => {
		line = wanted;
	});

	it('generate-and-save.json: Generate writes a real 2K JPEG through n8n binary data', async () => {
		const run = await run_('generate-and-save.json');
		const [item] = runtime.nodeOutput(run, 'Seedream');
		expect(item.json).toMatchObject({ model: 'doubao-seedream-4-0-250828', size: '2048x2048' });
		expect(item.binary.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `${item.json.task_id}-1.jpg` });
		expect(writtenImages()).toEqual([{ name: `${item.json.task_id}-1.jpg`, width: 2048, height: 2048, format: 'jpeg' }]);
		expect(mock.stats.creates).toBe(1);
	});

	it('edit-binary-reference.json: Edit sends the previous node binary as a data URI', async () => {
		const run = await run_('edit-binary-reference.json');
		const create = mock.requests.find((request) => request.path === '/seedream/images')!;
		const sent = (create.body as { image: string }).image;
		const original = readFileSync(join(examplesDir, 'assets', 'product.png')).toString('base64');
		expect(sent).toBe(`data:image/png;base64,${original}`);
		expect(runtime.nodeOutput(run, 'Seedream')).toHaveLength(1);
		expect(writtenImages()).toEqual([expect.objectContaining({ width: 2048, height: 2048, format: 'jpeg' })]);
	});

	it('image-set.json: an image set comes out as one item and one file per image', async () => {
		const run = await run_('image-set.json');
		const items = runtime.nodeOutput(run, 'Seedream');
		expect(items.map((item: { json: { index: number } }) => item.json.index)).toEqual([0, 1, 2, 3]);
		const images = writtenImages();
		expect(images).toHaveLength(4);
		for (const image of images) expect(image).toMatchObject({ width: 1024, height: 1024 });
	});

	it('async-batch.json: several items are submitted, polled together and come back in order', async () => {
		const run = await run_('async-batch.json');
		const items = runtime.nodeOutput(run, 'Seedream');
		expect(items.map((item: { json: { prompt: string } }) => item.json.prompt)).toEqual([
			'a red bicycle against a blue wall',
			'a bowl of ramen, top-down photo',
			'a snowy cabin at night',
		]);
		expect(items.map((item: { pairedItem: unknown }) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(mock.stats.creates).toBe(3);
		expect(mock.requests.filter((request) => request.path === '/seedream/images').every((request) => (request.body as { async?: boolean }).async === true)).toBe(true);
		expect(mock.stats.taskQueries).toBe(0);
		expect(mock.stats.batchQueries).toBeGreaterThanOrEqual(1);
		expect(mock.stats.batchQueries).toBeLessThanOrEqual(4);
		expect(writtenImages()).toHaveLength(3);
	});

	it('sheet-driven-batch.json: model, size and prompt per row from expressions; each request carries its own', async () => {
		const run = await run_('sheet-driven-batch.json');
		const sent = mock.requests
			.filter((request) => request.path === '/seedream/images')
			.map((request) => request.body as { prompt: string; model: string; size: string; watermark: boolean })
			.sort((a, b) => a.prompt.localeCompare(b.prompt));
		expect(sent.map(({ model, size, watermark }) => ({ model, size, watermark }))).toEqual([
			{ model: 'doubao-seedream-5-0-pro-260628', size: '2560x1440', watermark: false },
			{ model: 'doubao-seedream-4-0-250828', size: '1K', watermark: false },
			{ model: 'doubao-seedream-4-5-251128', size: '4K', watermark: false },
			{ model: 'doubao-seedream-5-0-260128', size: '3K', watermark: false },
		]);
		const items = runtime.nodeOutput(run, 'Seedream');
		expect(items.map((item: { json: { model: string; model_requested?: string } }) => [item.json.model, item.json.model_requested ?? null])).toEqual([
			['doubao-seedream-4-5-251128', 'doubao-seedream-4.5'],
			['doubao-seedream-5-0-pro-260628', null],
			['doubao-seedream-4-0-250828', null],
			['doubao-seedream-5-0-260128', null],
		]);
		const images = writtenImages();
		expect(images.map((image) => `${image.width}x${image.height}`).sort()).toEqual(['1024x1024', '2560x1440', '3072x3072', '4096x4096']);
	});

	it('sheet-driven-batch.json with a row its model refuses: nothing is sent, the error names the row', async () => {
		const workflow = loadExample('sheet-driven-batch.json');
		const rows = workflow.nodes.find((node) => node.name === 'Sheet Rows')!;
		rows.parameters.jsCode = String(rows.parameters.jsCode).replace('"size": "2560x1440"', '"size": "4K"');
		// n8n execute may exit non-zero for a failed run; either way the node's error must be there.
		let failure: string;
		try {
			const result = await runtime.runWorkflow({
				workflow,
				credentials: [{ id: 'seedreamDemoCred1', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
				env: { N8N_RESTRICT_FILE_ACCESS_TO: `${outDir};${examplesDir}` },
				line,
			});
			const error = runtime.runError(result.run);
			failure = `${error?.message} ${error?.description ?? ''}`;
		} catch (error) {
			failure = (error as Error).message;
		}
		expect(failure).toMatch(/"Size" value "4K".*doubao-seedream-5-0-pro-260628/s);
		expect(mock.stats.requests).toBe(0);
	});

	it('submit-then-collect.json: Submit Only, Task → Get Many and Task → Wait for Completion', async () => {
		const run = await run_('submit-then-collect.json');
		const submitted = runtime.nodeOutput(run, 'Submit Jobs');
		expect(submitted.map((item: { json: { status: string } }) => item.json.status)).toEqual(['pending', 'pending', 'pending']);
		const listed = runtime.nodeOutput(run, 'Get Tasks');
		expect(listed.map((item: { json: { task_id: string } }) => item.json.task_id)).toEqual(
			submitted.map((item: { json: { task_id: string } }) => item.json.task_id),
		);
		const waited = runtime.nodeOutput(run, 'Wait for Images');
		expect(waited.map((item: { json: { status: string } }) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(writtenImages()).toHaveLength(3);
		expect(mock.stats.creates).toBe(3);
	});

	it('scheduled-content-pipeline.json: the daily chain (Schedule or Manual trigger) writes a dated file', async () => {
		const run = await run_('scheduled-content-pipeline.json');
		const [item] = runtime.nodeOutput(run, 'Seedream');
		expect(item.json.prompt).toMatch(/^Social media post image for (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day: a cup of coffee/);
		expect(item.binary.data.fileName).toBe(`daily-${item.json.task_id}-1.jpg`);
		// Both triggers feed the same chain; one run starts it once (which one depends on the n8n line).
		const triggers = ['Every Day at 8:00', "When clicking 'Execute workflow'"].filter((name) => name in run.data.resultData.runData);
		expect(triggers).toHaveLength(1);
		expect(runtime.nodeOutput(run, 'Seedream')).toHaveLength(1);
		const [written] = writtenImages();
		expect(written.name).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}-daily-${item.json.task_id}-1\\.jpg$`));
		expect(written).toMatchObject({ width: 2048, height: 2048, format: 'jpeg' });
		expect(mock.stats.creates).toBe(1);
	});

	it('ai-agent-tool.json: a real AI Agent calls the Seedream tool and gets compact JSON back', async () => {
		const toolArguments = { prompt: 'A lighthouse on a cliff at dusk, autumn colours, poster', size: '2K' };
		const chat = await startFakeChatModel(toolArguments);
		try {
			const run = await run_('ai-agent-tool.json', [
				{ id: 'openAiDemoCred1', name: 'OpenAI account', type: 'openAiApi', data: { apiKey: 'sk-test', url: chat.url } },
			]);
			// The model was offered the tool with the $fromAI() parameters as its arguments.
			const offered = chat.requests[0].body.tools ?? [];
			expect(offered).toHaveLength(1);
			expect(Object.keys(offered[0].function.parameters?.properties ?? {}).sort()).toEqual(['prompt', 'size']);
			expect(offered[0].function.description).toMatch(/returns JSON with the image URL/);
			// The arguments reached the Seedream API.
			const create = mock.requests.find((request) => request.path === '/seedream/images')!;
			expect(create.body).toMatchObject({ model: 'doubao-seedream-4-0-250828', ...toolArguments });
			expect(mock.stats.creates).toBe(1);
			// What the agent received from the tool: compact JSON with the URL, no base64.
			const toolMessage = chat.requests
				.flatMap((request) => request.body.messages ?? [])
				.find((message) => message.role === 'tool');
			const toolText = typeof toolMessage?.content === 'string' ? toolMessage.content : JSON.stringify(toolMessage?.content);
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
			// The tool node's own output in the run keeps the image as binary data next to that JSON.
			const [toolItem] = run.data.resultData.runData['Seedream Tool'][0].data.ai_tool[0];
			expect(toolItem.json).toEqual(answer[0]);
			expect(toolItem.binary.data_0).toMatchObject({ mimeType: 'image/jpeg', fileName: `${answer[0].task_id}-1.jpg` });
			const [agentItem] = runtime.nodeOutput(run, 'AI Agent');
			expect(agentItem.json.output).toContain(answer[0].images[0].url);
		} finally {
			await chat.close();
		}
	});
});

const run_ = run;
