import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { readItemSettings } from '../../../nodes/Seedream/shared/settings';
import {
	CUSTOM_MODEL,
	GENERIC_CAPABILITIES,
	MODELS,
	OPTION_FEATURES,
	supports,
	type ModelCapabilities,
} from '../../../nodes/Seedream/capabilities';
import { Seedream } from '../../../nodes/Seedream/Seedream.node';

const nodeType = new Seedream();
const description = nodeType.description;
const node: INode = {
	id: 'test',
	name: 'Seedream',
	type: 'n8n-nodes-seedream.seedream',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function visibleTopLevel(values: INodeParameters, name: string): INodeProperties[] {
	return description.properties.filter(
		(property) =>
			property.name === name && NodeHelpers.displayParameter(values, property, node, description, values),
	);
}

function visibleOptions(values: INodeParameters, name: string): INodeProperties[] {
	const collections = visibleTopLevel(values, 'options');
	return collections.flatMap((collection) =>
		((collection.options ?? []) as INodeProperties[]).filter(
			(option) =>
				option.name === name &&
				NodeHelpers.displayParameter({}, option, node, description, values),
		),
	);
}

const selectable = MODELS.flatMap((model) =>
	[model.id, ...model.alternateIds].map((id) => [id, model] as [string, ModelCapabilities]),
);
const idsOf = (models: ModelCapabilities[]) => models.flatMap((model) => [model.id, ...model.alternateIds]);

/** Options that make sense only for one operation, whatever the model. */
const OPERATION_ONLY: Record<string, string[]> = { background: ['edit'] };

describe('node description follows the capability table', () => {
	const generate = { resource: 'image', operation: 'generate', mode: 'sync' };

	it.each([
		['generate', MODELS.filter((model) => !model.requiresReferenceImage)],
		['edit', MODELS.filter((model) => supports(model, 'referenceImages'))],
		['decomposeLayers', MODELS.filter((model) => supports(model, 'layerDecomposition'))],
	])('%s lists exactly the models that can do it, plus a custom model id', (operation, models) => {
		const [modelProperty] = visibleTopLevel({ resource: 'image', operation }, 'model');
		const values = (modelProperty.options ?? []).map((option) => (option as { value: string }).value);
		expect(values.sort()).toEqual([...idsOf(models), CUSTOM_MODEL].sort());
	});

	it.each(
		selectable.flatMap(([id, model]) =>
			['generate', 'edit'].map((operation) => [operation, id, model] as [string, string, ModelCapabilities]),
		),
	)('%s with %s: every model option is shown exactly when the model supports it', (operation, id, model) => {
		const values = { resource: 'image', operation, mode: 'sync', model: id, size: 'custom' };
		for (const [option, feature] of Object.entries(OPTION_FEATURES)) {
			const applies = !OPERATION_ONLY[option] || OPERATION_ONLY[option].includes(operation);
			const shown = visibleOptions(values, option).length > 0;
			expect({ option, shown }).toEqual({ option, shown: applies && supports(model, feature) });
		}
	});

	it('hides streaming outside the one-call mode', () => {
		const values = { ...generate, model: 'doubao-seedream-4-0-250828', mode: 'pollUntilDone' };
		expect(visibleOptions(values, 'stream')).toHaveLength(0);
		expect(visibleOptions({ ...values, mode: 'sync' }, 'stream')).toHaveLength(1);
	});

	it.each(selectable)('%s: size offers exactly the model presets, plus custom WxH when allowed', (id, model) => {
		const sizeSelectors = visibleTopLevel({ ...generate, model: id }, 'size');
		if (model.sizePresets.length === 0) {
			expect(sizeSelectors).toHaveLength(0);
			expect(visibleTopLevel({ ...generate, model: id }, 'customSize')).toHaveLength(1);
			return;
		}
		expect(sizeSelectors).toHaveLength(1);
		const offered = (sizeSelectors[0].options ?? []).map((option) => (option as { value: string }).value);
		expect(offered).toEqual([...model.sizePresets, 'custom']);
		expect(model.sizePresets).toContain(sizeSelectors[0].default);
		expect(visibleTopLevel({ ...generate, model: id, size: 'custom' }, 'customSize')).toHaveLength(1);
		expect(visibleTopLevel({ ...generate, model: id, size: model.sizePresets[0] }, 'customSize')).toHaveLength(0);
	});

	it.each(selectable)('%s: prompt optimization offers exactly the modes the model allows', (id, model) => {
		const shown = visibleOptions({ ...generate, model: id }, 'optimizePromptMode');
		const modes = shown.flatMap((property) =>
			(property.options ?? []).map((option) => (option as { value: string }).value),
		);
		expect(modes.sort()).toEqual([...model.optimizePromptModes].sort());
	});

	it.each(selectable)('%s: the legacy notice appears only for legacy models', (id, model) => {
		const operation = model.requiresReferenceImage ? 'edit' : 'generate';
		expect(visibleTopLevel({ ...generate, operation, model: id }, 'legacyModelNotice')).toHaveLength(
			model.legacy ? 1 : 0,
		);
	});

	it('shows the custom model id field and a free size field for a custom model', () => {
		const values = { ...generate, model: CUSTOM_MODEL };
		expect(visibleTopLevel(values, 'customModelId')).toHaveLength(1);
		const size = visibleTopLevel(values, 'size');
		expect(size).toHaveLength(1);
		expect(size[0].type).toBe('string');
	});
});

describe('Custom Model ID: the broadest fields, and the API has the last word', () => {
	const current = MODELS.filter((model) => !model.legacy);
	const union = <T>(pick: (model: ModelCapabilities) => T[]) => [...new Set(current.flatMap(pick))];

	it('its generic capabilities cover every current model', () => {
		expect(GENERIC_CAPABILITIES.sizePresets).toEqual(expect.arrayContaining(union((model) => model.sizePresets)));
		expect(GENERIC_CAPABILITIES.features).toEqual(
			expect.arrayContaining(union((model) => model.features.filter((feature) => feature !== 'seed' && feature !== 'guidanceScale'))),
		);
		expect(GENERIC_CAPABILITIES.optimizePromptModes).toEqual(expect.arrayContaining(union((model) => model.optimizePromptModes)));
		expect(GENERIC_CAPABILITIES.layerDecompositionSizes).toEqual(
			expect.arrayContaining(union((model) => model.layerDecompositionSizes)),
		);
		expect(GENERIC_CAPABILITIES.maxReferenceImages).toBe(Math.max(...current.map((model) => model.maxReferenceImages)));
		expect(GENERIC_CAPABILITIES.pixelRange.min).toBeLessThanOrEqual(Math.min(...current.map((model) => model.pixelRange.min)));
		expect(GENERIC_CAPABILITIES.pixelRange.max).toBeGreaterThanOrEqual(Math.max(...current.map((model) => model.pixelRange.max)));
	});

	it.each(['generate', 'edit'])('%s shows every option a current model has, with every prompt optimization mode', (operation) => {
		const values = { resource: 'image', operation, mode: 'sync', model: CUSTOM_MODEL };
		for (const [option, feature] of Object.entries(OPTION_FEATURES)) {
			const applies = !OPERATION_ONLY[option] || OPERATION_ONLY[option].includes(operation);
			const shown = visibleOptions(values, option).length > 0;
			expect({ option, shown }).toEqual({ option, shown: applies && supports(GENERIC_CAPABILITIES, feature) });
		}
		const modes = visibleOptions(values, 'optimizePromptMode').flatMap((property) =>
			(property.options ?? []).map((option) => (option as { value: string }).value),
		);
		expect(modes.sort()).toEqual(union((model) => model.optimizePromptModes).sort());
	});

	it('its size field names every preset and takes WxH', () => {
		const [size] = visibleTopLevel({ ...{ resource: 'image', operation: 'generate' }, model: CUSTOM_MODEL }, 'size');
		for (const preset of union((model) => model.sizePresets)) expect(size.description).toContain(preset);
		expect(size.description).toMatch(/WIDTHxHEIGHT/);
	});

	it('its hint says the API decides and links the model list', () => {
		const [field] = visibleTopLevel({ resource: 'image', operation: 'generate', model: CUSTOM_MODEL }, 'customModelId');
		expect(field.description).toMatch(/the API has the last word/i);
		expect(field.description).toContain('https://platform.acedata.cloud/documents');
	});

	it('nothing is invented for models Ace Data Cloud does not list (5.0 Flash, 5.5)', () => {
		const ids = MODELS.flatMap((model) => [model.id, ...model.alternateIds, ...model.aliases]);
		expect(ids.filter((id) => /flash|5-5|5\.5/i.test(id))).toEqual([]);
	});
});

describe('sync timeout fits Seedream 5.0 Pro (110–130 s per image)', () => {
	const timeout = () => {
		const options = description.properties
			.filter((property) => property.name === 'options')
			.flatMap((property) => (property.options ?? []) as INodeProperties[]);
		return options.find((option) => option.name === 'timeoutSeconds')!;
	};

	it('Request Timeout defaults to at least 240 s and its hint names Pro', () => {
		expect(Number(timeout().default)).toBeGreaterThanOrEqual(240);
		expect(timeout().description).toMatch(/5\.0 Pro/);
		expect(timeout().description).toMatch(/240/);
	});

	it('without the option the one-call request waits at least 240 s', () => {
		expect(readItemSettings(node, 0, {}).requestTimeoutMs).toBeGreaterThanOrEqual(240_000);
	});

	it('the one-call mode hint names Pro', () => {
		const [mode] = visibleTopLevel({ resource: 'image', operation: 'generate' }, 'mode');
		const sync = (mode.options ?? []).find((option) => (option as { value: string }).value === 'sync') as { description: string };
		expect(sync.description).toMatch(/5\.0 Pro/);
	});
});
