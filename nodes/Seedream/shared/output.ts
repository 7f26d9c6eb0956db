import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ResolvedModel } from '../capabilities';
import type { ConcurrencySetting } from '../transport/adaptiveConcurrency';
import { downloadImage, storeBase64Image } from '../transport/download';
import type { SeedreamContext } from '../transport/request';
import { settleWithConcurrency } from './concurrency';

/** Binary data only, image URLs only (nothing downloaded), or both. */
export type OutputMode = 'binary' | 'url' | 'both';
/** One output item per image, or every image of a job on one item. */
export type OutputGrouping = 'perImage' | 'perInput';

export interface OutputSettings {
	mode: OutputMode;
	/** The binary property of an image; with `perInput`, the prefix of `<name>_<index>`. */
	binaryPropertyName: string;
	grouping: OutputGrouping;
	/** File name with placeholders, see FILE_NAME_PLACEHOLDERS. */
	fileNameTemplate: string;
	/** Fail the item when any image of a set or stream failed, not only when all did. */
	strict: boolean;
	concurrency: ConcurrencySetting;
	downloadTimeoutMs?: number;
	maxDownloadBytes?: number;
}

export const DEFAULT_FILE_NAME_TEMPLATE = '{task_id}-{n}.{ext}';

export const FILE_NAME_PLACEHOLDERS = {
	task_id: 'task id',
	n: 'image number, from 1',
	index: 'image index, from 0',
	model: 'model id sent',
	ext: 'file extension from the real image type, e.g. jpg or png',
} as const;

type Placeholder = keyof typeof FILE_NAME_PLACEHOLDERS;

/** Why a file-name template cannot be used, or undefined when it can. */
export function fileNameTemplateProblem(template: string): string | undefined {
	if (template.trim() === '') return 'it is empty';
	const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
		.map((match) => match[1])
		.filter((name) => !Object.prototype.hasOwnProperty.call(FILE_NAME_PLACEHOLDERS, name));
	if (unknown.length) return `unknown placeholder {${unknown[0]}}`;
	return undefined;
}

