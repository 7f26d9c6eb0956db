// The API facts the mock enforces, restated from docs/api-contract.md (each with its section).
// Written from the document, not from the node: it imports nothing of the node's, so a wrong fact
// in the node's capability table is caught by the mock and by test/contract/capabilityTable.test.ts
// instead of being repeated here. When the contract changes, change the document first.

export type SizePreset = '1K' | '1.5K' | '2K' | '3K' | '4K';

/** Body fields only some models take, named as the API names them (§1.4, §1.5). */
export type ModelField =
	| 'image'
	| 'sequential_image_generation'
	| 'stream'
	| 'output_format'
	| 'tools'
	| 'optimize_prompt_options'
	| 'background'
	| 'layer_decomposition'
	| 'seed'
	| 'guidance_scale';

export type OptimizeMode = 'standard' | 'fast';

export interface NumericRange {
	min: number;
	max: number;
	default: number;
}

export interface ContractModel {
	/** The id the API takes in `model` (§1.3). */
	id: string;
	/** The model's name in the §1.3 tables ("Model" column). */
	name: string;
	/** Older ids the API still takes for the same model, echoed as sent (§1.3). */
	olderIds: string[];
	/** Dot forms from the public page: the API answers 400, the node maps them to `id` (§1.3). */
	aliases: string[];
	/** Removed from the API on RETIRED_ON (§1.3). */
	retired: boolean;
	/** Presets in `size` (§1.5). */
	presets: SizePreset[];
	/** Total pixels of a `WxH` size (§1.5, §4); null where the contract documents no range. */
	pixels: { min: number; max: number } | null;
	/** A `WxH` ratio must lie in [1 / maxAspectRatio, maxAspectRatio] (§4). */
	maxAspectRatio: number;
	/** Most reference images in `image` (§1.5, §4); null where the contract gives no count. */
	maxReferences: number | null;
	/** A call without `image` is refused (§1.5). */
	requiresReference: boolean;
	/** Model-dependent fields the model takes (§1.5). */
	fields: ModelField[];
	/** Values of `optimize_prompt_options.mode` (§1.5). */
	optimizeModes: OptimizeMode[];
	/** `size` values accepted with `layer_decomposition` (§1.5). */
	decompositionSizes: string[];
	/** The retired numeric fields (§1.4 rule 9, §1.5). */
	seed?: NumericRange;
	guidanceScale?: NumericRange;
}

/** The day Ace Data Cloud removed the v3 models, with `seed` and `guidance_scale` (§1.3, §1.4 rule 9). */
export const RETIRED_ON = '2026-08-05';

const SQUARE_LIMIT = 16_777_216; // 4096 × 4096 (§4)

/** §1.3 and §1.5, in the order the API lists them (§1.3). */
export const CONTRACT_MODELS: readonly ContractModel[] = [
	{
		id: 'doubao-seedream-5-0-pro-260628',
		name: 'Seedream 5.0 Pro',
		olderIds: [],
		aliases: ['doubao-seedream-5.0-pro'],
		retired: false,
		presets: ['1K', '1.5K', '2K'],
		pixels: { min: 921_600, max: 4_624_220 },
		// §4: not stated for Pro; the bound of the other models is assumed.
		maxAspectRatio: 16,
		maxReferences: 10,
		requiresReference: false,
		fields: [
			'image',
			'output_format',
			'optimize_prompt_options',
			'background',
			'layer_decomposition',
		],
		optimizeModes: ['standard', 'fast'],
		decompositionSizes: ['auto', '1K', '1.5K', '2K'],
	},
	{
		id: 'doubao-seedream-5-0-lite-260128',
		name: 'Seedream 5.0 Lite',
		olderIds: ['doubao-seedream-5-0-260128'],
		aliases: ['doubao-seedream-5.0-lite'],
		retired: false,
		presets: ['2K', '3K', '4K'],
		pixels: { min: 3_686_400, max: SQUARE_LIMIT },
		// §4: not stated for Lite; assumed.
		maxAspectRatio: 16,
		maxReferences: 14,
		requiresReference: false,
		fields: [
			'image',
			'sequential_image_generation',
			'stream',
			'output_format',
			'tools',
			'optimize_prompt_options',
		],
		optimizeModes: ['standard'],
		decompositionSizes: [],
	},
	{
		id: 'doubao-seedream-4-5-251128',
		name: 'Seedream 4.5',
		olderIds: [],
		aliases: ['doubao-seedream-4.5'],
		retired: false,
		presets: ['2K', '4K'],
		pixels: { min: 3_686_400, max: SQUARE_LIMIT },
		maxAspectRatio: 16,
		maxReferences: 14,
		requiresReference: false,
		fields: ['image', 'sequential_image_generation', 'stream', 'optimize_prompt_options'],
		optimizeModes: ['standard'],
		decompositionSizes: [],
	},
	{
		id: 'doubao-seedream-4-0-250828',
		name: 'Seedream 4.0',
		olderIds: [],
		aliases: ['doubao-seedream-4.0'],
		retired: false,
		presets: ['1K', '2K', '4K'],
		pixels: { min: 921_600, max: SQUARE_LIMIT },
		maxAspectRatio: 16,
		maxReferences: 14,
		requiresReference: false,
		fields: ['image', 'sequential_image_generation', 'stream', 'optimize_prompt_options'],
		optimizeModes: ['standard', 'fast'],
		decompositionSizes: [],
	},
	{
		id: 'doubao-seedream-3-0-t2i-250415',
		name: 'Seedream 3.0 text-to-image',
		olderIds: [],
		aliases: ['doubao-seedream-3.0-t2i'],
		retired: true,
		presets: [],
		pixels: null,
		maxAspectRatio: 16,
		// §1.5: a text-to-image model takes no reference (inferred).
		maxReferences: 0,
		requiresReference: false,
		fields: ['seed', 'guidance_scale'],
		optimizeModes: [],
		decompositionSizes: [],
		seed: { min: -1, max: 2_147_483_647, default: -1 },
		guidanceScale: { min: 1, max: 10, default: 2.5 },
	},
	{
		id: 'doubao-seededit-3-0-i2i-250628',
		name: 'SeedEdit 3.0 image-to-image',
		olderIds: [],
		aliases: ['doubao-seededit-3.0-i2i'],
		retired: true,
		presets: [],
		pixels: null,
		maxAspectRatio: 16,
		maxReferences: null,
		requiresReference: true,
		fields: ['image', 'guidance_scale'],
		optimizeModes: [],
		decompositionSizes: [],
		guidanceScale: { min: 1, max: 10, default: 5.5 },
	},
];

