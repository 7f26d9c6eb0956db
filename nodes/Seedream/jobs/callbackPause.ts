import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DeliveryMode } from '../descriptions/delivery.description';
import { readItemSettings } from '../shared/settings';
import { lookAgainWhilePending, lookupTasks } from '../shared/taskLookup';
import {
	finishedTaskItems,
	failureItem,
	ItemFailure,
	type ItemOutcome,
} from '../shared/taskResult';
import { callbackTaskId } from '../shared/taskIds';
import { replyToCallback } from '../shared/webhook';
import {
	callbackUrlFromResumeUrl,
	chunkKey,
	chunkTaskIds,
	CUSTOM_DATA_KEY_LIMIT,
	executionCustomData,
	executionResumeUrl,
	isLocalUrl,
	readStoredTaskIds,
	TASK_IDS_KEY,
} from './callbackStore';

/** The `callback_url` an item's job is submitted with in the two callback modes. */
export function callbackUrlForItem(
	context: IExecuteFunctions,
	itemIndex: number,
	mode: DeliveryMode,
	callbackUrl: string,
): string | undefined {
	if (mode === 'callbackWait') {
		const resumeUrl = executionResumeUrl(context);
		if (!/^https?:\/\//.test(resumeUrl)) {
			throw new NodeOperationError(context.getNode(), 'n8n gave no resume URL for this execution', {
				itemIndex,
				description:
					'Callback mode needs n8n\'s webhook server ("n8n start"); use "Submit and Poll Until Done" instead.',
			});
		}
		return callbackUrlFromResumeUrl(resumeUrl);
	}
	if (mode !== 'callbackUrl') return undefined;
	if (!/^https?:\/\/\S+$/.test(callbackUrl)) {
		throw new NodeOperationError(
			context.getNode(),
			callbackUrl
				? `The Callback URL "${callbackUrl.slice(0, 100)}" is not an http(s) URL`
				: 'No Callback URL is set',
			{
				itemIndex,
				description:
					'Add Options → Callback URL, e.g. the production URL of a Seedream Trigger node including its ?secret=… part.',
			},
		);
	}
	return callbackUrl;
}

/** Stores the id list in custom data; false when it does not fit (n8n's key and size limits). */
function storeTaskIds(
	customData: NonNullable<ReturnType<typeof executionCustomData>>,
	taskIds: Array<string | undefined>,
): boolean {
	const chunks = chunkTaskIds(taskIds);
	const keys = Object.keys(customData.getAll());
	const others = keys.filter((key) => !key.startsWith(TASK_IDS_KEY));
	if (others.length + chunks.length > CUSTOM_DATA_KEY_LIMIT) return false;
	for (const [index, chunk] of chunks.entries()) customData.set(chunkKey(index), chunk);
	// Chunks left by an earlier pause of this execution would extend the list.
	for (let index = chunks.length; keys.includes(chunkKey(index)); index++)
		customData.set(chunkKey(index), '');
	const read = readStoredTaskIds(customData);
	return !!read && read.length === taskIds.length && read.every((id, i) => id === taskIds[i]);
}

/**
 * Pauses the execution after every item was submitted with the resume URL as callback. The
 * pending items in `outcomes` are what the node shows while waiting. Returns false when the task
 * ids could not be stored (custom data missing or full): the node then does not pause and the
 * pending items are its final output, so no paid task id is lost.
 */
