import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settleWithConcurrency } from '../../helpers/concurrency';
import {
	buildImageRequest,
	type ImageRequest,
	type ImageRequestInput,
} from '../../helpers/imageRequest';
import {
	imagesToItems,
	readGenerationResult,
	type GenerationResult,
	type OutputSettings,
} from '../../helpers/output';
import { pollTasks, type PollStats } from '../../helpers/poller';
import type { TaskState } from '../../helpers/task';
import { readNdjson } from '../../transport/ndjson';
import { seedreamApiRequest } from '../../transport/request';
import { readOutputSettings } from './common.description';
import { readPollSettings, type DeliveryMode } from './delivery.description';

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
	const mode = context.getNodeParameter('mode', itemIndex, 'sync') as DeliveryMode;
	const { request: input, options } = await readInput(context, itemIndex);
	const request = buildImageRequest(context.getNode(), itemIndex, {
		...input,
		delivery: mode === 'sync' ? 'sync' : 'async',
	});
	if (mode !== 'sync') request.body.async = true;
	return { itemIndex, mode, request, settings: readOutputSettings(context, options) };
}

function create(context: IExecuteFunctions, job: PreparedJob, stream = false) {
	return seedreamApiRequest(context, {
		path: '/seedream/images',
		body: job.request.body,
		kind: 'create',
		itemIndex: job.itemIndex,
		timeoutMs: job.settings.downloadTimeoutMs,
		stream,
	});
}

/**
 * Reads an NDJSON stream and starts each image's download as soon as its line arrives, so
 * downloads overlap the generation of the next images.
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
	const downloads: Array<Promise<INodeExecutionData[]>> = [];
	const failed: IDataObject[] = [];
	let slot = 0;
	let taskId: string | undefined;
	let traceId: string | undefined;
	let completed = false;
	for await (const line of readNdjson(response.stream)) {
		taskId = taskId ?? (typeof line.task_id === 'string' ? line.task_id : undefined);
		traceId = traceId ?? (typeof line.trace_id === 'string' ? line.trace_id : undefined);
		const type = String(line.type ?? '');
		if (type.endsWith('partial_succeeded')) {
			const images = (Array.isArray(line.data) ? line.data : [line]) as IDataObject[];
			for (const image of images) {
				const index = typeof line.image_index === 'number' ? line.image_index : slot;
				slot = Math.max(slot, index + 1);
				const single: GenerationResult = { taskId, traceId, model: job.request.model, data: [] };
				single.data[index] = image;
				downloads.push(
					imagesToItems(
						context,
						job.itemIndex,
						{ ...single, data: single.data.filter(Boolean) },
						job.settings,
					).then((items) => items.map((item) => ({ ...item, json: { ...item.json, index } }))),
				);
			}
		} else if (type.endsWith('partial_failed')) {
			const index = typeof line.image_index === 'number' ? line.image_index : slot;
			slot = Math.max(slot, index + 1);
			const error = (line.error ?? {}) as IDataObject;
			failed.push({ index, code: error.code ?? null, message: error.message ?? null });
		} else if (type.endsWith('completed')) {
			completed = true;
		} else if (line.error || line.success === false) {
			const error = (
				typeof line.error === 'object' ? line.error : { message: line.error }
			) as IDataObject;
			failed.push({ index: slot++, code: error.code ?? null, message: error.message ?? null });
		}
	}
	const settled = await Promise.allSettled(downloads);
	const items = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
	const firstRejection = settled.find((outcome) => outcome.status === 'rejected') as
		| PromiseRejectedResult
		| undefined;
	if (firstRejection) throw firstRejection.reason;
	if (items.length === 0) {
		throw new NodeApiError(
			context.getNode(),
			{
				task_id: taskId ?? null,
				trace_id: traceId ?? null,
				failed_images: failed as unknown as string,
			},
			{
				message: failed.length
					? `Seedream generated no image: ${String(failed[0].message ?? failed[0].code)}`
					: 'The stream ended without an image',
				description: completed
					? `Trace id: ${traceId ?? 'unknown'}.`
					: 'The stream was cut off before the "completed" line. Nothing was sent again, to avoid paying twice.',
				itemIndex: job.itemIndex,
			},
		);
	}
	if (failed.length) for (const item of items) item.json.failed_images = failed;
	return items.sort((a, b) => Number(a.json.index) - Number(b.json.index));
}

function taskFailure(
	context: IExecuteFunctions,
	itemIndex: number,
	state: TaskState,
): NodeApiError {
	const error = (state.response?.error ?? {}) as IDataObject;
	return new NodeApiError(
		context.getNode(),
		{
			task_id: state.taskId,
			code: (error.code as string) ?? null,
			message: (error.message as string) ?? null,
		},
		{
			message: `Seedream task failed: ${String(error.message ?? error.code ?? 'no reason given')}`,
			description: `Task id: ${state.taskId}. The API reported the failure; failed tasks are not billed upstream.`,
			itemIndex,
		},
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
	const concurrency = Math.max(1, Number(firstOptions.concurrency ?? 5));
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
	if (!this.continueOnFail() && results.some((result) => result instanceof ItemFailure)) {
		return finish(this, results);
	}

	await settleWithConcurrency(jobs, concurrency, async (job) => {
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
			if (job.mode === 'submitOnly')
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
		const stillPending = await pollTasks(
			this,
			[...byTask.keys()],
			poll,
			(state) => {
				const { job } = byTask.get(state.taskId)!;
				if (state.status === 'failed') {
					results[job.itemIndex] = new ItemFailure(
						taskFailure(this, job.itemIndex, state),
						state.taskId,
					);
					return;
				}
				const result = readGenerationResult(state.response ?? {}, job.request.model);
				result.taskId = result.taskId ?? state.taskId;
				downloads.push(
					imagesToItems(this, job.itemIndex, result, job.settings).then(
						(output) => void (results[job.itemIndex] = output),
						(error: Error) => void (results[job.itemIndex] = new ItemFailure(error, state.taskId)),
					),
				);
			},
			pollStats,
			submitted[0].job.itemIndex,
		);
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
	return finish(this, results);
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
