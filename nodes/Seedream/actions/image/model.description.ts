import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
	DEFAULT_MODEL_ID,
	MODELS,
	modelIdsWhere,
	modelIdsWith,
	type ModelCapabilities,
	type OptimizePromptMode,
} from '../../capabilities';

/** All ids under which the UI can select a model (its id and any older alternate id). */
export function selectableIds(model: ModelCapabilities): string[] {
	return [model.id, ...model.alternateIds];
}

function modelOptions(include: (model: ModelCapabilities) => boolean): INodePropertyOptions[] {
	const options: INodePropertyOptions[] = [];
	for (const model of MODELS.filter(include)) {
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
	return options.sort((a, b) => a.name.localeCompare(b.name));
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
		displayOptions: { show: { model: selectableIds(model) } },
	}));
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			options: modelOptions(include),
			default: defaultModel,
			description:
				'Seedream model to use. Options below change with the model. An expression may also give a documented alias such as doubao-seedream-4.5.',
		},
		{
			displayName: 'Model ID',
			name: 'customModelId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. doubao-seedream-5-0-lite-260128',
			description:
				'Full model ID as Ace Data Cloud lists it (https://platform.acedata.cloud/documents), e.g. for a model released after this node version. Every size and option is offered and only generic checks run before sending: the API has the last word and rejects what the model does not support.',
			displayOptions: { show: { model: [CUSTOM_MODEL] } },
		},
		...legacyNotices,
	];
}

/** Size selector per model: its presets plus custom WxH; models without presets take WxH directly. */
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
			displayOptions: { show: { model: selectableIds(model) } },
		};
	});
	const rangeHint = (model: ModelCapabilities) =>
		`${model.displayName} accepts ${model.pixelRange.min.toLocaleString('en-US')} to ${model.pixelRange.max.toLocaleString('en-US')} pixels in total, aspect ratio up to 1:${model.maxAspectRatio}`;
	const customSizeFields: INodeProperties[] = MODELS.map((model) => {
		const defaultSize = model.sizePresets.length ? '2048x2048' : model.defaultSize;
		return {
			displayName: model.sizePresets.length ? 'Width x Height' : 'Size',
			name: 'customSize',
			type: 'string',
			default: defaultSize,
			placeholder: `e.g. ${model.defaultSize.includes('x') ? model.defaultSize : '2048x2048'}`,
			description: `Exact output size in pixels as WIDTHxHEIGHT, e.g. 2048x2048 (1:1) or 2560x1440 (16:9). ${rangeHint(model)}.`,
			displayOptions: {
				show: model.sizePresets.length
					? { model: selectableIds(model), size: ['custom'] }
					: { model: selectableIds(model) },
			},
		};
	});
	return [
		...presetSelectors,
		...customSizeFields,
		{
			displayName: 'Size',
			name: 'size',
			type: 'string',
			default: '2K',
			placeholder: 'e.g. 2K or 2048x2048',
			description:
				'A preset (1K, 1.5K, 2K, 3K, 4K) or exact pixels as WIDTHxHEIGHT, e.g. 2048x2048',
			displayOptions: { show: { model: [CUSTOM_MODEL] } },
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
				displayOptions: { show: { '/model': selectableIds(model) } },
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
