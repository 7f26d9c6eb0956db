/**
 * Every parameter from an expression (issue 12). Each case runs twice through n8n's own checks
 * (the harness resolves the parameters against the description and refuses the workflow when n8n
 * would report a node issue) and then through n8n-core: once with fixed values, once with every
 * field an expression that resolves to the same value. The request the mock receives and the
 * output must be the same. Then the data-driven cases: one execution, a model and a size per item.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
	MODELS,
	supports,
	type ModelCapabilities,
} from '../../../nodes/Seedream/capabilities';
import { binaryItem } from '../../helpers/n8n';
import { TINY_PNG, useMockApi } from '../../helpers/seedream';

const api = useMockApi();

const PNG_URI = `data:image/png;base64,${TINY_PNG.toString('base64')}`;

/** `={{ <value as a JS literal> }}`: an expression that resolves to exactly `value`. */
const asExpression = (value: unknown) => `={{ ${JSON.stringify(value)} }}`;

function everyValueAsExpression(parameters: INodeParameters): INodeParameters {
	const converted: INodeParameters = {};
	for (const [name, value] of Object.entries(parameters)) {
		// Resource and Operation are the only fields n8n does not let an expression set.
		if (name === 'resource' || name === 'operation') converted[name] = value;
		else if (value && typeof value === 'object' && !Array.isArray(value))
			converted[name] = everyValueAsExpression(value as INodeParameters);
		else converted[name] = asExpression(value);
	}
	return converted;
}

/** A WIDTHxHEIGHT inside the model's pixel range (square, a multiple of 64). */
function sizeInRange(model: ModelCapabilities): string {
	const side = Math.ceil(Math.sqrt(Math.max(model.pixelRange.min, 1024 * 1024)) / 64) * 64;
	return `${side}x${side}`;
}

/** Every option the model accepts in this operation, each with a valid non-default value. */
function modelOptions(model: ModelCapabilities, operation: string): IDataObject {
	const options: IDataObject = {};
	if (supports(model, 'outputFormat')) options.outputFormat = 'png';
	if (supports(model, 'webSearch') && operation !== 'decomposeLayers') options.webSearch = true;
	if (supports(model, 'optimizePrompt') && operation !== 'decomposeLayers')
		options.optimizePromptMode = model.optimizePromptModes[0];
	if (supports(model, 'seed')) options.seed = 42;
	if (model.guidanceScale) options.guidanceScale = model.guidanceScale.min + 1;
	if (supports(model, 'imageSet') && operation !== 'decomposeLayers') options.maxImages = 2;
	if (supports(model, 'background') && operation === 'edit') options.background = 'opaque';
	return options;
}

/** The options every Image operation has, all set away from their defaults. */
const COMMON_OPTIONS: IDataObject = {
	watermark: false,
	responseFormat: 'url',
	outputMode: 'both',
	outputItems: 'perInput',
	binaryPropertyName: 'image',
	fileNameTemplate: '{model}-{n}.{ext}',
	concurrency: 2,
	timeoutSeconds: 120,
	maxDownloadMb: 50,
	strict: true,
};

interface Case {
	label: string;
	parameters: INodeParameters;
}

function cases(): Case[] {
	const rows: Case[] = [];
	const named = MODELS.flatMap((model) =>
		[
			[model.id, 'id'],
			...model.alternateIds.map((id) => [id, 'older id']),
			...model.aliases.map((alias) => [alias, 'alias']),
		].map(([name, kind]) => ({ model, name, kind })),
	);
	for (const operation of ['generate', 'edit', 'decomposeLayers']) {
		const offered = named.filter(({ model }) =>
			operation === 'generate'
				? !model.requiresReferenceImage
				: operation === 'edit'
					? supports(model, 'referenceImages')
					: supports(model, 'layerDecomposition'),
		);
		// Custom Model ID: typed as free text, checked only generically by the node; the mock (like
		// the API) knows the model, so the id of the operation's first model is typed there.
		const entries = [
			...offered.map(({ model, name, kind }) => ({ model, modelValue: name, kind, custom: false })),
			{ model: offered[0].model, modelValue: offered[0].model.id, kind: 'custom model id', custom: true },
		];
		for (const { model, modelValue, kind, custom } of entries) {
			const sizes =
				operation === 'decomposeLayers'
					? [model.layerDecompositionSizes[0]]
					: [...model.sizePresets.slice(0, 1), sizeInRange(model)];
			for (const size of sizes) {
				const parameters: INodeParameters = {
					resource: 'image',
					operation,
					mode: 'sync',
					model: custom ? CUSTOM_MODEL : modelValue,
					...(custom ? { customModelId: modelValue } : {}),
					size,
					options: { ...modelOptions(model, operation), ...COMMON_OPTIONS } as INodeParameters,
				};
				if (operation !== 'decomposeLayers') parameters.prompt = `A lighthouse, ${modelValue}, ${size}`;
				if (operation === 'edit') {
					parameters.referenceBinaryProperties = '';
					parameters.referenceUrls = PNG_URI;
				}
				if (operation === 'decomposeLayers') {
					parameters.imageSource = 'url';
					parameters.imageUrl = PNG_URI;
				}
				rows.push({ label: `${operation} · ${modelValue} (${kind}) · ${size}`, parameters });
			}
		}
	}
	return rows;
}

