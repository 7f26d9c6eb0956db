/**
 * The single source of truth for what each Seedream model accepts.
 *
 * The node's UI (displayOptions) and the pre-flight validation read this table, so adding a model
 * or a parameter is one edit here. Facts come from docs/api-contract.md §1.3–§1.5 and §4; the
 * mock keeps its own copy of them (mock/contract.ts) and test/contract compares the two.
 */

export type SizePreset = '1K' | '1.5K' | '2K' | '3K' | '4K';

/** Request features that differ between models. Everything else is common to all models. */
export type ModelFeature =
	| 'referenceImages'
	| 'imageSet'
	| 'stream'
	| 'outputFormat'
	| 'webSearch'
	| 'optimizePrompt'
	| 'background'
	| 'layerDecomposition'
	| 'seed'
	| 'guidanceScale';

export type OptimizePromptMode = 'standard' | 'fast';

export interface PixelRange {
	/** Smallest allowed width × height for an explicit `WxH` size. */
	min: number;
	/** Largest allowed width × height for an explicit `WxH` size. */
	max: number;
}

export interface ModelCapabilities {
	/** The id the API expects in `model`. */
	id: string;
	displayName: string;
	/** Legacy models are shown under a marked label; the API may have retired them. */
	legacy: boolean;
	/** Other ids users paste (e.g. the dot form from the public docs page); mapped to `id` before sending. */
	aliases: string[];
	/** Older ids the API still lists for the same model; sent verbatim when the user picks them. */
	alternateIds: string[];
	sizePresets: SizePreset[];
	/** What the UI preselects for this model. */
	defaultSize: string;
	/** Whether an explicit `WxH` size is allowed. */
	customSize: boolean;
	pixelRange: PixelRange;
	/** Allowed width / height ratio of a `WxH` size is [1 / maxAspectRatio, maxAspectRatio]. */
	maxAspectRatio: number;
	/** Reference images accepted in `image`; 0 means text-to-image only. */
	maxReferenceImages: number;
	/** Whether a request without a reference image is rejected. */
	requiresReferenceImage: boolean;
	features: ModelFeature[];
	optimizePromptModes: OptimizePromptMode[];
	/** Sizes accepted together with `layer_decomposition`. */
	layerDecompositionSizes: string[];
	/** Defaults and ranges of the legacy numeric parameters: present exactly when the feature is. */
	guidanceScale?: NumericRange;
	seed?: NumericRange;
	/** Shown under the model selector. */
	notice?: string;
}

export interface NumericRange {
	min: number;
	max: number;
	default: number;
}

/** Limits common to all models (docs/api-contract.md §4; task ids per batch §2.4). */
export const API_LIMITS = {
	maxImagesPerSet: 15,
	/** Reference images plus generated images may not exceed this. */
	maxReferencePlusGenerated: 15,
	maxReferenceImageBytes: 10 * 1024 * 1024,
	maxTaskIdsPerBatch: 50,
	maxAspectRatio: 16,
} as const;

const LEGACY_NOTICE =
	'Legacy model: Ace Data Cloud removed the v3 models on 2026-08-05, so the API may reject it. Prefer Seedream 4.0 or newer.';

/** What the retired v3 models share: WIDTHxHEIGHT sizes only, one pixel range, no new features. */
const V3_FAMILY = {
	legacy: true,
	alternateIds: [],
	sizePresets: [],
	defaultSize: '1024x1024',
	customSize: true,
	pixelRange: { min: 262_144, max: 4_194_304 },
	maxAspectRatio: 16,
	optimizePromptModes: [],
	layerDecompositionSizes: [],
	notice: LEGACY_NOTICE,
} satisfies Partial<ModelCapabilities>;