/** Limits common to every model (§1.4, §2.4, §4). */
export const CONTRACT_LIMITS = {
	/** `max_images` is 1 to this (§1.4 rule 3, §4). */
	maxImagesPerSet: 15,
	/** References plus `max_images` (§1.4 rule 3, §4). */
	maxReferencePlusGenerated: 15,
	/** Reference images when a model's own count is undocumented (§4). */
	maxReferences: 14,
	/** 10 MB per reference image, read as MiB (§4). */
	maxReferenceImageBytes: 10 * 1024 * 1024,
	/** Ids per retrieve_batch call the node sends (§2.4, §4). */
	maxTaskIdsPerBatch: 50,
	/** `WxH` aspect-ratio bound (§4). */
	maxAspectRatio: 16,
	/** Layers of a decomposition (§2.1, §4); the mock counts them above the base. */
	maxLayers: 16,
} as const;

/** All presets `size` can name (§1.4). `auto` is not one: it is for decomposition only. */
export const SIZE_PRESETS: readonly SizePreset[] = ['1K', '1.5K', '2K', '3K', '4K'];

/** `WxH` as the API's size pattern allows it (§1.4). */
export const EXPLICIT_SIZE = /^([0-9]+)x([0-9]+)$/;

/** Pixels a preset gives when the prompt names no ratio: 1:1 (§4). */
export const PRESET_SQUARES: Record<SizePreset, { width: number; height: number }> = {
	'1K': { width: 1024, height: 1024 },
	'1.5K': { width: 1536, height: 1536 },
	'2K': { width: 2048, height: 2048 },
	'3K': { width: 3072, height: 3072 },
	'4K': { width: 4096, height: 4096 },
};

/** What an omitted `size` gives (§1.4, §4). */
export const DEFAULT_SIZE = { preset: '2K' as SizePreset, explicit: '2048x2048' };

/** Formats a data-URI reference may declare (§4). */
export const REFERENCE_FORMATS: readonly string[] = [
	'jpeg',
	'jpg',
	'png',
	'webp',
	'bmp',
	'tiff',
	'gif',
];

/** Values of the enumerated body fields (§1.4). */
export const ENUMS = {
	sequential_image_generation: ['auto', 'disabled'],
	response_format: ['url', 'b64_json'],
	output_format: ['jpeg', 'png'],
	background: ['transparent', 'opaque'],
	taskActions: ['retrieve', 'retrieve_batch'],
} as const;

/** Pro refuses these keys whatever their value (§1.4 rule 8, 2026-12). */
export const KEYS_PRO_REFUSES: Record<string, readonly string[]> = {
	'doubao-seedream-5-0-pro-260628': ['sequential_image_generation', 'stream'],
};

/** Fields that cannot go with `layer_decomposition` (§1.4 rule 6). */
export const DECOMPOSITION_EXCLUDES = [
	'sequential_image_generation',
	'stream',
	'tools',
	'background',
];

/** The two routes (§1.1) and the images API's platform id, which task records carry (§1.1, §2.5). */
export const ROUTES = { images: '/seedream/images', tasks: '/seedream/tasks' } as const;
export const IMAGES_API_ID = '86ad30f3-0bc8-4b9b-b019-b9fa5b05672e';

/** The API's own error messages (§3); the rest are the mock's wording for undocumented cases. */
export const ERROR_MESSAGES: Record<string, string> = {
	no_token: 'No token specified for the request.',
	invalid_token: 'The specified token is invalid or wrong.',
	used_up: 'Your balance is not sufficient for current request, please buy more in Ace Data Cloud.',
	token_expired: 'token expired.',
	too_many_requests: 'You have exceeded the rate limit.',
	no_api: 'API does not exist, please make sure url is correct.',
	request_too_large: 'Request body is too large.',
	api_error: 'Internal server error.',
	// §3 lists the code without a message.
	timeout: 'The request timed out.',
	// §2.5: one guide's 404 for an unknown task, message undocumented.
	not_found: 'The task does not exist.',
};

export function contractModel(id: string): ContractModel | undefined {
	return CONTRACT_MODELS.find((model) => model.id === id || model.olderIds.includes(id));
}

export function takes(model: ContractModel, field: ModelField): boolean {
	return model.fields.includes(field);
}
