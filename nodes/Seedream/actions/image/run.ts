import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settleWithConcurrency } from '../../helpers/concurrency';
import {
	buildImageRequest,
	type ImageRequest,
	type ImageRequestInput,
} from '../../helpers/imageRequest';
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
	type OutputSettings,
	type StoredImage,
} from '../../helpers/output';
import { pollTasks, type PollStats } from '../../helpers/poller';
import {
	assertToolMode,
	compactToolItems,
	isToolNode,
	toolOutputSettings,
} from '../../helpers/tool';
import { taskFailedError } from '../../helpers/task';
import { adaptConcurrency, AUTO_CONCURRENCY } from '../../transport/adaptiveConcurrency';
import { readNdjson } from '../../transport/ndjson';
import { seedreamApiRequest } from '../../transport/request';
import { cancelSignal } from '../../transport/retry';
import { readOutputSettings } from './common.description';
import { callbackUrlForItem, pauseForCallbacks } from './callback';
import { DELIVERY_MODES, readPollSettings, type DeliveryMode } from './delivery.description';

/** What an Image operation reads from one input item. */
export interface ImageJobInput {
	request: ImageRequestInput;
	options: IDataObject;
}

export type ReadJobInput = (
	context: IExecuteFunctions,
	itemIndex: number,
) => Promise<ImageJobInput>;

interface PreparedJob {
	itemIndex: number;
	mode: DeliveryMode;
	request: ImageRequest;
	settings: OutputSettings;
	/** Timeout of the create call ("Request Timeout"). */
	timeoutMs: number;
}

/** A failure that belongs to one item, with the task id when a paid job exists. */
class ItemFailure {
	constructor(
		readonly error: Error,
		readonly taskId?: string,
	) {}
}

async function prepare(
	context: IExecuteFunctions,
	itemIndex: number,
	readInput: ReadJobInput,
): Promise<PreparedJob> {
	const isTool = isToolNode(context);
	const mode = String(context.getNodeParameter('mode', itemIndex, 'sync')).trim() as DeliveryMode;
	if (!DELIVERY_MODES.includes(mode)) {
		throw new NodeOperationError(context.getNode(), `"Mode" value "${mode}" is not valid`, {
			itemIndex,
			description: `Use one of ${DELIVERY_MODES.join(', ')} (the values behind the Mode list), or pick a mode from the list.`,
		});
	}
	assertToolMode(context, itemIndex, mode);
	const { request: input, options } = await readInput(context, itemIndex);
	const request = buildImageRequest(context.getNode(), itemIndex, {
		...input,
		delivery: mode === 'sync' ? 'sync' : mode.startsWith('callback') ? 'callback' : 'async',
	});
	const callbackUrl = callbackUrlForItem(context, itemIndex, mode, options);
	if (callbackUrl) request.body.callback_url = callbackUrl;
	else if (mode !== 'sync') request.body.async = true;
	const readSettings = readOutputSettings(context, options, itemIndex);
	const settings = isTool ? toolOutputSettings(readSettings) : readSettings;
	const timeoutSeconds = Number(options.timeoutSeconds);
	const timeoutMs =
		options.timeoutSeconds !== undefined && Number.isFinite(timeoutSeconds)
			? Math.max(1000, Math.round(timeoutSeconds * 1000))
			: (settings.downloadTimeoutMs ?? 300_000);
	return { itemIndex, mode, request, settings, timeoutMs };
}

