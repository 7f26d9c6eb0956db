import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { settleWithConcurrency } from '../shared/concurrency';
import { imagesToItems, readGenerationResult } from '../shared/output';
import { batchSettings, type PollSettings } from '../shared/settings';
import { pollTasks } from '../shared/taskLookup';
import {
	asNodeError,
	finishedTaskItems,
	ItemFailure,
	type ItemOutcome,
	type RunPolicy,
} from '../shared/taskResult';
import { adaptConcurrency } from '../transport/adaptiveConcurrency';
import { cancelSignal } from '../transport/retry';
import { pauseForCallbacks } from './callbackPause';
import { createJob, prepareJob, type PreparedJob, type ReadJobInput } from './prepare';
import { runStreaming } from './streaming';

type ItemResult = INodeExecutionData[] | ItemFailure;

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

/** Refuses a run in which only some items would pause: a pause cannot leave items behind. */
function assertOnePauseForAll(context: IExecuteFunctions, jobs: PreparedJob[]): void {
	const pausing = jobs.filter((job) => job.mode === 'callbackWait');
	if (pausing.length === 0 || pausing.length === jobs.length) return;
	const other = jobs.find((job) => job.mode !== 'callbackWait')!;
	throw new NodeOperationError(
		context.getNode(),
		`"Mode" is callbackWait for some items and ${other.mode} for others`,
		{
			itemIndex: other.itemIndex,
			description:
				'The callback pause mode pauses the whole execution, so every item of a run must use it, or none. Give all items the same mode, or split them with an If node.',
		},
	);
}

/**
 * Runs an Image operation for all input items: validate everything first (bad input never
 * costs credits), then per mode either call and download, or submit all and poll the tasks
 * together. Returns one outcome per input item, in input order; the router turns failures into
 * errors or error items.
 */
export async function runImageJobs(
	this: IExecuteFunctions,
	policy: RunPolicy,
	readInput: ReadJobInput,
): Promise<ItemOutcome[]> {
	const items = this.getInputData();
	const results: Array<ItemResult | undefined> = new Array(items.length);

	// Validation runs for every item before the first paid request.
	const prepared = await settleWithConcurrency(
		items,
		items.length,
		async (_item, index) => await prepareJob(this, index, readInput),
	);
	const jobs: PreparedJob[] = [];
	prepared.forEach((outcome, index) => {
		if (outcome.status === 'fulfilled') jobs.push(outcome.value);
		else results[index] = new ItemFailure(asNodeError(this, outcome.reason, index));
	});
	assertOnePauseForAll(this, jobs);
	const batch = batchSettings(
		this.getNode(),
		jobs.map((job) => ({ itemIndex: job.itemIndex, settings: job.settings })),
	);
	const anyInvalid = results.some((result) => result instanceof ItemFailure);
	if (!batch || (anyInvalid && !policy.continueOnFail)) return outcomesOf(results);

	// The limiters bound the requests themselves (one Concurrency for the run, checked above), so
	// every job may be under way, waiting for a slot.
	adaptConcurrency(this, batch.concurrency);
	const submitted: Array<{ job: PreparedJob; taskId: string; traceId: unknown }> = [];
	await settleWithConcurrency(jobs, jobs.length, async (job) => {
		try {
			if (job.mode === 'sync') {
				results[job.itemIndex] = job.request.body.stream
					? await runStreaming(this, job)
					: await imagesToItems(
							this,
							job.itemIndex,
							readGenerationResult((await createJob(this, job)).body, job.request.model),
							job.output,
						);
				return;
			}
			const response = await createJob(this, job);
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
			if (job.mode === 'pollUntilDone')
				submitted.push({ job, taskId, traceId: response.body.trace_id });
			else results[job.itemIndex] = [pendingItem(job, taskId, response.body.trace_id, false)];
		} catch (error) {
			results[job.itemIndex] = new ItemFailure(asNodeError(this, error, job.itemIndex));
		}
	});

	if (submitted.length > 0) await pollSubmitted(this, submitted, batch.poll, results);
	const outcomes = outcomesOf(results);
	const failed = outcomes.some((outcome) => 'failure' in outcome);
	// Under "stop on error" the router throws the first failure: then there is nothing to wait for.
	if (jobs[0]?.mode === 'callbackWait' && (policy.continueOnFail || !failed))
		await pauseForCallbacks(this, outcomes, items.length, batch.callbackDeadlineMs);
	return outcomes;
}

/**
 * Polls the submitted tasks together and stores each result in `results` as its task finishes
 * (downloads start while other tasks still run). The jobs exist and may be billed, so every
 * way out of here leaves each item with its task id.
 */
async function pollSubmitted(
	context: IExecuteFunctions,
	submitted: Array<{ job: PreparedJob; taskId: string; traceId: unknown }>,
	poll: PollSettings,
	results: Array<ItemResult | undefined>,
): Promise<void> {
	const byTask = new Map(submitted.map((entry) => [entry.taskId, entry]));
	const downloads: Array<Promise<void>> = [];
	const finishedIds = new Set<string>();
	let stillPending: string[];
	try {
		stillPending = await pollTasks(
			context,
			[...byTask.keys()],
			poll,
			(state) => {
				finishedIds.add(state.taskId);
				const { job } = byTask.get(state.taskId)!;
				downloads.push(
					finishedTaskItems(context, job.itemIndex, state, job.output, job.request.model).then(
						(result) => void (results[job.itemIndex] = result),
					),
				);
			},
			submitted[0].job.itemIndex,
		);
	} catch (error) {
		// The stop error passes through unchanged (the constructor returns it as it is).
		if (cancelSignal(context)?.aborted)
			throw new NodeOperationError(context.getNode(), error as Error);
		const reason = (error as Error).message;
		for (const [taskId, { job }] of byTask) {
			if (finishedIds.has(taskId)) continue;
			results[job.itemIndex] = new ItemFailure(
				new NodeOperationError(context.getNode(), `Checking the task failed: ${reason}`, {
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
						new NodeOperationError(context.getNode(), 'The task did not finish within "Max Wait"', {
							itemIndex: job.itemIndex,
							description: `Task id: ${taskId}. It may still finish and be billed: fetch it later with Task → Wait for Completion.`,
						}),
						taskId,
					)
				: [pendingItem(job, taskId, traceId, true)];
	}
}

function outcomesOf(results: Array<ItemResult | undefined>): ItemOutcome[] {
	const outcomes: ItemOutcome[] = [];
	for (const [itemIndex, result] of results.entries()) {
		if (result === undefined) continue;
		outcomes.push(
			result instanceof ItemFailure ? { itemIndex, failure: result } : { itemIndex, items: result },
		);
	}
	return outcomes;
}
