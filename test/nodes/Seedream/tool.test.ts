/**
 * The Seedream node as an AI agent tool. n8n registers a `usableAsTool` node a second time as
 * `<name>Tool` (n8n's tool-generation `convertNodeToAiTool`): the same class, a copied
 * description with `usableAsTool.replacements` applied, `Tool` appended to the name, no inputs
 * and an ai_tool output. The tool type below is built the same way, and the node then runs in
 * n8n-core's real ExecuteContext with node.type `n8n-nodes-seedream.seedreamTool`, the agent's
 * arguments as the input item (where `$fromAI()` reads them), as n8n 2.x runs a tool call.
 */
import type { IDataObject, INodeExecutionData, INodeParameters, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { deepCopy, NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SeedreamApi } from '../../../credentials/SeedreamApi.credentials';
import { decodeImage } from '../../../mock/images';
import { startMockServer, type MockServer } from '../../../mock/server';
import { Seedream } from '../../../nodes/Seedream/Seedream.node';
import { cleanupBinaryStorage, runNode } from '../../helpers/n8n';

function toolVariant(node: INodeType): INodeType {
	const base = node.description;
	const replacements = typeof base.usableAsTool === 'object' ? (base.usableAsTool.replacements ?? {}) : {};
	const description = { ...deepCopy(base), ...replacements } as INodeTypeDescription;
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	return { description, execute: node.execute };
}

const seedream = new Seedream();
const seedreamTool = toolVariant(seedream);

let mock: MockServer;
beforeAll(async () => {
	mock = await startMockServer({});
});
afterEach(() => mock.reset());
afterAll(async () => {
	await mock.close();
	cleanupBinaryStorage();
});

const fromAi = (key: string, description: string) => `={{ $fromAI('${key}', '${description}', 'string') }}`;

/** What the agent fills in: prompt and size come from the model's tool call. */
const toolParameters = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model: 'doubao-seedream-4-0-250828',
	prompt: fromAi('prompt', 'What the image shows'),
	size: fromAi('size', 'Preset such as 2K'),
	...extra,
});

async function callTool(parameters: INodeParameters, args: IDataObject[] = [{ prompt: 'A red fox in fresh snow', size: '1K' }], hiddenParameters?: INodeParameters) {
	return await runNode({
		nodeType: seedreamTool,
		credentialTypes: [new SeedreamApi()],
		credentials: { seedreamApi: { apiToken: 'test-token', baseUrl: mock.url } },
		parameters,
		inputItems: args.map((json) => ({ json })),
		hiddenParameters,
	});
}

/** The string an agent receives, as n8n-core's tool invocation builds it. */
const agentSees = (items: INodeExecutionData[]) => JSON.stringify(items.flatMap((item) => item.json));