/** What a run produced, with the ids that differ between runs replaced by their order. */
function comparable(items: INodeExecutionData[][], requests: unknown[]) {
	const ids = new Map<string, string>();
	const stable = (value: unknown): unknown => {
		if (typeof value === 'string') {
			return value.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
				if (!ids.has(id)) ids.set(id, `<id ${ids.size}>`);
				return ids.get(id)!;
			});
		}
		if (Array.isArray(value)) return value.map(stable);
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value)
					.filter(([key]) => key !== 'id' && key !== 'directory')
					.map(([key, inner]) => [key, stable(inner)]),
			);
		}
		return value;
	};
	return stable({
		requests,
		output: items.map((output) => output.map(({ json, binary, pairedItem }) => ({ json, binary, pairedItem }))),
	});
}

describe('every parameter from an expression gives the same request and output as the fixed value', () => {
	it.each(cases().map((row) => [row.label, row]))('%s', async (_label, { parameters }) => {
		api.mock.setOptions({ acceptLegacyModels: true });
		const fixed = await api.run(parameters);
		expect(fixed.issues).toBeUndefined();
		expect(fixed.error).toBeUndefined();
		const fixedRun = comparable(fixed.items, api.mock.requests.filter((r) => r.path === '/seedream/images').map((r) => r.body));
		api.mock.reset();
		api.mock.setOptions({ acceptLegacyModels: true });

		const expression = await api.run(everyValueAsExpression(parameters));
		expect(expression.issues).toBeUndefined();
		expect(expression.error).toBeUndefined();
		const expressionRun = comparable(expression.items, api.mock.requests.filter((r) => r.path === '/seedream/images').map((r) => r.body));
		expect(expressionRun).toEqual(fixedRun);
	});
});

describe('fields left at their defaults while Model is an expression', () => {
	it.each([
		['doubao-seedream-4-0-250828', '2K'],
		['doubao-seedream-5.0-pro', '2K'],
	])('%s: Size comes from this operation (Generate: %s), not from another operation that also has a Size', async (model, size) => {
		const result = await api.run({ resource: 'image', operation: 'generate', mode: 'sync', model: `={{ ${JSON.stringify(model)} }}`, prompt: 'A fox' });
		expect(result.issues).toBeUndefined();
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({ size });
	});
});

describe('a value the model does not accept fails the same way, fixed or from an expression, before any request', () => {
	const base = { resource: 'image', operation: 'generate', mode: 'sync', prompt: 'A red fox' };
	it.each([
		['4K on Seedream 5.0 Pro', { ...base, model: 'doubao-seedream-5-0-pro-260628', size: '4K' }, /"Size" value "4K".*presets: 1K, 1.5K, 2K/s],
		['3K on Seedream 4.5 (alias)', { ...base, model: 'doubao-seedream-4.5', size: '3K' }, /"Size" value "3K".*presets: 2K, 4K/s],
		['1024x1024 below 4.5 range', { ...base, model: 'doubao-seedream-4-5-251128', size: '1024x1024' }, /1048576 pixels.*3686400/s],
		['a mode that does not exist', { ...base, model: 'doubao-seedream-4-0-250828', size: '2K', mode: 'later' }, /"Mode" value "later" is not valid/],
		['a custom model without an id', { ...base, model: CUSTOM_MODEL, customModelId: '', size: '2K' }, /"Model ID" parameter is empty/],
	])('%s', async (_name, parameters, message) => {
		for (const variant of [parameters, everyValueAsExpression(parameters as INodeParameters)]) {
			const result = await api.run(variant as INodeParameters);
			expect(result.issues).toBeUndefined();
			expect(result.error?.constructor.name).toBe('NodeOperationError');
			expect(`${result.error?.message}\n${result.error?.description}`).toMatch(message);
			expect(api.mock.stats.requests).toBe(0);
		}
	});
});

