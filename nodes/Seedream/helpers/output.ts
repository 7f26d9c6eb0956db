import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ResolvedModel } from '../capabilities';
import { downloadImage, storeBase64Image } from '../transport/download';
import type { SeedreamContext } from '../transport/request';
import { settleWithConcurrency } from './concurrency';

export interface OutputSettings {
	/** Store images as n8n binary data; false returns URLs only. */
	download: boolean;
	binaryPropertyName: string;
	concurrency: number;
	downloadTimeoutMs?: number;
	maxDownloadBytes?: number;
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

function slotError(slot: IDataObject): IDataObject | undefined {
	return slot.error && typeof slot.error === 'object' ? (slot.error as IDataObject) : undefined;
}

/**
 * One output item per generated image, each paired with its input item, with the image as
 * binary data named `<task_id>-<n>.<ext>` (n counts from 1). Failed slots of a set are listed in
 * `failed_images`; the item fails only when no image succeeded.
 */
export async function imagesToItems(
	context: SeedreamContext,
	itemIndex: number,
	result: GenerationResult,
	settings: OutputSettings,
): Promise<INodeExecutionData[]> {
	const images = result.data
		.map((slot, index) => ({ slot, index }))
		.filter(({ slot }) => !slotError(slot) && (slot.image_url || slot.b64_json));
	const failed = result.data
		.map((slot, index) => ({ index, error: slotError(slot) }))
		.filter(({ error }) => error)
		.map(({ index, error }) => ({
			index,
			code: error?.code === undefined ? null : String(error.code),
			message: error?.message === undefined ? null : String(error.message),
		}));

	if (images.length === 0) {
		const first = failed[0];
		throw new NodeApiError(
			context.getNode(),
			{ task_id: result.taskId ?? null, trace_id: result.traceId ?? null, failed_images: failed },
			{
				message: first
					? `Seedream generated no image: ${String(first.message ?? first.code)}`
					: 'Seedream returned no image',
				description: `Task id: ${result.taskId ?? 'unknown'}. Trace id: ${result.traceId ?? 'unknown'}. A content-policy code such as OutputImageSensitiveContentDetected means the prompt or reference image should be changed.`,
				itemIndex,
			},
		);
	}

	const baseName = result.taskId ?? `seedream-${Date.now()}`;
	const outcomes = await settleWithConcurrency(
		images,
		settings.concurrency,
		async ({ slot, index }) => {
			const json: IDataObject = {
				task_id: result.taskId ?? null,
				trace_id: result.traceId ?? null,
				model: result.model?.id ?? null,
				...(result.model && result.model.requested !== result.model.id
					? { model_requested: result.model.requested }
					: {}),
				prompt: slot.prompt ?? null,
				size: slot.size ?? null,
				image_url: slot.image_url ?? null,
				index,
			};
			for (const key of ['output_format', 'z_index', 'name', 'description', 'bounding_box']) {
				if (slot[key] !== undefined) json[key] = slot[key];
			}
			if (failed.length) json.failed_images = failed;
			if (!settings.download)
				return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;

			const fileOptions = {
				itemIndex,
				fileBaseName: `${baseName}-${index + 1}`,
				taskId: result.taskId,
			};
			const binary =
				typeof slot.b64_json === 'string'
					? await storeBase64Image(context, slot.b64_json, fileOptions)
					: await downloadImage(context, String(slot.image_url), {
							...fileOptions,
							timeoutMs: settings.downloadTimeoutMs,
							maxBytes: settings.maxDownloadBytes,
						});
			return {
				json,
				binary: { [settings.binaryPropertyName]: binary },
				pairedItem: { item: itemIndex },
			} as INodeExecutionData;
		},
	);
	const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
	if (rejected) throw (rejected as PromiseRejectedResult).reason;
	return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<INodeExecutionData>).value);
}
