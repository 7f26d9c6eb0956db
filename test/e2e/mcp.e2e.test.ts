/**
 * The Seedream tools through n8n's MCP Server Trigger to an external MCP client: the shipped
 * examples/mcp-server.json, published in a real `n8n start` (2.x and 1.x) with this package
 * installed from its npm tarball, and the official MCP TypeScript SDK client connecting to the
 * trigger's production URL with the bearer token, as Claude Desktop or Cursor would. One n8n per
 * line serves every test. Model and size expectations come from the contract (mock/contract.ts).
 * Needs `npm run build` first (as the other e2e tests).
 */
import { startMockServer, type MockServer } from '../../mock/server';
import {
	BASE64_RUN,
	callTool,
	connectClient,
	CURRENT_MODELS,
	declaredDescription,
	expectContractModels,
	MAX_IMAGES,
	mcpCredentials,
	mcpWorkflow,
	MCP_TOKEN,
	MODES_PATH,
	modeRefusalWorkflow,
	SET_MODELS,
	type Workflow,
} from '../helpers/mcp';
import { claimExamples } from './exampleClaims';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');

/** The example this file runs (the examples suite checks every example is claimed once). */
const { exampleTest } = claimExamples(['mcp-server.json']);

/** n8n lines to run in: SEEDREAM_N8N_LINES=2 runs only 2.x. */
const LINES = (process.env.SEEDREAM_N8N_LINES ?? '2,1')
	.split(',')
	.map((line) => line.trim())
	.filter(Boolean);

const log = (text: string) => process.stdout.write(`${text}\n`);
type Client = Awaited<ReturnType<typeof connectClient>>;

let mock: MockServer;

beforeAll(async () => {
	mock = await startMockServer({ generationDelayMs: 100, taskDurationMs: 600 });
});

afterAll(async () => {
	await mock?.close();
});

beforeEach(() => mock.reset());

