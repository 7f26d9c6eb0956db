import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	API_LIMITS,
	CUSTOM_MODEL,
	MODELS,
	type ModelFeature,
	type NumericRange,
	OPTION_FEATURES,
	resolveModel,
	sizeProblem,
	supports,
	type ResolvedModel,
} from '../capabilities';

export interface ImageOptions {
	responseFormat?: 'url' | 'b64_json';
	watermark?: boolean;
	outputFormat?: 'jpeg' | 'png';
	optimizePromptMode?: 'standard' | 'fast';
	webSearch?: boolean;
	seed?: number;
	guidanceScale?: number;
}

export interface ImageRequestInput {
	/** The model selector value, or the custom id when the selector says custom. */
	model: string;
	customModelId?: string;
	prompt: string;
	/** A preset, `custom` (then `customSize` is used) or an explicit WxH. */
	size: string;
	customSize?: string;
	options: ImageOptions;
	/** Checked `image` entries (URLs or data URIs); see collectReferenceImages. */
	references?: string[];
	/** Ask for an image set of up to this many images. */
	maxImages?: number;
	stream?: boolean;
	background?: 'transparent' | 'opaque';
	layerDecomposition?: boolean;
	/** How the job is delivered; streaming works only with a direct answer. */
	delivery?: 'sync' | 'async' | 'callback';
}

export interface ImageRequest {
	body: IDataObject;
	model: ResolvedModel;
}

function invalid(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

export function resolveSelectedModel(
	node: INode,
	itemIndex: number,
	input: Pick<ImageRequestInput, 'model' | 'customModelId'>,
): ResolvedModel {
	const raw: unknown = input.model === CUSTOM_MODEL ? (input.customModelId ?? '') : input.model;
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') {
		throw invalid(
			node,
			itemIndex,
			raw === undefined || raw === null || typeof raw === 'string'
				? 'The "Model ID" parameter is empty'
				: `The "Model ID" parameter must be text, but the expression gave ${JSON.stringify(raw)}`,
			'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.',
		);
	}
	return resolveModel(text);
}

/**
 * Checks a request against the capability table and builds the API body.
 * Everything here runs before any paid request, so bad input never costs credits.
 */