/** Fills a file-name template; values lose path separators so a name never points elsewhere. */
export function renderFileName(template: string, values: Record<Placeholder, string>): string {
	return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
		Object.prototype.hasOwnProperty.call(values, name)
			? String(values[name as Placeholder]).replace(/[/\\:*?"<>|]/g, '-')
			: whole,
	);
}

/** A finished generation: the API's success body (sync answer, task response or callback). */
export interface GenerationResult {
	taskId?: string;
	traceId?: string;
	model?: ResolvedModel;
	/** The `data[]` slots, images or per-image errors. */
	data: IDataObject[];
	usage?: IDataObject;
}

export function readGenerationResult(body: IDataObject, model?: ResolvedModel): GenerationResult {
	return {
		taskId: typeof body.task_id === 'string' ? body.task_id : undefined,
		traceId: typeof body.trace_id === 'string' ? body.trace_id : undefined,
		model,
		data: Array.isArray(body.data)
			? (body.data as IDataObject[])
			: body.data
				? [body.data as IDataObject]
				: [],
		usage: body.usage as IDataObject | undefined,
	};
}

export interface FailedImage extends IDataObject {
	index: number;
	code: string | null;
	message: string | null;
}

/** What all images of one job share; filled in as it becomes known (a stream may name its task late). */
export interface ResultMeta {
	taskId?: string;
	traceId?: string;
	model?: ResolvedModel;
	/** Stands in for the task id in file names when the API sent none. */
	fallbackName: string;
}

export function resultMeta(
	result: Pick<GenerationResult, 'taskId' | 'traceId' | 'model'>,
): ResultMeta {
	return {
		taskId: result.taskId,
		traceId: result.traceId,
		model: result.model,
		fallbackName: `seedream-${Date.now()}`,
	};
}

/** One image of a job, stored (or not, for URL output) but not yet placed on an item. */
export interface StoredImage {
	index: number;
	json: IDataObject;
	binary?: IBinaryData;
}

const IMAGE_FIELDS = ['output_format', 'z_index', 'name', 'description', 'bounding_box'];

function slotError(slot: IDataObject): IDataObject | undefined {
	return slot.error && typeof slot.error === 'object' ? (slot.error as IDataObject) : undefined;
}

export function isImageSlot(slot: IDataObject | undefined): slot is IDataObject {
	return Boolean(slot && !slotError(slot) && (slot.image_url || slot.b64_json));
}

export function failedImage(index: number, error: IDataObject | undefined): FailedImage {
	return {
		index,
		code: error?.code === undefined || error.code === null ? null : String(error.code),
		message: error?.message === undefined || error.message === null ? null : String(error.message),
	};
}

/** The per-image failures of a result: slots that carry an error. */
export function failedImages(data: IDataObject[]): FailedImage[] {
	return data.flatMap((slot, index) => {
		const error = slot ? slotError(slot) : undefined;
		return error ? [failedImage(index, error)] : [];
	});
}

function idNote(meta: ResultMeta): string {
	return `Task id: ${meta.taskId ?? 'unknown'}. Trace id: ${meta.traceId ?? 'unknown'}.`;
}

/**
 * Fails the item when no image succeeded, or, in strict mode, when any failed or the result is
 * incomplete. Partial results otherwise pass: the failed slots are reported beside the images.
 */
export function checkFailures(
	context: SeedreamContext,
	itemIndex: number,
	meta: ResultMeta,
	outcome: { succeeded: number; failed: FailedImage[]; incomplete?: string },
	settings: Pick<OutputSettings, 'strict'>,
): void {
	const { succeeded, failed, incomplete } = outcome;
	const details = {
		task_id: meta.taskId ?? null,
		trace_id: meta.traceId ?? null,
		failed_images: failed as unknown as string,
	};
	if (succeeded === 0) {
		const first = failed[0];
		throw new NodeApiError(context.getNode(), details, {
			message: first
				? `Seedream generated no image: ${String(first.message ?? first.code)}`
				: 'Seedream returned no image',
			description: `${incomplete ? `${incomplete} ` : ''}${idNote(meta)} A content-policy code such as OutputImageSensitiveContentDetected means the prompt or reference image should be changed.`,
			itemIndex,
		});
	}
	if (settings.strict && (failed.length > 0 || incomplete)) {
		throw new NodeApiError(context.getNode(), details, {
			message: failed.length
				? `${failed.length} of ${succeeded + failed.length} images failed (strict mode): ${String(failed[0].message ?? failed[0].code)}`
				: 'The result is incomplete (strict mode)',
			description: `${incomplete ? `${incomplete} ` : ''}${idNote(meta)} The ${succeeded} images that succeeded can be fetched with Task → Get, or turn off "Fail If Any Image Fails" to keep them.`,
			itemIndex,
		});
	}
}

/**
 * Downloads (or decodes) one image into n8n's binary storage unless the output is URLs only.
 * `b64_json` has no URL to hand over, so it is stored even then.
 */
export async function storeImage(
	context: SeedreamContext,
	itemIndex: number,
	meta: ResultMeta,
	slot: IDataObject,
	index: number,
	settings: OutputSettings,
): Promise<StoredImage> {
	const json: IDataObject = {
		prompt: slot.prompt ?? null,
		size: slot.size ?? null,
		...(settings.mode === 'binary' ? {} : { image_url: slot.image_url ?? null }),
		index,
	};
	for (const key of IMAGE_FIELDS) if (slot[key] !== undefined) json[key] = slot[key];
	const hasBase64 = typeof slot.b64_json === 'string';
	if (settings.mode === 'url' && !hasBase64) return { index, json };

	// Renamed from the template once the whole job is known (see assembleItems).
	const fileOptions = {
		itemIndex,
		fileBaseName: `${meta.taskId ?? meta.fallbackName}-${index + 1}`,
		taskId: meta.taskId,
	};
	const binary = hasBase64
		? await storeBase64Image(context, String(slot.b64_json), fileOptions)
		: await downloadImage(context, String(slot.image_url), {
				...fileOptions,
				timeoutMs: settings.downloadTimeoutMs,
				maxBytes: settings.maxDownloadBytes,
			});
	return { index, json, binary };
}

function extensionOf(binary: IBinaryData): string {
	if (binary.fileExtension) return binary.fileExtension;
	return /\.([A-Za-z0-9]+)$/.exec(binary.fileName ?? '')?.[1] ?? 'bin';
}

/**
 * Places stored images on output items, each paired with its input item: one item per image
 * (binary property `name`) or one item for all (`name_<index>`), named from the template.
 */
export function assembleItems(
	itemIndex: number,
	meta: ResultMeta,
	stored: StoredImage[],
	failed: FailedImage[],
	settings: OutputSettings,
	extra: IDataObject = {},
): INodeExecutionData[] {
	const images = [...stored].sort((a, b) => a.index - b.index);
	const head: IDataObject = {
		task_id: meta.taskId ?? null,
		trace_id: meta.traceId ?? null,
		model: meta.model?.id ?? null,
		...(meta.model && meta.model.requested !== meta.model.id
			? { model_requested: meta.model.requested }
			: {}),
	};
	const tail: IDataObject = { ...(failed.length ? { failed_images: failed } : {}), ...extra };
	for (const image of images) {
		if (!image.binary) continue;
		image.binary.fileName = renderFileName(settings.fileNameTemplate, {
			task_id: meta.taskId ?? meta.fallbackName,
			n: String(image.index + 1),
			index: String(image.index),
			model: meta.model?.id ?? 'seedream',
			ext: extensionOf(image.binary),
		});
	}

	if (settings.grouping === 'perInput') {
		const binary: Record<string, IBinaryData> = {};
		const list = images.map((image) => {
			if (!image.binary) return image.json;
			const property = `${settings.binaryPropertyName}_${image.index}`;
			binary[property] = image.binary;
			return { ...image.json, binary_property: property };
		});
		return [
			{
				json: { ...head, images: list, ...tail },
				...(Object.keys(binary).length ? { binary } : {}),
				pairedItem: { item: itemIndex },
			},
		];
	}
	return images.map((image) => ({
		json: { ...head, ...image.json, ...tail },
		...(image.binary ? { binary: { [settings.binaryPropertyName]: image.binary } } : {}),
		pairedItem: { item: itemIndex },
	}));
}

/**
 * Output items for a finished generation: checks the failures first (strict mode fails before
 * anything is downloaded), then stores the images that succeeded and places them on items.
 */
export async function imagesToItems(
	context: SeedreamContext,
	itemIndex: number,
	result: GenerationResult,
	settings: OutputSettings,
): Promise<INodeExecutionData[]> {
	const meta = resultMeta(result);
	const images = result.data
		.map((slot, index) => ({ slot, index }))
		.filter(({ slot }) => isImageSlot(slot));
	const failed = failedImages(result.data);
	checkFailures(context, itemIndex, meta, { succeeded: images.length, failed }, settings);

	const outcomes = await settleWithConcurrency(
		images,
		settings.concurrency.max,
		async ({ slot, index }) => await storeImage(context, itemIndex, meta, slot, index, settings),
	);
	const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
	if (rejected) throw (rejected as PromiseRejectedResult).reason;
	const stored = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<StoredImage>).value);
	return assembleItems(itemIndex, meta, stored, failed, settings);
}
