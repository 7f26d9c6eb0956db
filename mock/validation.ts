// Create-request validation of the mock API (contract §1.4, §1.5, §4) and its error envelope (§3).
// Per-model facts come from the capability table, so node and mock cannot drift; the exception is
// a rule learnt after the table (Pro's stricter body), written here from the contract notes so a
// node that breaks it fails against the mock even if the table agrees with the node.
import {
	API_LIMITS,
	findModel,
	MODELS,
	sizeProblem,
	supports,
	type ModelCapabilities,
	type ModelFeature,
} from '../nodes/Seedream/capabilities';
import { sniffImageFormat } from './images';

export type RequestBody = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Errors (contract §3)

export const MESSAGES: Record<string, string> = {
	no_token: 'No token specified for the request.',
	invalid_token: 'The specified token is invalid or wrong.',
	used_up: 'Your balance is not sufficient for current request, please buy more in Ace Data Cloud.',
	token_expired: 'token expired.',
	too_many_requests: 'You have exceeded the rate limit.',
	no_api: 'API does not exist, please make sure url is correct.',
	request_too_large: 'Request body is too large.',
	api_error: 'Internal server error.',
	timeout: 'The request timed out.',
	not_found: 'The task does not exist.',
};

/** `code: null` sends an envelope without a code, as an unexplained 403 can come (contract §3). */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string | null,
		message = (code === null ? undefined : MESSAGES[code]) ?? code ?? `HTTP ${status}`,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export const bad = (message: string) => new HttpError(400, 'bad_request', message);

export function codeForStatus(status: number): string {
	if (status === 429) return 'too_many_requests';
	if (status === 504) return 'timeout';
	return status >= 500 ? 'api_error' : 'bad_request';
}

// ---------------------------------------------------------------------------------------------
// Create validation (contract §1.4, §1.5, §4). Messages follow the real API's where known.

/** What a valid create request asks for, worked out once. */
export interface CreatePlan {
	model: ModelCapabilities;
	references: string[];
	layerDecomposition: boolean;
	/** Effective `size` (the request's, or the upstream default). */
	size: string;
	/** Images an image set (or a single generation) produces. */
	imageCount: number;
	stream: boolean;
	/** `async:true` or a `callback_url`: answer at once with a task id. */
	async: boolean;
}

export interface ValidationOptions {
	/** The v3 models were retired on 2026-08-05; true simulates the API before that. */
	acceptLegacyModels?: boolean;
}

/** Images an image set makes when `max_images` is not given (upstream decides from the prompt). */
const DEFAULT_SET_SIZE = 4;
const REFERENCE_FORMATS = ['jpeg', 'jpg', 'png', 'webp', 'bmp', 'tiff', 'gif'];

export function acceptedModelIds(options: ValidationOptions = {}): string[] {
	return MODELS.filter((model) => options.acceptLegacyModels || !model.legacy).flatMap((model) => [
		model.id,
		...model.alternateIds,
	]);
}

function oneOf(body: RequestBody, field: string, allowed: readonly unknown[]): void {
	const value = body[field];
	if (value !== undefined && !allowed.includes(value)) {
		throw bad(`${field} must be one of ${allowed.join(', ')}`);
	}
}

function requireFeature(model: ModelCapabilities, feature: ModelFeature, field: string): void {
	if (!supports(model, feature)) throw bad(`${field} is not supported for model ${model.id}`);
}

function checkModel(body: RequestBody, options: ValidationOptions): ModelCapabilities {
	if (body.model === undefined || body.model === '') throw bad('model is required');
	const allowed = acceptedModelIds(options);
	// Aliases (dot forms) are known to the table but rejected by the API: match ids exactly.
	if (typeof body.model !== 'string' || !allowed.includes(body.model)) {
		throw bad(`model must be one of ${allowed.join(', ')}`);
	}
	return findModel(body.model)!;
}

function checkPrompt(body: RequestBody, layerDecomposition: boolean): void {
	if (body.prompt !== undefined && typeof body.prompt !== 'string')
		throw bad('prompt must be a string');
	const empty = typeof body.prompt !== 'string' || body.prompt.trim() === '';
	if (empty && !layerDecomposition) throw bad('prompt is required');
}

/**
 * Seedream 5.0 Pro answers 400 when `sequential_image_generation` or `stream` is in the body at all,
 * even as "disabled" or false (updates-2026-12, third-party report). Other models take them.
 */