export const MODELS: ModelCapabilities[] = [
	{
		id: 'doubao-seedream-5-0-pro-260628',
		displayName: 'Seedream 5.0 Pro',
		legacy: false,
		aliases: ['doubao-seedream-5.0-pro'],
		alternateIds: [],
		sizePresets: ['1K', '1.5K', '2K'],
		defaultSize: '2K',
		customSize: true,
		pixelRange: { min: 921_600, max: 4_624_220 },
		maxAspectRatio: 16,
		maxReferenceImages: 10,
		requiresReferenceImage: false,
		features: [
			'referenceImages',
			'outputFormat',
			'optimizePrompt',
			'background',
			'layerDecomposition',
		],
		optimizePromptModes: ['standard', 'fast'],
		layerDecompositionSizes: ['auto', '1K', '1.5K', '2K'],
	},
	{
		id: 'doubao-seedream-5-0-lite-260128',
		displayName: 'Seedream 5.0 Lite',
		legacy: false,
		aliases: ['doubao-seedream-5.0-lite'],
		alternateIds: ['doubao-seedream-5-0-260128'],
		sizePresets: ['2K', '3K', '4K'],
		defaultSize: '2K',
		customSize: true,
		pixelRange: { min: 3_686_400, max: 16_777_216 },
		maxAspectRatio: 16,
		maxReferenceImages: 14,
		requiresReferenceImage: false,
		features: [
			'referenceImages',
			'imageSet',
			'stream',
			'outputFormat',
			'webSearch',
			'optimizePrompt',
		],
		optimizePromptModes: ['standard'],
		layerDecompositionSizes: [],
	},
	{
		id: 'doubao-seedream-4-5-251128',
		displayName: 'Seedream 4.5',
		legacy: false,
		aliases: ['doubao-seedream-4.5'],
		alternateIds: [],
		sizePresets: ['2K', '4K'],
		defaultSize: '2K',
		customSize: true,
		pixelRange: { min: 3_686_400, max: 16_777_216 },
		maxAspectRatio: 16,
		maxReferenceImages: 14,
		requiresReferenceImage: false,
		features: ['referenceImages', 'imageSet', 'stream', 'optimizePrompt'],
		optimizePromptModes: ['standard'],
		layerDecompositionSizes: [],
	},
	{
		id: 'doubao-seedream-4-0-250828',
		displayName: 'Seedream 4.0',
		legacy: false,
		aliases: ['doubao-seedream-4.0'],
		alternateIds: [],
		sizePresets: ['1K', '2K', '4K'],
		defaultSize: '2K',
		customSize: true,
		pixelRange: { min: 921_600, max: 16_777_216 },
		maxAspectRatio: 16,
		maxReferenceImages: 14,
		requiresReferenceImage: false,
		features: ['referenceImages', 'imageSet', 'stream', 'optimizePrompt'],
		optimizePromptModes: ['standard', 'fast'],
		layerDecompositionSizes: [],
	},
	{
		id: 'doubao-seedream-3-0-t2i-250415',
		displayName: 'Seedream 3.0 Text-to-Image (Legacy)',
		...V3_FAMILY,
		aliases: ['doubao-seedream-3.0-t2i'],
		maxReferenceImages: 0,
		requiresReferenceImage: false,
		features: ['seed', 'guidanceScale'],
		guidanceScale: { min: 1, max: 10, default: 2.5 },
		seed: { min: -1, max: 2_147_483_647, default: -1 },
	},
	{
		id: 'doubao-seededit-3-0-i2i-250628',
		displayName: 'SeedEdit 3.0 Image-to-Image (Legacy)',
		...V3_FAMILY,
		aliases: ['doubao-seededit-3.0-i2i'],
		maxReferenceImages: 1,
		requiresReferenceImage: true,
		features: ['referenceImages', 'guidanceScale'],
		guidanceScale: { min: 1, max: 10, default: 5.5 },
	},
];

export const DEFAULT_MODEL_ID = 'doubao-seedream-5-0-lite-260128';

/** The model selector value that reveals a free-text model id field. */
export const CUSTOM_MODEL = '__custom';

/**
 * Checks applied to a model id the table does not know (a model released after this version):
 * generic API limits only, every parameter allowed, the API has the last word.
 */
export const GENERIC_CAPABILITIES: ModelCapabilities = {
	id: '',
	displayName: 'Custom model',
	legacy: false,
	aliases: [],
	alternateIds: [],
	sizePresets: ['1K', '1.5K', '2K', '3K', '4K'],
	defaultSize: '2K',
	customSize: true,
	pixelRange: { min: 1, max: 36_000_000 },
	maxAspectRatio: 16,
	maxReferenceImages: 14,
	requiresReferenceImage: false,
	features: [
		'referenceImages',
		'imageSet',
		'stream',
		'outputFormat',
		'webSearch',
		'optimizePrompt',
		'background',
		'layerDecomposition',
	],
	optimizePromptModes: ['standard', 'fast'],
	layerDecompositionSizes: ['auto', '1K', '1.5K', '2K', '3K', '4K'],
};

export interface ResolvedModel {
	/** The id sent to the API. */
	id: string;
	/** What the user asked for, when it differs from `id` (an alias). */
	requested: string;
	capabilities: ModelCapabilities;
}

