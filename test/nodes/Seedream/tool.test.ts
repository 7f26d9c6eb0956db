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
import { CONTRACT_LIMITS, CONTRACT_MODELS } from '../../../mock/contract';
import { decodeImage } from '../../../mock/images';
import { startMockServer, type MockServer } from '../../../mock/server';
import { taskToolDescription, toolArgumentDescriptions, toolDescription } from '../../../nodes/Seedream/descriptions/tool.description';
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
		expect(seedreamTool.description.description).toBe(toolDescription());
		expect(seedreamTool.description.description).toMatch(/returns JSON with the image URLs/);
		const prompt = seedream.description.properties.find((property) => property.name === 'prompt')!;
		expect(prompt.description).toMatch(/aspect ratio/);
		const sizes = seedream.description.properties.filter((property) => property.name === 'size');
		for (const size of sizes) expect(size.description).toMatch(/2K|auto|WIDTHxHEIGHT/);
	});

	it('names every current model of the contract with its ids, aliases, presets and pixel range in the texts an agent reads', () => {
		const current = CONTRACT_MODELS.filter((model) => !model.retired);
		const args = toolArgumentDescriptions();
		for (const text of [toolDescription(), toolDescription({ submitOnly: true }), args.model, args.size]) {
			for (const model of current) {
				expect(text).toContain(model.id);
				if (text === args.size) continue;
				for (const name of [...model.olderIds, ...model.aliases]) expect(text).toContain(name);
			}
		}
		for (const text of [toolDescription(), args.size]) {
			for (const model of current) {
				const part = text.split(';').find((segment) => segment.includes(model.id))!;
				expect(part).toMatch(new RegExp(`: (sizes )?${model.presets.join(', ')} or WIDTHxHEIGHT with ${model.pixels!.min.toLocaleString('en-US')} to ${model.pixels!.max.toLocaleString('en-US')} pixels`));
			}
		}
		// A tool with a fixed model names only that model's sizes.
		expect(toolArgumentDescriptions('doubao-seedream-4.0').size).toMatch(/^Resolution; valid values for the model: doubao-seedream-4-0-250828: 1K, 2K, 4K or WIDTHxHEIGHT with 921,600 to 16,777,216 pixels\. /);
		expect(args.max_images).toContain(`2 to ${CONTRACT_LIMITS.maxImagesPerSet} for a set`);
		expect(args.max_images).toContain(current.filter((model) => model.fields.includes('sequential_image_generation')).map((model) => model.id).join(', '));
		// The texts go inside single-quoted $fromAI() calls.
		for (const text of Object.values(args)) expect(text).not.toMatch(/['`\\]/);
	});

	it.each(['ai-agent-tool.json', 'mcp-server.json'])('%s uses the generated tool and argument descriptions (they cannot drift from the table)', (file) => {
		const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8')) as { nodes: Array<{ type: string; parameters: INodeParameters }>; settings: IDataObject };
		expect(workflow.settings).toMatchObject({ executionOrder: 'v1' });
		const tools = workflow.nodes.filter((node) => node.type === 'n8n-nodes-seedream.seedreamTool');
		expect(tools.length).toBeGreaterThan(0);
		for (const { parameters } of tools) {
			const fixedModel = typeof parameters.model === 'string' && !parameters.model.startsWith('=') ? parameters.model : undefined;
			const expected = parameters.resource === 'task' ? taskToolDescription() : toolDescription({ model: fixedModel, submitOnly: parameters.mode === 'submitOnly' });
			expect(parameters).toMatchObject({ descriptionType: 'manual', toolDescription: expected });
			const args = toolArgumentDescriptions(fixedModel);
			const calls = [...JSON.stringify(parameters).matchAll(/\$fromAI\('([\w-]+)', '([^']*)'/g)];
			expect(calls.length).toBeGreaterThan(0);
			for (const [, key, description] of calls) expect(description).toBe(args[key as keyof typeof args]);
		}
	});

	it('offers the modes that answer a tool call in the tool variant (no callback modes), every mode in a workflow', () => {
		const visibleModes = (description: INodeTypeDescription) => {
			const parameters = { resource: 'image', operation: 'generate' };
			const node = { id: 'n', name: 'Seedream', type: `n8n-nodes-seedream.${description.name}`, typeVersion: 1, position: [0, 0] as [number, number], parameters };
			const shown = description.properties.filter(
				(property: INodeProperties) => property.name === 'mode' && NodeHelpers.displayParameter(parameters, property, node, description),
			);
			expect(shown).toHaveLength(1);
			return (shown[0].options ?? []).map((option) => (option as { value: string }).value).sort();
		};
		expect(visibleModes(seedreamTool.description)).toEqual(['pollUntilDone', 'submitOnly', 'sync']);
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
		['callbackUrl', /another workflow/],
		['callbackWait', /paused tool call never answers/],
	])('refuses a stored %s mode before anything is paid, naming the modes to use (the tool variant hides it)', async (mode, why) => {
		const result = await callTool(toolParameters({ options: { callbackUrl: 'https://example.com/hook' } }), undefined, { mode });
		expect(result.error?.message).toMatch(new RegExp(`^Mode ${mode} does not work in a tool call\\. `));
		expect(result.error?.message).toMatch(why);
		expect(result.error?.description).toMatch(/"Wait for Result \(One Call\)" \(sync\).*"Submit Only" \(submitOnly\).*Task → Wait for Completion/);
		expect(result.waitTill).toBeUndefined();
		expect(mock.stats.requests).toBe(0);
	});

	it('in Submit Only answers with the task id at once, which the Task tool (Wait for Completion) turns into images', async () => {
		mock.setOptions({ taskDurationMs: 300 });
		const submitted = await callTool(toolParameters(), undefined, { mode: 'submitOnly' });
		expect(submitted.error).toBeUndefined();
		const [pending] = submitted.items[0];
		expect(pending.json).toEqual({
			status: 'pending',
			task_id: expect.any(String),
			model: 'doubao-seedream-4-0-250828',
			next: expect.stringMatching(/task_id.*Seedream task tool \(Wait for Completion\)/),
		});
		expect(mock.stats.creates).toBe(1);
		const taskId = pending.json.task_id as string;
		const collected = await callTool(
			{ resource: 'task', operation: 'waitForCompletion', taskIds: fromAi('task_ids', 'Task IDs') },
			[{ task_ids: taskId }],
		);
		expect(collected.error).toBeUndefined();
		const [item] = collected.items[0];
		expect(item.json).toEqual({
			status: 'succeeded',
			task_id: taskId,
			model: 'doubao-seedream-4-0-250828',
			image_count: 1,
			images: [{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), size: '1024x1024', index: 0 }],
		});
		expect(mock.stats.creates).toBe(1);
	});

	it('answers a task that failed at the API with its reason and task id (Task tool and Wait for Result)', async () => {
		mock.setOptions({ generationFailure: { code: 'content_policy', message: 'The prompt was refused by the content filter' } });
		const submitted = await callTool(toolParameters(), undefined, { mode: 'submitOnly' });
		const taskId = submitted.items[0][0].json.task_id as string;
		const looked = await callTool({ resource: 'task', operation: 'waitForCompletion', taskIds: fromAi('task_ids', 'Task IDs') }, [{ task_ids: taskId }]);
		expect(looked.error).toBeUndefined();
		expect(looked.items[0][0].json).toEqual({
			status: 'failed',
			task_id: taskId,
			model: 'doubao-seedream-4-0-250828',
			error: 'The prompt was refused by the content filter',
		});
		const polled = await callTool(toolParameters({ mode: 'pollUntilDone' }));
		expect(polled.error?.message).toMatch(/The prompt was refused by the content filter\. Task id: [\w-]+\./);
		expect(polled.error?.description).toMatch(/^Task id: [\w-]+\./);
	});

	it('refuses a model id the table does not know before anything is sent, listing the valid ids and aliases', async () => {
		const result = await callTool(toolParameters({ model: fromAi('model', 'Model') }), [{ prompt: 'A red fox', size: '2K', model: 'dall-e-3' }]);
		// The message itself lists them: n8n's queue mode passes a tool error's message only.
		expect(result.error?.message).toMatch(/^Unknown Seedream model "dall-e-3"\. Use one of: .*Nothing was sent\.$/);
		for (const model of CONTRACT_MODELS.filter((entry) => !entry.retired)) {
			expect(result.error?.message).toContain(model.id);
			for (const alias of model.aliases) expect(result.error?.message).toContain(alias);
		}
		expect(mock.stats.requests).toBe(0);
	});

	it('maps a model alias the agent gives to its id', async () => {
		const result = await callTool(toolParameters({ model: fromAi('model', 'Model') }), [{ prompt: 'A red fox', size: '1K', model: 'doubao-seedream-4.0' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json.model).toBe('doubao-seedream-4-0-250828');
		expect(mock.requests.find((request) => request.path === '/seedream/images')!.body).toMatchObject({ model: 'doubao-seedream-4-0-250828', size: '1K' });
	});

	it('takes Max Images 1 as one image, so it works with a model that makes no sets', async () => {
		const result = await callTool(
			// As examples/mcp-server.json has it: Model and Max Images both from the agent.
			toolParameters({ model: fromAi('model', 'Model'), options: { maxImages: '={{ $fromAI("max_images", "How many", "number") }}' } }),
			[{ prompt: 'A red fox', size: '1K', model: 'doubao-seedream-5-0-pro-260628', max_images: 1 }],
		);
		expect(result.error).toBeUndefined();
		const body = mock.requests.find((request) => request.path === '/seedream/images')!.body;
		expect(body).not.toHaveProperty('sequential_image_generation');
		expect(result.items[0][0].json.image_count).toBe(1);
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
		expect(result.items[0][0].json).toMatchObject({ task_id: taskId, status: 'succeeded', images: [{ url: null }], note: expect.stringMatching(/base64/) });
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