function create(context: IExecuteFunctions, job: PreparedJob, stream = false) {
	return seedreamApiRequest(context, {
		path: '/seedream/images',
		body: job.request.body,
		kind: 'create',
		itemIndex: job.itemIndex,
		timeoutMs: job.timeoutMs,
		stream,
	});
}

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
async function runStreaming(
	context: IExecuteFunctions,
	job: PreparedJob,
): Promise<INodeExecutionData[]> {
	const response = await create(context, job, true);
	if (!response.stream) {
		return await imagesToItems(
			context,
			job.itemIndex,
			readGenerationResult(response.body, job.request.model),
			job.settings,
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
				const download = storeImage(context, job.itemIndex, meta, image, index, job.settings);
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
		job.settings,
	);
	return assembleItems(
		job.itemIndex,
		meta,
		stored,
		failed,
		job.settings,
		completed ? {} : { stream_completed: false },
	);
}

function pendingItem(
	job: PreparedJob,
	taskId: string,
	traceId: unknown,
	timedOut: boolean,
): INodeExecutionData {
	return {
		json: {
			task_id: taskId,
			trace_id: (traceId as string) ?? null,
			status: 'pending',
			model: job.request.model.id,
			...(timedOut ? { timed_out: true } : {}),
		},
		pairedItem: { item: job.itemIndex },
	};
}

/**
 * Runs an Image operation for all input items: validate everything first (bad input never
 * costs credits), then per mode either call and download, or submit all and poll the tasks
 * together. Output keeps input order; every item is paired with its input.
 */
export async function runImageOperation(
	this: IExecuteFunctions,
	readInput: ReadJobInput,
	pollStats?: PollStats,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const firstOptions = (this.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
	const results: Array<INodeExecutionData[] | ItemFailure> = new Array(items.length);
	const submitted: Array<{ job: PreparedJob; taskId: string; traceId: unknown }> = [];

	// Validation runs for every item before the first paid request.
	const prepared = await settleWithConcurrency(
		items,
		items.length,
		async (_item, index) => await prepare(this, index, readInput),
	);
	const jobs: PreparedJob[] = [];
	prepared.forEach((outcome, index) => {
		if (outcome.status === 'fulfilled') jobs.push(outcome.value);
		else results[index] = new ItemFailure(outcome.reason as Error);
	});
	// One execution pauses for all its items or for none: a pause cannot leave some items behind.
	const pausing = jobs.filter((job) => job.mode === 'callbackWait');
	if (pausing.length > 0 && pausing.length < jobs.length) {
		const other = jobs.find((job) => job.mode !== 'callbackWait')!;
		throw new NodeOperationError(
			this.getNode(),
			`"Mode" is callbackWait for some items and ${other.mode} for others`,
			{
				itemIndex: other.itemIndex,
				description:
					'The callback pause mode pauses the whole execution, so every item of a run must use it, or none. Give all items the same mode, or split them with an If node.',
			},
		);
	}
	if (!this.continueOnFail() && results.some((result) => result instanceof ItemFailure)) {
		return finish(this, results);
	}

	// The first item's Concurrency (checked in prepare) applies to the whole run. The limiters
	// bound the requests themselves, so every job may be under way (waiting for a slot).
	adaptConcurrency(this, jobs[0]?.settings.concurrency ?? AUTO_CONCURRENCY);
	await settleWithConcurrency(jobs, jobs.length, async (job) => {
		try {
			if (job.mode === 'sync') {
				results[job.itemIndex] = job.request.body.stream
					? await runStreaming(this, job)
					: await imagesToItems(
							this,
							job.itemIndex,
							readGenerationResult((await create(this, job)).body, job.request.model),
							job.settings,
						);
				return;
			}
			const response = await create(this, job);
			const taskId = String(response.body.task_id ?? '');
			if (!taskId) {
				throw new NodeOperationError(
					this.getNode(),
					'The API accepted the job but returned no task_id',
					{
						itemIndex: job.itemIndex,
						description: `Trace id: ${String(response.body.trace_id ?? 'unknown')}. Look the job up in the Ace Data Cloud console.`,
					},
				);
			}
			if (job.mode === 'submitOnly' || job.mode.startsWith('callback'))
				results[job.itemIndex] = [pendingItem(job, taskId, response.body.trace_id, false)];
			else submitted.push({ job, taskId, traceId: response.body.trace_id });
		} catch (error) {
			results[job.itemIndex] = new ItemFailure(error as Error);
		}
	});

	if (submitted.length > 0) {
		const byTask = new Map(submitted.map((entry) => [entry.taskId, entry]));
		const poll = readPollSettings(firstOptions);
		const downloads: Array<Promise<void>> = [];
		const finishedIds = new Set<string>();
		let stillPending: string[];
		try {
			stillPending = await pollTasks(
				this,
				[...byTask.keys()],
				poll,
				(state) => {
					finishedIds.add(state.taskId);
					const { job } = byTask.get(state.taskId)!;
					if (state.status === 'failed') {
						results[job.itemIndex] = new ItemFailure(
							taskFailedError(this.getNode(), state, job.itemIndex),
							state.taskId,
						);
						return;
					}
					const result = readGenerationResult(state.response ?? {}, job.request.model);
					result.taskId = result.taskId ?? state.taskId;
					downloads.push(
						imagesToItems(this, job.itemIndex, result, job.settings).then(
							(output) => void (results[job.itemIndex] = output),
							(error: Error) =>
								void (results[job.itemIndex] = new ItemFailure(error, state.taskId)),
						),
					);
				},
				pollStats,
				submitted[0].job.itemIndex,
			);
		} catch (error) {
			// The stop error passes through unchanged (the constructor returns it as it is).
			if (cancelSignal(this)?.aborted) throw new NodeOperationError(this.getNode(), error as Error);
			// The jobs exist and may be billed: every unfinished item keeps its task id.
			const reason = (error as Error).message;
			for (const [taskId, { job }] of byTask) {
				if (finishedIds.has(taskId)) continue;
				results[job.itemIndex] = new ItemFailure(
					new NodeOperationError(this.getNode(), `Checking the task failed: ${reason}`, {
						itemIndex: job.itemIndex,
						description: `Task id: ${taskId}. The task may still finish and be billed: fetch it later with Task → Wait for Completion.`,
					}),
					taskId,
				);
			}
			stillPending = [];
		}
		await Promise.all(downloads);
		for (const taskId of stillPending) {
			const { job, traceId } = byTask.get(taskId)!;
			results[job.itemIndex] =
				poll.onTimeout === 'error'
					? new ItemFailure(
							new NodeOperationError(this.getNode(), 'The task did not finish within "Max Wait"', {
								itemIndex: job.itemIndex,
								description: `Task id: ${taskId}. It may still finish and be billed: fetch it later with Task → Wait for Completion.`,
							}),
							taskId,
						)
					: [pendingItem(job, taskId, traceId, true)];
		}
	}
	const output = finish(this, results);
	if (isToolNode(this)) return [compactToolItems(output[0])];
	if (jobs[0]?.mode === 'callbackWait')
		await pauseForCallbacks(this, output[0], items.length, firstOptions);
	return output;
}

function finish(
	context: IExecuteFunctions,
	results: Array<INodeExecutionData[] | ItemFailure | undefined>,
): INodeExecutionData[][] {
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, result] of results.entries()) {
		if (result === undefined) continue;
		if (!(result instanceof ItemFailure)) {
			output.push(...result);
			continue;
		}
		const error = result.error as Error & { description?: string };
		if (!context.continueOnFail()) {
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(context.getNode(), error, { itemIndex });
		}
		output.push({
			json: {
				error: error.message,
				...(error.description ? { description: error.description } : {}),
				...(result.taskId ? { task_id: result.taskId } : {}),
			},
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}
