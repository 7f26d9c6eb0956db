import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
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
	const raw = input.model === CUSTOM_MODEL ? (input.customModelId ?? '') : input.model;
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw invalid(
			node,
			itemIndex,
			'The "Model ID" parameter is empty',
			'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.',
		);
	}
	return resolveModel(raw);
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

	if (typeof input.prompt !== 'string' || input.prompt.trim() === '') {
		throw invalid(
			node,
			itemIndex,
			'The "Prompt" parameter is empty',
			'Describe the image to generate, e.g. "a red fox in fresh snow, golden hour".',
		);
	}

	const rawSize = input.size === 'custom' ? input.customSize : input.size;
	const size =
		typeof rawSize === 'string'
			? rawSize.trim().replace(/^(\d+)\s*[xX×*]\s*(\d+)$/, '$1x$2')
			: String(rawSize ?? '');
	const normalizedSize = /^[0-9.]+k$/.test(size) ? size.toUpperCase() : size;
	const problem = sizeProblem(capabilities, normalizedSize);
	if (problem) {
		throw invalid(
			node,
			itemIndex,
			`The "Size" value "${normalizedSize}" is not valid for ${model.id}`,
			`${problem[0].toUpperCase()}${problem.slice(1)}.`,
		);
	}

	const body: IDataObject = { model: model.id, prompt: input.prompt, size: normalizedSize };
	const options = input.options ?? {};
	for (const [option, feature] of Object.entries(OPTION_FEATURES)) {
		const value = (options as IDataObject)[option];
		if (value === undefined || value === '' || value === null) continue;
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
	if (options.seed !== undefined) {
		const range = capabilities.seed;
		if (
			!Number.isInteger(options.seed) ||
			(range && (options.seed < range.min || options.seed > range.max))
		) {
			throw invalid(
				node,
				itemIndex,
				`Seed ${String(options.seed)} is out of range`,
				`Use a whole number from ${range?.min ?? -1} to ${range?.max ?? 2147483647}.`,
			);
		}
		body.seed = options.seed;
	}
	if (options.guidanceScale !== undefined) {
		const range = capabilities.guidanceScale;
		if (
			typeof options.guidanceScale !== 'number' ||
			Number.isNaN(options.guidanceScale) ||
			(range && (options.guidanceScale < range.min || options.guidanceScale > range.max))
		) {
			throw invalid(
				node,
				itemIndex,
				`Guidance scale ${String(options.guidanceScale)} is out of range`,
				`Use a number from ${range?.min ?? 1} to ${range?.max ?? 10}.`,
			);
		}
		body.guidance_scale = options.guidanceScale;
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
	if (capabilities.requiresReferenceImage) {
		throw invalid(
			node,
			itemIndex,
			`${model.id} edits images and needs a reference image`,
			'Use the Edit operation with a reference image, or pick a text-to-image model.',
		);
	}
	return { body, model };
}