export async function pauseForCallbacks(
	context: IExecuteFunctions,
	outcomes: ItemOutcome[],
	itemCount: number,
	deadlineMs: number,
): Promise<boolean> {
	const taskIds: Array<string | undefined> = new Array(itemCount).fill(undefined);
	const pending: INodeExecutionData[] = [];
	for (const outcome of outcomes) {
		if (!('items' in outcome)) continue;
		for (const item of outcome.items) {
			if (typeof item.json.task_id !== 'string') continue;
			taskIds[outcome.itemIndex] = item.json.task_id;
			pending.push(item);
		}
	}
	const count = pending.length;
	if (count === 0) return false;

	const customData = executionCustomData(context);
	if (!customData) {
		context.addExecutionHints({
			message: `This n8n gives nodes no execution custom data to keep the task IDs in, so the node did not pause: it returned the ${count} task IDs as pending items. Use Task → Wait for Completion.`,
			type: 'warning',
			location: 'outputPane',
		});
		return false;
	}
	if (!storeTaskIds(customData, taskIds)) {
		context.addExecutionHints({
			message: `The ${count} task IDs did not fit into the execution's custom data, so the node did not pause: it returned them as pending items. Use Task → Wait for Completion, or fewer items per run.`,
			type: 'warning',
			location: 'outputPane',
		});
		return false;
	}

	const deadline = new Date(Date.now() + deadlineMs);
	const resumeUrl = executionResumeUrl(context);
	context.setMetadata({ resumeUrl });
	if (isLocalUrl(resumeUrl)) {
		context.addExecutionHints({
			message: `The callback URL points to this machine (${resumeUrl.split('/')[2] ?? resumeUrl}), which Ace Data Cloud cannot reach: the execution will wait until the deadline. Set n8n's WEBHOOK_URL to a public URL (or a tunnel), or use "Submit and Poll Until Done".`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	for (const item of pending) {
		item.json.waiting_for_callback = true;
		item.json.deadline = deadline.toISOString();
	}
	await context.putExecutionToWait(deadline);
	return true;
}

/**
 * A callback to the paused execution. The payload only says "look again": every task of the
 * execution is re-fetched from the API. n8n persists nothing from a webhook call that does not
 * resume, so the API's task records are the progress store: while any task is unfinished the
 * call is answered 200 and the execution keeps waiting; the call that finds all finished
 * resumes it once, with every item's output in input order.
 */
export async function handleCallbackWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	try {
		return await handleCallback.call(this);
	} catch (error) {
		// A throw would make n8n resume the run with an empty item and drop its data; answering
		// an error instead keeps the execution waiting (the task ids stay in custom data).
		return replyToCallback(this, 503, {
			error: `Could not process the callback: ${(error as Error).message}`,
		});
	}
}

async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const taskId = callbackTaskId(this.getBodyData());
	if (!taskId)
		return replyToCallback(this, 400, {
			error: 'The body is not a Seedream callback (no task_id)',
		});
	const customData = executionCustomData(this);
	const stored = customData && readStoredTaskIds(customData);
	if (!stored)
		return replyToCallback(this, 404, {
			error: 'This execution is not waiting for Seedream tasks',
		});
	if (!stored.includes(taskId))
		return replyToCallback(this, 403, { error: 'The task is not one of this execution' });

	const ids = [...new Set(stored.filter((id): id is string => !!id))];
	const states = await lookAgainWhilePending(
		this,
		async () => await lookupTasks(this, ids),
		(answer) => answer.get(taskId)?.status === 'pending',
	);
	const unfinished = ids.filter((id) => {
		const status = states.get(id)?.status;
		return status !== 'succeeded' && status !== 'failed';
	});
	if (unfinished.length > 0) {
		return {
			webhookResponse: { received: true, task_id: taskId, waiting_for: unfinished.length },
		};
	}

	const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const { output: settings } = readItemSettings(this.getNode(), 0, options);
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, id] of stored.entries()) {
		// Always an item, whatever "On Error" says: a throw here would not fail this node. n8n
		// answers the callback 500, drops the run data and resumes the next node with an empty
		// item, so the run ends with a misleading error (seen in n8n 2.41).
		if (!id) {
			const notSubmitted = new NodeOperationError(this.getNode(), 'This item was not submitted', {
				itemIndex,
				description: 'Its error was reported when the node paused.',
			});
			output.push(failureItem(new ItemFailure(notSubmitted), itemIndex));
			continue;
		}
		const state = states.get(id)!;
		const result = await finishedTaskItems(this, itemIndex, state, settings);
		if (!(result instanceof ItemFailure)) {
			output.push(...result);
			continue;
		}
		const taskFailed =
			state.status === 'failed' ? { status: 'failed', code: state.failure?.code ?? null } : {};
		output.push(failureItem(result, itemIndex, taskFailed));
	}
	return {
		webhookResponse: { received: true, task_id: taskId, resumed: true },
		workflowData: [output],
	};
}