describe('one execution, a model and a size per item (a sheet-driven batch)', () => {
	const rows = [
		{ prompt: 'row one', model: 'doubao-seedream-4.5', size: '4K' },
		{ prompt: 'row two', model: 'doubao-seedream-5-0-pro-260628', size: '2560x1440' },
		{ prompt: 'row three', model: 'doubao-seedream-4-0-250828', size: '1K' },
		{ prompt: 'row four', model: 'doubao-seedream-5-0-260128', size: '3K' },
		{ prompt: 'row five', model: 'doubao-seedream-3.0-t2i', size: '1024x1024' },
	];
	const fromRows = (mode: string, extra: INodeParameters = {}): INodeParameters => ({
		resource: 'image',
		operation: 'generate',
		mode,
		model: '={{ $json.model }}',
		prompt: '={{ $json.prompt }}',
		size: '={{ $json.size }}',
		...extra,
	});

	it.each(['sync', 'pollUntilDone', 'submitOnly'])('%s: each item is validated and sent with its own model and size', async (mode) => {
		api.mock.setOptions({ acceptLegacyModels: true });
		const result = await api.run(fromRows(mode, { options: { maxPollIntervalSeconds: 0.1 } }), {
			inputItems: rows.map((json) => ({ json })),
		});
		expect(result.issues).toBeUndefined();
		expect(result.error).toBeUndefined();
		const sent = api.mock.requests
			.filter((request) => request.path === '/seedream/images')
			.map((request) => request.body as IDataObject)
			.sort((a, b) => String(a.prompt).localeCompare(String(b.prompt)));
		expect(sent.map(({ prompt, model, size }) => ({ prompt, model, size }))).toEqual(
			[
				{ prompt: 'row five', model: 'doubao-seedream-3-0-t2i-250415', size: '1024x1024' },
				{ prompt: 'row four', model: 'doubao-seedream-5-0-260128', size: '3K' },
				{ prompt: 'row one', model: 'doubao-seedream-4-5-251128', size: '4K' },
				{ prompt: 'row three', model: 'doubao-seedream-4-0-250828', size: '1K' },
				{ prompt: 'row two', model: 'doubao-seedream-5-0-pro-260628', size: '2560x1440' },
			],
		);
		const output = result.items[0];
		expect(output.map((item) => item.pairedItem)).toEqual(rows.map((_row, item) => ({ item })));
		if (mode !== 'submitOnly') {
			expect(output.map((item) => [item.json.model, item.json.model_requested ?? null])).toEqual([
				['doubao-seedream-4-5-251128', 'doubao-seedream-4.5'],
				['doubao-seedream-5-0-pro-260628', null],
				['doubao-seedream-4-0-250828', null],
				['doubao-seedream-5-0-260128', null],
				['doubao-seedream-3-0-t2i-250415', 'doubao-seedream-3.0-t2i'],
			]);
			expect(output.every((item) => item.binary?.data)).toBe(true);
		}
	});

	it('one bad row refuses the whole batch before any request, naming the row', async () => {
		const bad = [...rows.slice(0, 2), { prompt: 'row bad', model: 'doubao-seedream-5-0-pro-260628', size: '4K' }];
		const result = await api.run(fromRows('pollUntilDone'), { inputItems: bad.map((json) => ({ json })) });
		expect(result.error?.message).toMatch(/"Size" value "4K"/);
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(api.mock.stats.requests).toBe(0);
	});

	it('callback pause for some items and not others is refused before any request', async () => {
		const items = [{ json: { mode: 'sync' } }, { json: { mode: 'callbackWait' } }];
		const result = await api.run(
			{ resource: 'image', operation: 'generate', mode: '={{ $json.mode }}', model: 'doubao-seedream-4-0-250828', prompt: 'A fox', size: '1K' },
			{ inputItems: items },
		);
		expect(result.error?.message).toMatch(/"Mode" is callbackWait for some items and sync for others/);
		expect(api.mock.stats.requests).toBe(0);
	});

	it('reference binary property names and URLs from expressions', async () => {
		const item = await binaryItem({ field: 'photo', url: PNG_URI }, [{ propertyName: 'photo', data: TINY_PNG, mimeType: 'image/png', fileName: 'a.png' }]);
		const parameters: INodeParameters = {
			resource: 'image',
			operation: 'edit',
			mode: 'sync',
			model: 'doubao-seedream-4-0-250828',
			prompt: 'Put it on a beach',
			size: '2K',
			referenceBinaryProperties: '={{ $json.field }}',
			referenceUrls: '={{ [$json.url] }}',
		};
		const result = await api.run(parameters, { inputItems: [item] });
		expect(result.error).toBeUndefined();
		const body = api.mock.requests.find((request) => request.path === '/seedream/images')!.body as IDataObject;
		expect(body.image).toEqual([PNG_URI, PNG_URI]);
	});
});

describe('Task operations take their ids from expressions', () => {
	it('Get, Get Many and Wait for Completion: an expression gives the same output as the fixed id', async () => {
		const submitted = await api.run({ resource: 'image', operation: 'generate', mode: 'submitOnly', model: 'doubao-seedream-4-0-250828', prompt: 'A fox', size: '1K' });
		const taskId = String(submitted.items[0][0].json.task_id);
		for (const [operation, field, fixed, expression] of [
			['get', 'taskId', taskId, '={{ $json.id }}'],
			['getMany', 'taskIds', taskId, '={{ [$json.id] }}'],
			['waitForCompletion', 'taskIds', taskId, '={{ $json.id }}'],
		]) {
			const extra = operation === 'waitForCompletion' ? { options: { maxPollIntervalSeconds: 0.1 } } : {};
			const inputItems = [{ json: { id: taskId } }];
			const a = await api.run({ resource: 'task', operation, [field]: fixed, ...extra }, { inputItems });
			const b = await api.run({ resource: 'task', operation, [field]: expression, ...extra }, { inputItems });
			expect(a.error).toBeUndefined();
			expect(b.error).toBeUndefined();
			expect(b.items[0].map((item) => item.json)).toEqual(a.items[0].map((item) => item.json));
		}
	});
});