describe('Seedream as an AI agent tool', () => {
	it('is registered as n8n-nodes-seedream.seedreamTool with a description written for a model', () => {
		expect(seedreamTool.description.name).toBe('seedreamTool');
		expect(seedreamTool.description.description).toMatch(/returns JSON with each image URL/);
		const prompt = seedream.description.properties.find((property) => property.name === 'prompt')!;
		expect(prompt.description).toMatch(/aspect ratio/);
		const sizes = seedream.description.properties.filter((property) => property.name === 'size');
		for (const size of sizes) expect(size.description).toMatch(/2K|auto|WIDTHxHEIGHT/);
	});

	it('offers only the waiting modes in the tool variant, every mode in a workflow', () => {
		const visibleModes = (description: INodeTypeDescription) => {
			const parameters = { resource: 'image', operation: 'generate' };
			const node = { id: 'n', name: 'Seedream', type: `n8n-nodes-seedream.${description.name}`, typeVersion: 1, position: [0, 0] as [number, number], parameters };
			const shown = description.properties.filter(
				(property: INodeProperties) => property.name === 'mode' && NodeHelpers.displayParameter(parameters, property, node, description),
			);
			expect(shown).toHaveLength(1);
			return (shown[0].options ?? []).map((option) => (option as { value: string }).value).sort();
		};
		expect(visibleModes(seedreamTool.description)).toEqual(['pollUntilDone', 'sync']);
		expect(visibleModes(seedream.description)).toEqual(['callbackUrl', 'callbackWait', 'pollUntilDone', 'submitOnly', 'sync']);
	});

	it('waits for the image and answers with compact JSON (URL, size, task id, model), binary kept', async () => {
		const result = await callTool(toolParameters());
		expect(result.error).toBeUndefined();
		const [items] = result.items;
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toEqual({
			status: 'succeeded',
			task_id: expect.any(String),
			model: 'doubao-seedream-4-0-250828',
			image_count: 1,
			images: [{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), size: '1024x1024', index: 0 }],
		});
		// $fromAI() values reached the API.
		expect(mock.requests.find((request) => request.path === '/seedream/images')!.body).toMatchObject({ prompt: 'A red fox in fresh snow', size: '1K' });
		// The image stays available as binary data for anything that reads the run.
		const binary = item.binary!.data_0;
		expect(decodeImage(await result.readBinary(binary))).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
		expect(agentSees(items).length).toBeLessThan(400);
	});

	it('never puts base64 in the JSON, even when the API answers in base64', async () => {
		const result = await callTool(toolParameters({ options: { responseFormat: 'b64_json' } }));
		expect(result.error).toBeUndefined();
		const [item] = result.items[0];
		const text = agentSees(result.items[0]);
		expect(text).not.toMatch(/[A-Za-z0-9+/]{200,}/);
		expect(text.length).toBeLessThan(600);
		expect(item.json.images).toEqual([{ url: null, size: '1024x1024', index: 0 }]);
		expect(item.json.note).toMatch(/binary/);
		expect(decodeImage(await result.readBinary(item.binary!.data_0)).width).toBe(1024);
	});

	it('lists every image of a set on one answer', async () => {
		const result = await callTool(toolParameters({ options: { maxImages: 3 } }), [{ prompt: 'Three frames of a comic strip', size: '1K' }]);
		expect(result.error).toBeUndefined();
		const [items] = result.items;
		expect(items).toHaveLength(1);
		expect(items[0].json.image_count).toBe(3);
		expect((items[0].json.images as IDataObject[]).map((image) => image.index)).toEqual([0, 1, 2]);
		expect(Object.keys(items[0].binary ?? {}).sort()).toEqual(['data_0', 'data_1', 'data_2']);
	});

	it.each([
		['submitOnly', 'submit only'],
		['callbackUrl', 'callback URL'],
		['callbackWait', 'callback pause'],
	])('refuses a stored %s mode before anything is paid (the tool variant hides it)', async (mode, label) => {
		const result = await callTool(toolParameters({ options: { callbackUrl: 'https://example.com/hook' } }), undefined, { mode });
		expect(result.error?.message).toBe(`The ${label} mode does not work as an AI tool`);
		expect(result.error?.description).toMatch(/Wait for Result/);
		expect(result.waitTill).toBeUndefined();
		expect(mock.stats.creates).toBe(0);
	});

	it('in poll mode submits, polls and still answers with the finished images', async () => {
		mock.setOptions({ taskDurationMs: 200 });
		const result = await callTool(toolParameters({ mode: 'pollUntilDone' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json).toMatchObject({ status: 'succeeded', images: [{ url: expect.any(String), size: '1024x1024' }] });
		expect(mock.requests.find((request) => request.path === '/seedream/images')!.body).toMatchObject({ async: true });
	});

	it('throws an error whose message and description tell the agent what to change', async () => {
		const result = await callTool(toolParameters(), [{ prompt: 'A red fox', size: '9K' }]);
		expect(result.error).toBeDefined();
		expect(`${result.error!.message} ${result.error!.description ?? ''}`).toMatch(/1K|2K|4K/);
		expect(mock.stats.creates).toBe(0);
	});

	it('keeps base64 out of Task → Get answers too (data URI references, b64_json results)', async () => {
		const png = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'assets', 'product.png')).toString('base64');
		const submitted = await runNode({
			nodeType: seedream,
			credentialTypes: [new SeedreamApi()],
			credentials: { seedreamApi: { apiToken: 'test-token', baseUrl: mock.url } },
			parameters: {
				resource: 'image',
				operation: 'edit',
				mode: 'submitOnly',
				model: 'doubao-seedream-4-0-250828',
				prompt: 'Put the product on a beach',
				referenceBinaryProperties: '',
				referenceUrls: `data:image/png;base64,${png}`,
				size: '1K',
				options: { responseFormat: 'b64_json' },
			},
		});
		expect(submitted.error).toBeUndefined();
		const taskId = submitted.items[0][0].json.task_id as string;
		const regular = await runNode({
			nodeType: seedream,
			credentialTypes: [new SeedreamApi()],
			credentials: { seedreamApi: { apiToken: 'test-token', baseUrl: mock.url } },
			parameters: { resource: 'task', operation: 'get', taskId },
		});
		// Without the guard the lookup would hand the agent the base64 it stores.
		expect(JSON.stringify(regular.items[0][0].json)).toMatch(/[A-Za-z0-9+/]{500,}/);
		const result = await callTool({ resource: 'task', operation: 'get', taskId: fromAi('task_id', 'Task ID') }, [{ task_id: taskId }]);
		expect(result.error).toBeUndefined();
		const text = agentSees(result.items[0]);
		expect(text).not.toMatch(/[A-Za-z0-9+/]{200,}/);
		expect(text).toContain('inline image data omitted');
		expect(result.items[0][0].json).toMatchObject({ task_id: taskId, status: 'succeeded' });
	});

	it('leaves the regular node output unchanged (one item per image, no URL by default)', async () => {
		const result = await runNode({
			nodeType: seedream,
			credentialTypes: [new SeedreamApi()],
			credentials: { seedreamApi: { apiToken: 'test-token', baseUrl: mock.url } },
			parameters: { ...toolParameters(), prompt: 'A red fox', size: '1K' },
		});
		const [item] = result.items[0];
		expect(item.json).toMatchObject({ prompt: 'A red fox', size: '1024x1024', index: 0 });
		expect(item.json).not.toHaveProperty('image_url');
		expect(item.binary?.data).toBeDefined();
	});
});