export function buildImageRequest(
	node: INode,
	itemIndex: number,
	input: ImageRequestInput,
): ImageRequest {
	const model = resolveSelectedModel(node, itemIndex, input);
	const capabilities = model.capabilities;

	const rawPrompt: unknown = input.prompt;
	// An object or list from an expression would otherwise be sent as "[object Object]" and billed.
	if (rawPrompt !== null && typeof rawPrompt === 'object') {
		throw invalid(
			node,
			itemIndex,
			`The "Prompt" parameter must be text, but the expression gave ${Array.isArray(rawPrompt) ? 'a list' : 'an object'}`,
			'Point the expression at the text field, e.g. {{ $json.prompt.text }}, or use {{ JSON.stringify(...) }} on purpose.',
		);
	}
	const prompt =
		typeof rawPrompt === 'string'
			? rawPrompt
			: typeof rawPrompt === 'number' || typeof rawPrompt === 'boolean'
				? String(rawPrompt)
				: '';
	if (prompt.trim() === '' && !input.layerDecomposition) {
		throw invalid(
			node,
			itemIndex,
			'The "Prompt" parameter is empty',
			'Describe the image to generate, e.g. "a red fox in fresh snow, golden hour".',
		);
	}

	// Models without presets (legacy) show only the WxH field, so `size` is then empty.
	const rawSize = input.size === 'custom' || !input.size ? input.customSize : input.size;
	const size =
		typeof rawSize === 'string'
			? rawSize.trim().replace(/^(\d+)\s*[xX×*]\s*(\d+)$/, '$1x$2')
			: String(rawSize ?? '');
	const normalizedSize = /^[0-9.]+k$/.test(size) ? size.toUpperCase() : size;
	const problem = sizeProblem(capabilities, normalizedSize, Boolean(input.layerDecomposition));
	if (problem) {
		throw invalid(
			node,
			itemIndex,
			`The "Size" value "${normalizedSize}" is not valid for ${model.id}`,
			`${problem[0].toUpperCase()}${problem.slice(1)}.`,
		);
	}

	const body: IDataObject = { model: model.id, size: normalizedSize };
	if (prompt.trim() !== '') body.prompt = prompt;
	const options = givenOptions(input.options);
	for (const [option, feature] of Object.entries(OPTION_FEATURES)) {
		if (!(option in options)) continue;
		if (!supports(capabilities, feature)) {
			throw invalid(
				node,
				itemIndex,
				`The option "${option}" is not supported by ${model.id}`,
				'Remove the option, or pick a model that supports it (see the model table in the README).',
			);
		}
	}

	if (options.optimizePromptMode !== undefined) {
		if (!capabilities.optimizePromptModes.includes(options.optimizePromptMode)) {
			throw invalid(
				node,
				itemIndex,
				`Prompt optimization mode "${options.optimizePromptMode}" is not supported by ${model.id}`,
				`Use one of: ${capabilities.optimizePromptModes.join(', ')}.`,
			);
		}
		body.optimize_prompt_options = { mode: options.optimizePromptMode };
	}
	if (options.outputFormat !== undefined) {
		if (!['jpeg', 'png'].includes(options.outputFormat)) {
			throw invalid(
				node,
				itemIndex,
				`Output format "${String(options.outputFormat)}" is not valid`,
				'Use jpeg or png.',
			);
		}
		body.output_format = options.outputFormat;
	}
	if (options.webSearch) body.tools = [{ type: 'web_search' }];
	if (options.seed !== undefined)
		body.seed = numberInRange(node, itemIndex, 'Seed', options.seed, capabilities.seed, true);
	if (options.guidanceScale !== undefined) {
		body.guidance_scale = numberInRange(
			node,
			itemIndex,
			'Guidance scale',
			options.guidanceScale,
			capabilities.guidanceScale,
			false,
		);
	}
	if (options.responseFormat !== undefined) {
		if (!['url', 'b64_json'].includes(options.responseFormat)) {
			throw invalid(
				node,
				itemIndex,
				`Response format "${String(options.responseFormat)}" is not valid`,
				'Use url or b64_json.',
			);
		}
		body.response_format = options.responseFormat;
	}
	if (options.watermark !== undefined) body.watermark = Boolean(options.watermark);
	applyReferencesAndModes(node, itemIndex, input, model, body);
	return { body, model };
}

/**
 * The options the user gave a value: an expression that yields nothing ('' or null) means the
 * option is not set, as an option never added does.
 */
function givenOptions(options: ImageOptions | undefined): ImageOptions {
	return Object.fromEntries(
		Object.entries(options ?? {}).filter(
			([, value]) => value !== undefined && value !== '' && value !== null,
		),
	) as ImageOptions;
}

/**
 * A legacy numeric option (docs/api-contract.md §1.4 rule 9). The option check has already
 * refused models without the feature, and every model with it has its range (test/contract).
 */
function numberInRange(
	node: INode,
	itemIndex: number,
	label: string,
	value: unknown,
	range: NumericRange | undefined,
	wholeNumber: boolean,
): number {
	const { min, max } = range!;
	const valid =
		typeof value === 'number' &&
		(wholeNumber ? Number.isInteger(value) : !Number.isNaN(value)) &&
		value >= min &&
		value <= max;
	if (!valid) {
		throw invalid(
			node,
			itemIndex,
			`${label} ${String(value)} is out of range`,
			`Use ${wholeNumber ? 'a whole number' : 'a number'} from ${min} to ${max}.`,
		);
	}
	return value;
}

function requireFeature(
	node: INode,
	itemIndex: number,
	model: ResolvedModel,
	feature: ModelFeature,
	what: string,
) {
	if (!supports(model.capabilities, feature)) {
		throw invalid(
			node,
			itemIndex,
			`${what} is not supported by ${model.id}`,
			`Models that support it: ${modelNamesWith(feature)}.`,
		);
	}
}

function modelNamesWith(feature: ModelFeature): string {
	return MODELS.filter((model) => supports(model, feature))
		.map((model) => model.displayName)
		.join(', ');
}