const PRO_MODEL_ID = 'doubao-seedream-5-0-pro-260628';
const KEYS_PRO_REJECTS = ['sequential_image_generation', 'stream'];

function checkProBody(body: RequestBody): void {
	if (body.model !== PRO_MODEL_ID) return;
	const present = KEYS_PRO_REJECTS.find((key) => Object.prototype.hasOwnProperty.call(body, key));
	if (present) throw bad(`${present} is not supported for model ${PRO_MODEL_ID}`);
}

/** `seed` and `guidance_scale` left with the v3 models. */
function checkRetiredParameters(body: RequestBody, model: ModelCapabilities): void {
	if (body.seed !== undefined) requireFeature(model, 'seed', 'seed');
	if (body.guidance_scale !== undefined) requireFeature(model, 'guidanceScale', 'guidance_scale');
}

function referenceList(body: RequestBody): string[] {
	const { image } = body;
	if (image === undefined) return [];
	const list = Array.isArray(image) ? image : [image];
	if (!list.every((entry) => typeof entry === 'string')) {
		throw bad('image must be a URL string or an array of URL strings');
	}
	return list as string[];
}

/** One reference: an http(s) URL, or a data URI holding a real image of at most 10 MB. */
function checkReference(reference: string, index: number): void {
	if (/^https?:\/\/\S+$/i.test(reference)) return;
	const name = `image[${index}]`;
	const match = /^data:image\/([a-z]+);base64,([A-Za-z0-9+/]*={0,2})$/.exec(reference);
	if (!match) {
		throw bad(`${name} must be an http(s) URL or a data:image/<format>;base64,<data> URI`);
	}
	if (!REFERENCE_FORMATS.includes(match[1])) {
		throw bad(`${name} format ${match[1]} is not supported; use jpeg, png, webp, bmp, tiff or gif`);
	}
	const base64 = match[2];
	if (base64.length % 4 !== 0) throw bad(`${name} is not valid base64`);
	const bytes =
		(base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
	if (bytes > API_LIMITS.maxReferenceImageBytes) throw bad(`${name} exceeds the 10 MB size limit`);
	if (!sniffImageFormat(Buffer.from(base64.slice(0, 64), 'base64'))) {
		throw bad(`${name} is not a decodable image`);
	}
}

function checkReferences(model: ModelCapabilities, references: string[]): void {
	if (references.length > 0 && model.maxReferenceImages === 0) {
		throw bad(`image is not supported for model ${model.id}`);
	}
	if (references.length === 0 && model.requiresReferenceImage) {
		throw bad(`image is required for model ${model.id}`);
	}
	if (references.length > model.maxReferenceImages) {
		throw bad(`the number of reference images cannot exceed ${model.maxReferenceImages}`);
	}
	references.forEach(checkReference);
}

/** Omitted size: upstream's default 2048x2048 (2K), `auto` for decomposition. */
function effectiveSize(body: RequestBody, model: ModelCapabilities, layer: boolean): string {
	if (body.size !== undefined) {
		if (typeof body.size !== 'string') throw bad('size must be a string');
		return body.size;
	}
	if (layer) return 'auto';
	return model.sizePresets.includes('2K') ? '2K' : model.defaultSize;
}

/** Images the request produces; validates the image-set fields on the way. */
function checkImageSet(body: RequestBody, model: ModelCapabilities, references: number): number {
	oneOf(body, 'sequential_image_generation', ['auto', 'disabled']);
	if (body.sequential_image_generation !== 'auto') return 1;
	requireFeature(model, 'imageSet', 'sequential_image_generation');
	const options = body.sequential_image_generation_options as { max_images?: unknown } | undefined;
	const max = options?.max_images;
	if (max === undefined) {
		return Math.max(
			1,
			Math.min(DEFAULT_SET_SIZE, API_LIMITS.maxReferencePlusGenerated - references),
		);
	}
	if (
		!Number.isInteger(max) ||
		(max as number) < 1 ||
		(max as number) > API_LIMITS.maxImagesPerSet
	) {
		throw bad(`max_images must be an integer between 1 and ${API_LIMITS.maxImagesPerSet}`);
	}
	if (references + (max as number) > API_LIMITS.maxReferencePlusGenerated) {
		throw bad(
			`the number of reference images plus max_images cannot exceed ${API_LIMITS.maxReferencePlusGenerated}`,
		);
	}
	return max as number;
}

function checkDelivery(body: RequestBody, model: ModelCapabilities): void {
	for (const flag of ['stream', 'async', 'watermark'] as const) {
		if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
			throw bad(`${flag} must be a boolean`);
	}
	if (body.callback_url !== undefined) {
		if (typeof body.callback_url !== 'string' || !/^https?:\/\/\S+$/.test(body.callback_url)) {
			throw bad('callback_url must be an http(s) URL');
		}
	}
	oneOf(body, 'response_format', ['url', 'b64_json']);
	if (body.stream !== true) return;
	requireFeature(model, 'stream', 'stream');
	if (body.async === true || body.callback_url !== undefined) {
		throw bad('stream cannot be used together with async or callback_url');
	}
}

function checkModelOptions(body: RequestBody, model: ModelCapabilities): void {
	oneOf(body, 'output_format', ['jpeg', 'png']);
	if (body.output_format !== undefined) requireFeature(model, 'outputFormat', 'output_format');
	if (body.tools !== undefined) {
		const tools = body.tools;
		const valid =
			Array.isArray(tools) &&
			tools.every((tool) => (tool as { type?: unknown } | null)?.type === 'web_search');
		if (!valid) throw bad('tools must be an array of {"type":"web_search"}');
		requireFeature(model, 'webSearch', 'tools');
	}
	const optimize = body.optimize_prompt_options as { mode?: unknown } | undefined;
	if (optimize === undefined) return;
	requireFeature(model, 'optimizePrompt', 'optimize_prompt_options');
	const modes: readonly unknown[] = model.optimizePromptModes;
	if (!modes.includes(optimize?.mode)) {
		throw bad(
			`optimize_prompt_options.mode must be ${modes.map((mode) => `'${mode}'`).join(' or ')}`,
		);
	}
}

/** Pro single-image editing only; transparent needs PNG output. */
function checkBackground(body: RequestBody, model: ModelCapabilities, references: number): void {
	oneOf(body, 'background', ['transparent', 'opaque']);
	if (body.background === undefined) return;
	requireFeature(model, 'background', 'background');
	if (references !== 1) throw bad('background requires exactly one input image');
	if (body.background === 'transparent' && body.output_format !== 'png') {
		throw bad('background "transparent" requires output_format "png"');
	}
}

/** Fields that cannot go with layer_decomposition, and when a value counts as set. */
const LAYER_CONFLICTS: Record<string, (value: unknown) => boolean> = {
	sequential_image_generation: (value) => value === 'auto',
	stream: (value) => value === true,
	tools: (value) => value !== undefined,
	background: (value) => value !== undefined,
};

function checkLayerDecomposition(
	body: RequestBody,
	model: ModelCapabilities,
	references: number,
): void {
	requireFeature(model, 'layerDecomposition', 'layer_decomposition');
	if (references !== 1) throw bad('layer_decomposition requires exactly one input image');
	const conflicts = Object.keys(LAYER_CONFLICTS).filter((field) =>
		LAYER_CONFLICTS[field](body[field]),
	);
	if (conflicts.length)
		throw bad(`layer_decomposition cannot be combined with ${conflicts.join(', ')}`);
}

/** Throws the HTTP 400 the API gives for an invalid create request; otherwise says what to produce. */
export function validateCreate(body: RequestBody, options: ValidationOptions = {}): CreatePlan {
	const model = checkModel(body, options);
	checkProBody(body);
	if (body.layer_decomposition !== undefined && typeof body.layer_decomposition !== 'boolean') {
		throw bad('layer_decomposition must be a boolean');
	}
	const layerDecomposition = body.layer_decomposition === true;
	checkPrompt(body, layerDecomposition);
	checkRetiredParameters(body, model);
	const references = referenceList(body);
	checkReferences(model, references);
	// Before the size check: its message would otherwise hide that the model cannot decompose at all.
	if (layerDecomposition) checkLayerDecomposition(body, model, references.length);
	const size = effectiveSize(body, model, layerDecomposition);
	const sizeError = sizeProblem(model, size, layerDecomposition);
	if (sizeError) throw bad(sizeError);
	const imageCount = checkImageSet(body, model, references.length);
	checkDelivery(body, model);
	checkModelOptions(body, model);
	checkBackground(body, model, references.length);
	return {
		model,
		references,
		layerDecomposition,
		size,
		imageCount,
		stream: body.stream === true,
		async: body.async === true || body.callback_url !== undefined,
	};
}
