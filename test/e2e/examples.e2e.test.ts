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

async function run(file: string) {
	const result = await runtime.runWorkflow({
		workflow: loadExample(file),
		credentials: [{ id: 'seedreamDemoCred1', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
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
		expect(mock.stats.createRequests).toBe(1);
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
		expect(mock.stats.createRequests).toBe(3);
		expect(mock.requests.filter((request) => request.path === '/seedream/images').every((request) => (request.body as { async?: boolean }).async === true)).toBe(true);
		expect(mock.stats.taskQueries).toBe(0);
		expect(mock.stats.batchQueries).toBeGreaterThanOrEqual(1);
		expect(mock.stats.batchQueries).toBeLessThanOrEqual(4);
		expect(writtenImages()).toHaveLength(3);
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
		expect(mock.stats.createRequests).toBe(3);
	});
});

const run_ = run;