describe.each(LINES)('MCP Server Trigger in n8n %s.x', (line) => {
	let server: { url: string; output: () => string; stop: () => Promise<void> } | undefined;
	let workflow: Workflow;
	let client: Client;

	beforeAll(async () => {
		const started = Date.now();
		workflow = mcpWorkflow();
		({ server } = await runtime.startServerWithWorkflows({ workflows: [workflow, modeRefusalWorkflow()], credentials: mcpCredentials(mock.url), line, log }));
		client = await connectClient(server!.url);
		log(`n8n ${line}.x with the MCP workflow ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}, 600_000);

	afterAll(async () => {
		await client?.close();
		await server?.stop();
	});

	exampleTest('mcp-server.json', 'lists the tools with the descriptions and JSON schemas the workflow declares, naming the valid models and sizes', async () => {
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(['Collect_Images', 'Generate_Image', 'Submit_Image_Job']);
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		const declared = (node: string, key: string) => declaredDescription(workflow, node, key);
		const toolDescription = (node: string) => workflow.nodes.find((entry) => entry.name === node)!.parameters.toolDescription;

		for (const [name, node] of [['Generate_Image', 'Generate Image'], ['Submit_Image_Job', 'Submit Image Job']]) {
			const tool = byName[name];
			expect(tool.description).toBe(toolDescription(node));
			expectContractModels(tool.description!, { sizes: true });
			expect(tool.inputSchema).toEqual({
				type: 'object',
				properties: {
					model: { type: 'string', description: declared(node, 'model'), default: 'doubao-seedream-5-0-lite-260128' },
					prompt: { type: 'string', description: declared(node, 'prompt') },
					size: { type: 'string', description: declared(node, 'size'), default: '2K' },
					max_images: { type: 'number', description: declared(node, 'max_images'), default: 1 },
				},
				required: ['prompt'],
				// The JSON Schema dialect and this flag are n8n's serializer's (2.x: draft 2020-12, open).
				additionalProperties: expect.any(Boolean),
				$schema: expect.stringMatching(/^https?:\/\/json-schema\.org\//),
			});
			const { properties } = tool.inputSchema as { properties: Record<string, { description: string }> };
			expectContractModels(properties.model.description, { sizes: false });
			expectContractModels(properties.size.description, { sizes: true, aliases: false });
			expect(properties.max_images.description).toContain(`2 to ${MAX_IMAGES} for a set of related images`);
			expect(properties.max_images.description).toContain(`Sets work with ${SET_MODELS.join(', ')} only`);
		}
		expect(byName.Generate_Image.description).toMatch(/^Creates images .* returns JSON with the image URLs: \{status, task_id, model, image_count, images: \[\{url, size\}\]\}, never image data\./);
		expect(byName.Submit_Image_Job.description).toMatch(/answers at once with JSON \{status: pending, task_id, model\}; pass the task_id to the Seedream task tool/);

		const collect = byName.Collect_Images;
		expect(collect.description).toBe(toolDescription('Collect Images'));
		expect(collect.inputSchema).toEqual({
			type: 'object',
			properties: { task_ids: { type: 'string', description: declared('Collect Images', 'task_ids') } },
			required: ['task_ids'],
			additionalProperties: expect.any(Boolean),
			$schema: expect.stringMatching(/^https?:\/\/json-schema\.org\//),
		});
	});

	exampleTest('mcp-server.json', 'also serves the SSE transport (older clients) with the same tools', async () => {
		const sse = await connectClient(server!.url, 'sse');
		try {
			const { tools } = await sse.listTools();
			expect(tools.map((tool) => tool.name).sort()).toEqual(['Collect_Images', 'Generate_Image', 'Submit_Image_Job']);
		} finally {
			await sse.close();
		}
	});

	exampleTest('mcp-server.json', 'Generate with an alias model and a size answers with the image URL, size, model id, task id and status, no base64, after exactly one create', async () => {
		const prompt = 'A lighthouse on a cliff at dusk, autumn colours';
		const answer = await callTool(client, 'Generate_Image', { prompt, model: 'doubao-seedream-4.0', size: '1K' });
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
		const create = mock.requests.find((request) => request.path === '/seedream/images')!;
		expect(create.body).toMatchObject({ model: 'doubao-seedream-4-0-250828', prompt, size: '1K' });
		// The URL works: it is the image the mock made.
		const image = await fetch(JSON.parse(answer.text)[0].images[0].url);
		expect(image.headers.get('content-type')).toBe('image/jpeg');
	});

	exampleTest('mcp-server.json', 'a size the model refuses is a tool error naming the valid sizes, and nothing is sent', async () => {
		const pro = CURRENT_MODELS.find((model) => model.id === 'doubao-seedream-5-0-pro-260628')!;
		const refused = ['1K', '1.5K', '2K', '3K', '4K'].find((preset) => !(pro.presets as string[]).includes(preset))!;
		const answer = await callTool(client, 'Generate_Image', { prompt: 'A red fox', model: pro.aliases[0], size: refused });
		expect(answer.isError).toBe(true);
		expect(answer.text).toContain(`"Size" value "${refused}" is not valid for ${pro.id}`);
		expect(answer.text).toContain(`presets: ${pro.presets.join(', ')}`);
		expect(mock.stats.requests).toBe(0);
	});

	exampleTest('mcp-server.json', 'an unknown model is a tool error listing the models, and nothing is sent', async () => {
		const answer = await callTool(client, 'Generate_Image', { prompt: 'A red fox', model: 'dall-e-3', size: '2K' });
		expect(answer.isError).toBe(true);
		expect(answer.text).toContain('Unknown Seedream model "dall-e-3"');
		expectContractModels(answer.text, { sizes: false });
		expect(mock.stats.requests).toBe(0);
	});

	it('a tool stored in the callback pause mode (a workflow of the test, not the example) is refused before any request, naming the modes to use instead', async () => {
		const modes = await connectClient(server!.url, 'streamable', MCP_TOKEN, MODES_PATH);
		const answer = await callTool(modes, 'Generate_By_Callback', { prompt: 'A red fox', model: 'doubao-seedream-4.0', size: '1K' }).finally(async () => await modes.close());
		expect(answer.isError).toBe(true);
		expect(answer.text).toContain('Mode callbackWait does not work in a tool call');
		expect(answer.text).toMatch(/"Wait for Result \(One Call\)" \(sync\).*"Submit Only" \(submitOnly\)/s);
		expect(mock.stats.requests).toBe(0);
	});

	exampleTest('mcp-server.json', 'Submit Only answers with a task id at once; Collect Images turns it into the image URL (Seedream 5.0 Pro, Max Images 1)', async () => {
		const submitted = await callTool(client, 'Submit_Image_Job', { prompt: 'A red fox in fresh snow', model: 'doubao-seedream-5.0-pro', size: '1K', max_images: 1 });
		expect(submitted.isError).toBe(false);
		const [pending] = JSON.parse(submitted.text);
		expect(pending).toEqual({ status: 'pending', task_id: expect.any(String), model: 'doubao-seedream-5-0-pro-260628', next: expect.stringContaining('task_id') });
		expect(mock.stats.creates).toBe(1);
		expect(mock.tasks.get(pending.task_id)).toBeDefined();
		// Max Images 1 is one image: no image-set fields, which Pro would refuse.
		const create = mock.requests.find((request) => request.path === '/seedream/images')!;
		expect(create.body).toMatchObject({ model: 'doubao-seedream-5-0-pro-260628', size: '1K', async: true });
		expect(create.body).not.toHaveProperty('sequential_image_generation');

		const collected = await callTool(client, 'Collect_Images', { task_ids: pending.task_id });
		expect(collected.isError).toBe(false);
		expect(JSON.parse(collected.text)).toEqual([
			{
				status: 'succeeded',
				task_id: pending.task_id,
				model: 'doubao-seedream-5-0-pro-260628',
				image_count: 1,
				images: [{ url: expect.stringMatching(new RegExp(`^${mock.url}/`)), size: '1024x1024', index: 0 }],
			},
		]);
		expect(mock.stats.creates).toBe(1);
	});

	exampleTest('mcp-server.json', 'refuses a client without the bearer token', async () => {
		await expect(connectClient(server!.url, 'streamable', 'wrong-token')).rejects.toThrow(/403|401|Authorization/i);
	});
});
