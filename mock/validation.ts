// Create-request validation of the mock API (contract §1.4, §1.5, §4) and its error envelope (§3).
// Every fact comes from ./contract, the mock's own restatement of docs/api-contract.md, never from
// the node's capability table: a node whose table is wrong then fails against the mock.
import {
	CONTRACT_LIMITS,
	CONTRACT_MODELS,
	contractModel,
	DECOMPOSITION_EXCLUDES,
	DEFAULT_SIZE,
	ENUMS,
	ERROR_MESSAGES,
	EXPLICIT_SIZE,
	KEYS_PRO_REFUSES,
	REFERENCE_FORMATS,
	SIZE_PRESETS,
	takes,
	type ContractModel,
	type ModelField,
	type SizePreset,
} from './contract';
import { sniffImageFormat } from './images';

export type RequestBody = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Errors (contract §3)

export const MESSAGES = ERROR_MESSAGES;

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
	model: ContractModel;
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

export function acceptedModelIds(options: ValidationOptions = {}): string[] {
	return CONTRACT_MODELS.filter((model) => options.acceptLegacyModels || !model.retired).flatMap(
		(model) => [model.id, ...model.olderIds],
	);
}

function oneOf(body: RequestBody, field: string, allowed: readonly unknown[]): void {
	const value = body[field];
	if (value !== undefined && !allowed.includes(value)) {
		throw bad(`${field} must be one of ${allowed.join(', ')}`);
	}
}

function requireField(model: ContractModel, field: ModelField): void {
	if (!takes(model, field)) throw bad(`${field} is not supported for model ${model.id}`);
}

function checkModel(body: RequestBody, options: ValidationOptions): ContractModel {
	if (body.model === undefined || body.model === '') throw bad('model is required');
	const allowed = acceptedModelIds(options);
	// Dot-form aliases are rejected like any unknown id (§1.3).
	if (typeof body.model !== 'string' || !allowed.includes(body.model)) {
		throw bad(`model must be one of ${allowed.join(', ')}`);
	}
	return contractModel(body.model)!;
}

function checkPrompt(body: RequestBody, layerDecomposition: boolean): void {
	if (body.prompt !== undefined && typeof body.prompt !== 'string')
		throw bad('prompt must be a string');
	const empty = typeof body.prompt !== 'string' || body.prompt.trim() === '';
	if (empty && !layerDecomposition) throw bad('prompt is required');
}

/** Pro refuses some keys even with their off values (§1.4 rule 8), so a node must leave them out. */
function checkProBody(body: RequestBody, model: ContractModel): void {
	const refused = KEYS_PRO_REFUSES[model.id] ?? [];
	const present = refused.find((key) => Object.prototype.hasOwnProperty.call(body, key));
	if (present) throw bad(`${present} is not supported for model ${model.id}`);
}

/** `seed` and `guidance_scale` left with the v3 models (§1.4 rule 9). */
function checkRetiredParameters(body: RequestBody, model: ContractModel): void {
	if (body.seed !== undefined) {
		requireField(model, 'seed');
		const { min, max } = model.seed!;
		const seed = body.seed;
		if (!Number.isInteger(seed) || (seed as number) < min || (seed as number) > max) {
			throw bad(`seed must be an integer between ${min} and ${max}`);
		}
	}
	if (body.guidance_scale !== undefined) {
		requireField(model, 'guidance_scale');
		const { min, max } = model.guidanceScale!;
		const scale = body.guidance_scale;
		if (typeof scale !== 'number' || scale < min || scale > max) {
			throw bad(`guidance_scale must be a number between ${min} and ${max}`);
		}
	}
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
	if (bytes > CONTRACT_LIMITS.maxReferenceImageBytes)
		throw bad(`${name} exceeds the 10 MB size limit`);
	if (!sniffImageFormat(Buffer.from(base64.slice(0, 64), 'base64'))) {
		throw bad(`${name} is not a decodable image`);
	}
}

function checkReferences(model: ContractModel, references: string[]): void {
	if (references.length > 0 && !takes(model, 'image')) {
		throw bad(`image is not supported for model ${model.id}`);
	}
	if (references.length === 0 && model.requiresReference) {
		throw bad(`image is required for model ${model.id}`);
	}
	const max = model.maxReferences ?? CONTRACT_LIMITS.maxReferences;
	if (references.length > max) {
		throw bad(`the number of reference images cannot exceed ${max}`);
	}
	references.forEach(checkReference);
}

/** Omitted size: upstream's default 2048x2048 (§1.4), `auto` for decomposition. */
function effectiveSize(body: RequestBody, model: ContractModel, layer: boolean): string {
	if (body.size !== undefined) {
		if (typeof body.size !== 'string') throw bad('size must be a string');
		return body.size;
	}
	if (layer) return 'auto';
	return model.presets.includes(DEFAULT_SIZE.preset) ? DEFAULT_SIZE.preset : DEFAULT_SIZE.explicit;
}

export function isPreset(size: string): size is SizePreset {
	return (SIZE_PRESETS as readonly string[]).includes(size);
}

