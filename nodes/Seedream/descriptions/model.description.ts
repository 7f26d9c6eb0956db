import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
	DEFAULT_MODEL_ID,
	MODELS,
	modelIdsWhere,
	modelIdsWith,
	modelNames,
	type ModelCapabilities,
	type OptimizePromptMode,
} from '../capabilities';

/**
 * In the order people choose: current models as the table lists them (newest first), each older
 * id right after its model, then legacy models, then the free-text custom id.
 */
function modelOptions(include: (model: ModelCapabilities) => boolean): INodePropertyOptions[] {
	const options: INodePropertyOptions[] = [];
	const included = MODELS.filter(include);
	for (const model of [...included.filter((m) => !m.legacy), ...included.filter((m) => m.legacy)]) {
		const label = model.legacy
			? `Legacy: ${model.displayName.replace(/ \(Legacy\)$/, '')}`
			: model.displayName;
		options.push({ name: label, value: model.id, description: model.id });
		for (const alternateId of model.alternateIds) {
			options.push({ name: `${label} (Older ID)`, value: alternateId, description: alternateId });
		}
	}
	options.push({
		name: 'Custom Model ID',
		value: CUSTOM_MODEL,
		description: 'A model ID not listed here, e.g. one released after this node version',
	});
	return options;
}

/** Model selector, legacy notices and the custom id field. */
export function modelSelectorProperties(
	include: (model: ModelCapabilities) => boolean = () => true,
	defaultModel = DEFAULT_MODEL_ID,
): INodeProperties[] {
	const legacyNotices: INodeProperties[] = MODELS.filter(
		(model) => model.notice && include(model),
	).map((model) => ({
		displayName: model.notice ?? '',
		name: 'legacyModelNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { model: modelNames(model) } },
	}));
	// An operation switch keeps the model, which the new operation may not offer (Decompose Layers).
	const notOffered = MODELS.filter((model) => !include(model));
	const offeredNames = MODELS.filter(include)
		.map((model) => model.displayName)
		.join(', ');
	const modelNotOfferedNotice: INodeProperties[] = notOffered.length
		? [
				{
					displayName: `This operation does not work with the selected model. Pick one of: ${offeredNames}, or Custom Model ID.`,
					name: 'modelNotOfferedNotice',
					type: 'notice',
					default: '',
					displayOptions: { show: { model: notOffered.flatMap(modelNames) } },
				},
			]
		: [];
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			options: modelOptions(include),
			default: defaultModel,
			// An expression may name a model by an alias the list does not show; the node maps it.
			allowArbitraryValues: true,
			description:
				'Seedream model to use. The fields and options below follow the model. An expression may give a full ID, an older ID or a documented alias such as doubao-seedream-4.5, and may differ per item.',
		},
		...modelNotOfferedNotice,
		{
			displayName: 'Model ID',
			name: 'customModelId',
			type: 'string',
			default: '',
			// Not `required`: n8n treats this field as shown whenever Model is an expression, and an
			// empty required field would then block the whole workflow. The node checks it per item.
			placeholder: 'e.g. doubao-seedream-5-0-lite-260128',
			description:
				'Full model ID as Ace Data Cloud lists it (https://platform.acedata.cloud/documents), e.g. for a model released after this node version. Every size and option is offered and only generic checks run before sending: the API has the last word and rejects what the model does not support.',
			displayOptions: { show: { model: [CUSTOM_MODEL] } },
		},
		...legacyNotices,
	];
}

/** The pixel range of a model, as the hint under its Width x Height field says it. */
function rangeHint(model: ModelCapabilities): string {
	const { min, max } = model.pixelRange;
	return `${model.displayName}: ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} pixels in total (width × height), aspect ratio up to 1:${model.maxAspectRatio}`;
}

/**
 * Size per model: its presets plus custom WxH (models without presets take WxH directly), and a
 * free Size field for everything else: a custom model id, and a Model given by an expression
 * the editor cannot resolve yet (it then matches no model, so this field keeps Size visible and
 * its value in place). Each item's size is checked against its own model before sending.
 */
export function sizeProperties(): INodeProperties[] {
	const withPresets = MODELS.filter((model) => model.sizePresets.length > 0);
	const presetSelectors: INodeProperties[] = withPresets.map((model) => {
		const defaultSize = model.defaultSize;
		return {
			displayName: 'Size',
			name: 'size',
			type: 'options',
			options: [
				...model.sizePresets.map((preset) => ({ name: preset, value: preset })),
				{ name: 'Custom Width and Height', value: 'custom' },
			],
			default: defaultSize,
			description: `Resolution preset: ${model.sizePresets.join(', ')}, or custom for exact pixels (then set Width x Height). The aspect ratio comes from the prompt.`,
			displayOptions: { show: { model: modelNames(model) } },
		};
	});
	// A model switch keeps the Size; say so when the new model has no such preset.
	const allPresets = [...new Set(MODELS.flatMap((model) => model.sizePresets))];
	const presetNotices: INodeProperties[] = withPresets
		.filter((model) => allPresets.some((preset) => !model.sizePresets.includes(preset)))
		.map((model) => ({
			displayName: `${model.displayName} has no such size preset: choose ${model.sizePresets.join(', ')} or Custom Width and Height. Until then the node refuses the item before anything is sent.`,
			name: 'sizeNotOfferedNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					model: modelNames(model),
					size: allPresets.filter((preset) => !model.sizePresets.includes(preset)),
				},
			},
		}));
	const customSizeFields: INodeProperties[] = MODELS.map((model) => {
		const defaultSize = model.sizePresets.length ? '2048x2048' : model.defaultSize;
		return {
			displayName: model.sizePresets.length ? 'Width x Height' : 'Size',
			name: 'customSize',
			type: 'string',
			default: defaultSize,
			placeholder: `e.g. ${model.defaultSize.includes('x') ? model.defaultSize : '2048x2048'}`,
			description:
				'Exact output size in pixels as WIDTHxHEIGHT, e.g. 2048x2048 (1:1) or 2560x1440 (16:9)',
			hint: rangeHint(model),
			displayOptions: {
				show: model.sizePresets.length
					? { model: modelNames(model), size: ['custom'] }
					: { model: modelNames(model) },
			},
		};
	});
	return [
		...presetSelectors,
		...presetNotices,
		...customSizeFields,
		{
			displayName: 'Size',
			name: 'size',
			type: 'string',
			default: '2K',
			placeholder: 'e.g. 2K or 2048x2048',
			description:
				"A preset (1K, 1.5K, 2K, 3K, 4K) or exact pixels as WIDTHxHEIGHT, e.g. 2048x2048. Checked against each item's model before sending; the API has the last word for a custom model.",
			displayOptions: { hide: { model: MODELS.flatMap(modelNames) } },
		},
	];
}

