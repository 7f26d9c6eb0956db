import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	assembleItems,
	checkFailures,
	failedImage,
	imagesToItems,
	isImageSlot,
	readGenerationResult,
	resultMeta,
	storeImage,
	type FailedImage,
	type StoredImage,
} from '../shared/output';
import { readNdjson } from '../transport/ndjson';
import { createJob, type PreparedJob } from './prepare';

/** A streamed image: Ace nests it in `data[]`; upstream Ark puts `url` on the line itself. */
function streamedImages(line: IDataObject): IDataObject[] {
	const images = (Array.isArray(line.data) ? line.data : [line]) as IDataObject[];
	return images.map((image) =>
		image.image_url === undefined && typeof image.url === 'string'
			? { ...image, image_url: image.url }
			: image,
	);
}

/**
 * Reads an NDJSON stream and starts each image's download as soon as its line arrives, so
 * downloads overlap the generation of the next images. `partial_failed` lines become per-image
 * failures; the job is done at `image_generation.completed`.
 */
export async function runStreaming(
	context: IExecuteFunctions,
	job: PreparedJob,
): Promise<INodeExecutionData[]> {
	const response = await createJob(context, job, true);
	if (!response.stream) {
		return await imagesToItems(
			context,
			job.itemIndex,
			readGenerationResult(response.body, job.request.model),
			job.output,
		);
	}
	const meta = resultMeta({ model: job.request.model });
	const downloads: Array<Promise<StoredImage>> = [];
	const failed: FailedImage[] = [];
	let slot = 0;
	let completed = false;
	for await (const line of readNdjson(response.stream)) {
		if (typeof line.task_id === 'string') meta.taskId = meta.taskId ?? line.task_id;
		if (typeof line.trace_id === 'string') meta.traceId = meta.traceId ?? line.trace_id;
		const type = String(line.type ?? '');
		const lineIndex = typeof line.image_index === 'number' ? line.image_index : undefined;
		if (type.endsWith('partial_succeeded')) {
			const images = streamedImages(line);
			for (const image of images) {
				const index = images.length === 1 && lineIndex !== undefined ? lineIndex : slot;
				slot = Math.max(slot, index + 1);
				if (!isImageSlot(image)) {
					failed.push(failedImage(index, { message: 'The stream line carried no image' }));
					continue;
				}
				const download = storeImage(context, job.itemIndex, meta, image, index, job.output);
				// Settled after the stream ends; until then a failure must not count as unhandled.
				download.catch(() => undefined);
				downloads.push(download);
			}
		} else if (type.endsWith('partial_failed')) {
			const index = lineIndex ?? slot;
			slot = Math.max(slot, index + 1);
			failed.push(failedImage(index, (line.error ?? {}) as IDataObject));
		} else if (type.endsWith('completed')) {
			completed = true;
			break;
		} else if (line.error || line.success === false) {
			const error = (
				typeof line.error === 'object' ? line.error : { message: line.error }
			) as IDataObject;
			failed.push(failedImage(slot++, error));
		}
	}
	const settled = await Promise.allSettled(downloads);
	const rejected = settled.find((outcome) => outcome.status === 'rejected');
	if (rejected) throw (rejected as PromiseRejectedResult).reason;
	const stored = settled.map((outcome) => (outcome as PromiseFulfilledResult<StoredImage>).value);
	const incomplete = completed
		? undefined
		: 'The stream was cut off before its "completed" line. Nothing was sent again, to avoid paying twice.';
	checkFailures(
		context,
		job.itemIndex,
		meta,
		{ succeeded: stored.length, failed, incomplete },
		job.output,
	);
	return assembleItems(
		job.itemIndex,
		meta,
		stored,
		failed,
		job.output,
		completed ? {} : { stream_completed: false },
	);
}