export function findModel(id: string): ModelCapabilities | undefined {
	const wanted = id.trim();
	return MODELS.find(
		(model) =>
			model.id === wanted || model.aliases.includes(wanted) || model.alternateIds.includes(wanted),
	);
}

/** Maps what a user typed (id, alternate id or alias) to the id to send and its capabilities. */
export function resolveModel(value: string): ResolvedModel {
	const requested = value.trim();
	const model = findModel(requested);
	if (!model) {
		return {
			id: requested,
			requested,
			capabilities: { ...GENERIC_CAPABILITIES, id: requested },
		};
	}
	const id = model.alternateIds.includes(requested) ? requested : model.id;
	return { id, requested, capabilities: model };
}

export function supports(model: ModelCapabilities, feature: ModelFeature): boolean {
	return model.features.includes(feature);
}

/**
 * Every value under which a model can reach the node: its id, older ids and aliases. Display
 * conditions list all of them, so a model given by an expression that resolves to an alias (the
 * editor resolves expressions before it checks them) shows the same fields as the model picked.
 */
export function modelNames(model: ModelCapabilities): string[] {
	return [model.id, ...model.alternateIds, ...model.aliases];
}

/** The names (see modelNames) of the models that support a feature: feeds displayOptions. */
export function modelIdsWith(feature: ModelFeature): string[] {
	return modelIdsWhere((model) => supports(model, feature));
}

export function modelIdsWhere(predicate: (model: ModelCapabilities) => boolean): string[] {
	return MODELS.filter(predicate).flatMap(modelNames);
}

const SIZE_PRESETS: readonly SizePreset[] = ['1K', '1.5K', '2K', '3K', '4K'];

const SIZE_PATTERN = /^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$/;

/** `size` arrives trimmed and with a lower-case x (jobs/imageRequest.ts normalizes it). */
function parseExplicitSize(size: string): { width: number; height: number } | undefined {
	const match = SIZE_PATTERN.exec(size);
	if (!match) return undefined;
	return { width: Number(match[1]), height: Number(match[2]) };
}

export function isPreset(size: string): size is SizePreset {
	return (SIZE_PRESETS as readonly string[]).includes(size);
}

/** Why a size is not acceptable for a model, or undefined when it is. */
export function sizeProblem(
	model: ModelCapabilities,
	size: string,
	layerDecomposition: boolean,
): string | undefined {
	if (layerDecomposition) {
		if (model.layerDecompositionSizes.includes(size)) return undefined;
		return `size "${size}" is not supported for layer decomposition with ${model.id}; use one of ${model.layerDecompositionSizes.join(', ')}`;
	}
	if (isPreset(size)) {
		if (model.sizePresets.includes(size)) return undefined;
		return model.sizePresets.length
			? `the specified size is not supported for model ${model.id}; presets: ${model.sizePresets.join(', ')}`
			: `the specified size is not supported for model ${model.id}; it needs an explicit WIDTHxHEIGHT size`;
	}
	const explicit = parseExplicitSize(size);
	if (!explicit || !model.customSize) {
		return `size "${size}" is neither a preset (${model.sizePresets.join(', ') || 'none for this model'}) nor WIDTHxHEIGHT such as 2048x2048`;
	}
	const pixels = explicit.width * explicit.height;
	if (pixels < model.pixelRange.min || pixels > model.pixelRange.max) {
		return `size ${size} has ${pixels} pixels; ${model.id} accepts ${model.pixelRange.min} to ${model.pixelRange.max} pixels (width × height)`;
	}
	const ratio = explicit.width / explicit.height;
	if (ratio > model.maxAspectRatio || ratio < 1 / model.maxAspectRatio) {
		return `size ${size} has an aspect ratio beyond 1:${model.maxAspectRatio}`;
	}
	return undefined;
}

/**
 * Node option name → the model feature it needs. The UI shows an option only for models with the
 * feature, validation rejects it (e.g. set by an expression) for the others, and the description
 * test walks this map against the node description.
 */
export const OPTION_FEATURES: Record<string, ModelFeature> = {
	outputFormat: 'outputFormat',
	webSearch: 'webSearch',
	optimizePromptMode: 'optimizePrompt',
	seed: 'seed',
	guidanceScale: 'guidanceScale',
	maxImages: 'imageSet',
	stream: 'stream',
	background: 'background',
};