function optimizePromptOptions(modes: OptimizePromptMode[]): INodeProperties {
	const all = {
		fast: { name: 'Fast', value: 'fast', description: 'Quicker, slightly lower quality' },
		standard: { name: 'Standard', value: 'standard', description: 'Higher quality, slower' },
	};
	return {
		displayName: 'Prompt Optimization',
		name: 'optimizePromptMode',
		type: 'options',
		options: modes.map((mode) => all[mode]).sort((a, b) => a.name.localeCompare(b.name)),
		default: 'standard',
		description: 'Let Seedream rewrite the prompt before generating',
		displayOptions: {
			show: {
				'/model': [
					...modelIdsWhere((model) => model.optimizePromptModes.join() === modes.join()),
					...(modes.length === 2 ? [CUSTOM_MODEL] : []),
				],
			},
		},
	};
}

/** Request options that some models accept; each is shown only for models whose table entry allows it. */
export function modelOptionProperties(): INodeProperties[] {
	const optimizeModeSets = [...new Set(MODELS.map((model) => model.optimizePromptModes.join()))]
		.filter(Boolean)
		.map((joined) => joined.split(',') as OptimizePromptMode[]);
	const guidanceFields: INodeProperties[] = MODELS.filter((model) => model.guidanceScale).map(
		(model) => {
			const guidanceDefault = model.guidanceScale?.default ?? 5;
			return {
				displayName: 'Guidance Scale',
				name: 'guidanceScale',
				type: 'number',
				typeOptions: {
					minValue: model.guidanceScale?.min,
					maxValue: model.guidanceScale?.max,
					numberPrecision: 1,
				},
				default: guidanceDefault,
				description: `How closely the image follows the prompt (${model.guidanceScale?.min}–${model.guidanceScale?.max})`,
				displayOptions: { show: { '/model': modelNames(model) } },
			};
		},
	);
	return [
		...guidanceFields,
		{
			displayName: 'Output Format',
			name: 'outputFormat',
			type: 'options',
			options: [
				{ name: 'JPEG', value: 'jpeg' },
				{ name: 'PNG', value: 'png' },
			],
			default: 'jpeg',
			description: 'File format of the generated images',
			displayOptions: { show: { '/model': [...modelIdsWith('outputFormat'), CUSTOM_MODEL] } },
		},
		...optimizeModeSets.map(optimizePromptOptions),
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: -1, maxValue: 2147483647 },
			default: -1,
			description: 'Same seed and prompt give similar images; -1 picks a random seed',
			displayOptions: { show: { '/model': modelIdsWith('seed') } },
		},
		{
			displayName: 'Web Search',
			name: 'webSearch',
			type: 'boolean',
			default: false,
			description:
				'Whether the model may search the web for up-to-date references (billed per search)',
			displayOptions: { show: { '/model': [...modelIdsWith('webSearch'), CUSTOM_MODEL] } },
		},
	];
}

/** Image sets and streaming, for the models that support them. */
export function imageSetAndStreamOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Max Images (Image Set)',
			name: 'maxImages',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 15 },
			default: 4,
			description:
				'Generate a set of up to this many related images (shared characters and style). Reference images plus this number may be 15 at most.',
			displayOptions: { show: { '/model': [...modelIdsWith('imageSet'), CUSTOM_MODEL] } },
		},
		{
			displayName: 'Stream Images',
			name: 'stream',
			type: 'boolean',
			default: false,
			description:
				'Whether to receive images one by one as they are generated and download each at once. Only in the "Wait for Result" mode.',
			displayOptions: {
				show: { '/model': [...modelIdsWith('stream'), CUSTOM_MODEL], '/mode': ['sync'] },
			},
		},
	];
}

/** Background control for single-image edits, on the models that support it. */
export function backgroundOption(): INodeProperties {
	return {
		displayName: 'Background',
		name: 'background',
		type: 'options',
		options: [
			{ name: 'Opaque', value: 'opaque', description: 'Keep or fill a solid background' },
			{
				name: 'Transparent',
				value: 'transparent',
				description: 'Cut out the subject; needs one PNG reference and Output Format PNG',
			},
		],
		default: 'transparent',
		description: 'Background of the edited image (one reference image only)',
		displayOptions: { show: { '/model': [...modelIdsWith('background'), CUSTOM_MODEL] } },
	};
}