export function parseSize(size: string): { width: number; height: number } | undefined {
	const match = EXPLICIT_SIZE.exec(size);
	if (!match) return undefined;
	const [width, height] = [Number(match[1]), Number(match[2])];
	return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Why `size` is refused for the model (§1.4 rule 2, §1.5, §4), in the API's words where known. */
export function sizeProblem(
	model: ContractModel,
	size: string,
	layer: boolean,
): string | undefined {
	if (layer) {
		if (model.decompositionSizes.includes(size)) return undefined;
		return `size "${size}" is not supported for layer decomposition with ${model.id}; use one of ${model.decompositionSizes.join(', ')}`;
	}
	if (isPreset(size)) {
		if (model.presets.includes(size)) return undefined;
		return model.presets.length
			? `the specified size is not supported for model ${model.id}; presets: ${model.presets.join(', ')}`
			: `the specified size is not supported for model ${model.id}; it needs an explicit WIDTHxHEIGHT size`;
	}
	const explicit = parseSize(size);
	if (!explicit) {
		return `size "${size}" is neither a preset (${model.presets.join(', ') || 'none for this model'}) nor WIDTHxHEIGHT such as 2048x2048`;
	}
	const pixels = explicit.width * explicit.height;
	const range = model.pixels;
	// No documented range (the v3 models): the API had the last word, the mock accepts the size.
	if (range && (pixels < range.min || pixels > range.max)) {
		return `size ${size} has ${pixels} pixels; ${model.id} accepts ${range.min} to ${range.max} pixels (width × height)`;
	}
	const ratio = explicit.width / explicit.height;
	if (ratio > model.maxAspectRatio || ratio < 1 / model.maxAspectRatio) {
		return `size ${size} has an aspect ratio beyond 1:${model.maxAspectRatio}`;
	}
	return undefined;
}

/** Images the request produces; validates the image-set fields on the way. */
function checkImageSet(body: RequestBody, model: ContractModel, references: number): number {
	oneOf(body, 'sequential_image_generation', ENUMS.sequential_image_generation);
	if (body.sequential_image_generation !== 'auto') return 1;
	requireField(model, 'sequential_image_generation');
	const options = body.sequential_image_generation_options as { max_images?: unknown } | undefined;
	const max = options?.max_images;
	if (max === undefined) {
		return Math.max(
			1,
			Math.min(DEFAULT_SET_SIZE, CONTRACT_LIMITS.maxReferencePlusGenerated - references),
		);
	}
	if (
		!Number.isInteger(max) ||
		(max as number) < 1 ||
		(max as number) > CONTRACT_LIMITS.maxImagesPerSet
	) {
		throw bad(`max_images must be an integer between 1 and ${CONTRACT_LIMITS.maxImagesPerSet}`);
	}
	if (references + (max as number) > CONTRACT_LIMITS.maxReferencePlusGenerated) {
		throw bad(
			`the number of reference images plus max_images cannot exceed ${CONTRACT_LIMITS.maxReferencePlusGenerated}`,
		);
	}
	return max as number;
}

function checkDelivery(body: RequestBody, model: ContractModel): void {
	for (const flag of ['stream', 'async', 'watermark'] as const) {
		if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
			throw bad(`${flag} must be a boolean`);
	}
	if (body.callback_url !== undefined) {
		if (typeof body.callback_url !== 'string' || !/^https?:\/\/\S+$/.test(body.callback_url)) {
			throw bad('callback_url must be an http(s) URL');
		}
	}
	oneOf(body, 'response_format', ENUMS.response_format);
	if (body.stream !== true) return;
	requireField(model, 'stream');
	if (body.async === true || body.callback_url !== undefined) {
		throw bad('stream cannot be used together with async or callback_url');
	}
}

function checkModelOptions(body: RequestBody, model: ContractModel): void {
	oneOf(body, 'output_format', ENUMS.output_format);
	if (body.output_format !== undefined) requireField(model, 'output_format');
	if (body.tools !== undefined) {
		const tools = body.tools;
		const valid =
			Array.isArray(tools) &&
			tools.every((tool) => (tool as { type?: unknown } | null)?.type === 'web_search');
		if (!valid) throw bad('tools must be an array of {"type":"web_search"}');
		requireField(model, 'tools');
	}
	const optimize = body.optimize_prompt_options as { mode?: unknown } | undefined;
	if (optimize === undefined) return;
	requireField(model, 'optimize_prompt_options');
	const modes: readonly unknown[] = model.optimizeModes;
	if (!modes.includes(optimize?.mode)) {
		throw bad(
			`optimize_prompt_options.mode must be ${modes.map((mode) => `'${mode}'`).join(' or ')}`,
		);
	}
}

/** Pro single-image editing only; transparent needs PNG output (§1.4 rule 5). */
function checkBackground(body: RequestBody, model: ContractModel, references: number): void {
	oneOf(body, 'background', ENUMS.background);
	if (body.background === undefined) return;
	requireField(model, 'background');
	if (references !== 1) throw bad('background requires exactly one input image');
	if (body.background === 'transparent' && body.output_format !== 'png') {
		throw bad('background "transparent" requires output_format "png"');
	}
}

/** When a field that cannot go with layer_decomposition (§1.4 rule 6) counts as set. */
const IS_SET: Record<string, (value: unknown) => boolean> = {
	sequential_image_generation: (value) => value === 'auto',
	stream: (value) => value === true,
};

function checkLayerDecomposition(
	body: RequestBody,
	model: ContractModel,
	references: number,
): void {
	requireField(model, 'layer_decomposition');
	if (references !== 1) throw bad('layer_decomposition requires exactly one input image');
	const conflicts = DECOMPOSITION_EXCLUDES.filter((field) =>
		(IS_SET[field] ?? ((value) => value !== undefined))(body[field]),
	);
	if (conflicts.length)
		throw bad(`layer_decomposition cannot be combined with ${conflicts.join(', ')}`);
}

/** Throws the HTTP 400 the API gives for an invalid create request; otherwise says what to produce. */
export function validateCreate(body: RequestBody, options: ValidationOptions = {}): CreatePlan {
	const model = checkModel(body, options);
	checkProBody(body, model);
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
