import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
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
