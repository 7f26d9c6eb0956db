/**
 * The Seedream tools through n8n's MCP Server Trigger in queue mode (n8n 2.41.1): the shipped
 * examples/mcp-server.json on a small cluster (Postgres, Redis, one main, one webhook processor
 * behind the balancer WEBHOOK_URL points at, one worker), once per binary data mode
 * (SEEDREAM_SCALE_BINARY_MODES). The MCP SDK client talks to the webhook processor; each tool
 * call becomes an execution that a worker runs while the call is held open, and the worker's
 * answer comes back to the client. Model and size expectations come from the contract.
 */
import { startMockServer, type MockServer } from '../../mock/server';
import { BASE64_RUN, callTool, connectClient, mcpCredentials, mcpWorkflow, type Workflow } from '../helpers/mcp';
import { waitFor } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('../../scripts/n8n/cluster.cjs');

const MODES = (process.env.SEEDREAM_SCALE_BINARY_MODES ?? 'database,filesystem').split(',').filter(Boolean);
const log = (text: string) => process.stdout.write(`${text}\n`);

type Proc = { name: string; output: () => string };
type Cluster = { url: string; pg: { psql: (sql: string) => string }; balancer: { url: string; routed: Array<{ path: string; target: string; status: number }> }; workers: Proc[]; webhookProcessors: Proc[]; processes: Proc[]; stop: () => Promise<void> };
type Execution = { id: number; workflowId: string; status: string; finished: boolean; mode: string };
type Client = Awaited<ReturnType<typeof connectClient>>;

let services: unknown;

beforeAll(() => {
	services = cluster.ensureQueueServices({ log });
});

describe.each(MODES)('MCP Server Trigger in n8n 2.41.1 queue mode, binary data mode "%s"', (binaryMode) => {
	let mock: MockServer;
	let c: Cluster;
	let workflow: Workflow;
	let client: Client;

	const executions = (): Execution[] => cluster.executions(c, workflow.id);
	const context = () => c.processes.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n');
	/** The tool calls' executions, each run by the worker to its end. */
	const ranOnWorker = async (count: number) => {
		const rows = await waitFor(`${count} finished MCP executions`, () => {
			const done = executions().filter((row) => !['new', 'running', 'waiting'].includes(row.status));
			return done.length >= count ? done : undefined;
		}, 60_000, context);
		for (const row of rows) expect(c.workers[0].output()).toContain(`Worker started execution ${row.id} `);
		return rows;
	};

	beforeAll(async () => {
		const started = Date.now();
		mock = await startMockServer({ generationDelayMs: 100, taskDurationMs: 600 });
		c = await cluster.startCluster({ services, binaryMode, log, webhooks: 1, workers: 1, credentials: mcpCredentials(mock.url) });
		[workflow] = await cluster.createWorkflows(c, [mcpWorkflow()]);
		// 2.x registers an activated workflow's webhooks shortly after activation answers.
		await waitFor('the MCP Server Trigger webhooks (GET, POST, DELETE)', () => {
			const rows = c.pg.psql(`SELECT method FROM webhook_entity WHERE "workflowId" = '${workflow.id}'`).split('\n').filter(Boolean);
			return rows.length >= 3 ? rows : undefined;
		}, 60_000, context);
		client = await connectClient(c.balancer.url);
		log(`queue cluster (${binaryMode}) with the MCP workflow ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}, 600_000);

	afterAll(async () => {
		await client?.close();
		await c?.stop();
		await mock?.close();
	});

	beforeEach(() => mock.reset());

	it('lists the tools through the webhook processor', async () => {
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(['Collect_Images', 'Generate_Image', 'Submit_Image_Job']);
		const generate = tools.find((tool) => tool.name === 'Generate_Image')!;
		expect(Object.keys((generate.inputSchema as { properties: object }).properties).sort()).toEqual(['max_images', 'model', 'prompt', 'size']);
		expect(c.balancer.routed.every((route) => route.target === 'webhook-1')).toBe(true);
	});

	it('Generate is held open while the worker runs the tool, and answers with the compact result after one create', async () => {
		const before = executions().length;
		const answer = await callTool(client, 'Generate_Image', { prompt: 'A lighthouse at dusk', model: 'doubao-seedream-4.0', size: '1K' });
		expect(answer.isError).toBe(false);
		expect(answer.text).not.toMatch(BASE64_RUN);
		expect(JSON.parse(answer.text)).toEqual([
			{
				status: 'succeeded',
				task_id: expect.any(String),
				model: 'doubao-seedream-4-0-250828',
				image_count: 1,
				images: [{ url: expect.stringMatching(new RegExp(`^${mock.url}/`)), size: '1024x1024', index: 0 }],
			},
		]);
		expect(mock.stats.creates).toBe(1);
		const rows = await ranOnWorker(before + 1);
		expect(rows.at(-1)).toMatchObject({ status: 'success', mode: 'webhook' });
	});

	it('bad input is a tool error from the worker, and nothing is sent', async () => {
		const answer = await callTool(client, 'Generate_Image', { prompt: 'A red fox', model: 'doubao-seedream-5.0-pro', size: '4K' });
		expect(answer.isError).toBe(true);
		// n8n's queue mode passes the error's message only: it names the valid sizes too.
		expect(answer.text).toMatch(/Size\\?" value \\?"4K\\?" is not valid for doubao-seedream-5-0-pro-260628\. .*presets: 1K, 1\.5K, 2K/);
		expect(mock.stats.requests).toBe(0);
	});

	it('Submit Only answers with a task id; Collect Images (another worker run) turns it into the image URL', async () => {
		const submitted = await callTool(client, 'Submit_Image_Job', { prompt: 'A red fox in fresh snow', model: 'doubao-seedream-4-0-250828', size: '1K' });
		expect(submitted.isError).toBe(false);
		const [pending] = JSON.parse(submitted.text);
		expect(pending).toMatchObject({ status: 'pending', task_id: expect.any(String) });
		const collected = await callTool(client, 'Collect_Images', { task_ids: pending.task_id });
		expect(collected.isError).toBe(false);
		expect(JSON.parse(collected.text)).toEqual([
			{
				status: 'succeeded',
				task_id: pending.task_id,
				model: 'doubao-seedream-4-0-250828',
				image_count: 1,
				images: [{ url: expect.stringMatching(new RegExp(`^${mock.url}/`)), size: '1024x1024', index: 0 }],
			},
		]);
		expect(mock.stats.creates).toBe(1);
	});
});