/** Reference images, image sets, streaming, background and layers: the rules that combine fields. */
function applyReferencesAndModes(
	node: INode,
	itemIndex: number,
	input: ImageRequestInput,
	model: ResolvedModel,
	body: IDataObject,
): void {
	const capabilities = model.capabilities;
	const references = input.references ?? [];
	if (references.length > 0) {
		if (capabilities.maxReferenceImages === 0) {
			throw invalid(
				node,
				itemIndex,
				`${model.id} takes no reference images`,
				`It generates from text only. Edit with: ${modelNamesWith('referenceImages')}.`,
			);
		}
		if (references.length > capabilities.maxReferenceImages) {
			throw invalid(
				node,
				itemIndex,
				`Too many reference images: ${references.length}`,
				`${model.id} accepts at most ${capabilities.maxReferenceImages} reference images. Remove ${references.length - capabilities.maxReferenceImages}.`,
			);
		}
		body.image = references.length === 1 ? references[0] : references;
	} else if (capabilities.requiresReferenceImage) {
		throw invalid(
			node,
			itemIndex,
			`${model.id} needs a reference image`,
			'Add a binary property or an image URL under the reference images, or pick a text-to-image model.',
		);
	}

	if (input.maxImages !== undefined && input.maxImages !== null) {
		requireFeature(node, itemIndex, model, 'imageSet', 'Generating an image set');
		const maxImages = Number(input.maxImages);
		if (!Number.isInteger(maxImages) || maxImages < 1 || maxImages > API_LIMITS.maxImagesPerSet) {
			throw invalid(
				node,
				itemIndex,
				`"Max Images" must be a whole number from 1 to ${API_LIMITS.maxImagesPerSet}`,
				`Got ${String(input.maxImages)}.`,
			);
		}
		if (references.length + maxImages > API_LIMITS.maxReferencePlusGenerated) {
			throw invalid(
				node,
				itemIndex,
				`${references.length} reference images plus ${maxImages} images to generate exceed ${API_LIMITS.maxReferencePlusGenerated}`,
				`Reference images and generated images together may be ${API_LIMITS.maxReferencePlusGenerated} at most. Set "Max Images" to ${Math.max(1, API_LIMITS.maxReferencePlusGenerated - references.length)} or fewer.`,
			);
		}
		body.sequential_image_generation = 'auto';
		body.sequential_image_generation_options = { max_images: maxImages };
	}

	if (input.stream) {
		requireFeature(node, itemIndex, model, 'stream', 'Streaming');
		if (input.delivery && input.delivery !== 'sync') {
			throw invalid(
				node,
				itemIndex,
				'Streaming works only in the "Wait for Result (One Call)" mode',
				'Turn off "Stream Images" or choose the one-call mode; the API rejects stream together with async or callback.',
			);
		}
		body.stream = true;
	}

	if (input.background) {
		requireFeature(node, itemIndex, model, 'background', 'Background control');
		if (references.length !== 1) {
			throw invalid(
				node,
				itemIndex,
				'Background control needs exactly one reference image',
				`Got ${references.length}. It edits a single image.`,
			);
		}
		if (input.background === 'transparent') {
			if (body.output_format !== 'png') {
				throw invalid(
					node,
					itemIndex,
					'A transparent background needs PNG output',
					'Set "Output Format" to PNG.',
				);
			}
			const reference = references[0];
			if (reference.startsWith('data:') && !reference.startsWith('data:image/png')) {
				throw invalid(
					node,
					itemIndex,
					'A transparent background needs a PNG reference image',
					'The reference must be a PNG with transparent pixels.',
				);
			}
		}
		body.background = input.background;
	}

	if (input.layerDecomposition) {
		requireFeature(node, itemIndex, model, 'layerDecomposition', 'Layer decomposition');
		if (references.length !== 1) {
			throw invalid(
				node,
				itemIndex,
				'Layer decomposition needs exactly one input image',
				`Got ${references.length}.`,
			);
		}
		if (body.sequential_image_generation || body.stream || body.tools || body.background) {
			throw invalid(
				node,
				itemIndex,
				'Layer decomposition cannot be combined with image sets, streaming, web search or background',
				'Remove those options.',
			);
		}
		body.layer_decomposition = true;
	}
}
