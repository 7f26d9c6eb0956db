import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { API_LIMITS, resolveModel } from '../../capabilities';
import {
	callbackTaskId,
	callbackUrlFromResumeUrl,
	chunkKey,
	chunkTaskIds,
	CUSTOM_DATA_KEY_LIMIT,
	executionCustomData,
	executionResumeUrl,
	isLocalUrl,
	readStoredTaskIds,
	replyToCallback,
	TASK_IDS_KEY,
} from '../../helpers/callback';
import { imagesToItems, readGenerationResult } from '../../helpers/output';
import { deriveTaskState, taskFailedError, type TaskState } from '../../helpers/task';
import { seedreamApiRequest } from '../../transport/request';
import { pause } from '../../transport/retry';
import { readOutputSettings } from './common.description';
import type { DeliveryMode } from './delivery.description';

export const DEFAULT_CALLBACK_DEADLINE_MINUTES = 60;

/** The `callback_url` an item's job is submitted with in the two callback modes. */
export function callbackUrlForItem(
	context: IExecuteFunctions,
	itemIndex: number,
	mode: DeliveryMode,
	options: IDataObject,
): string | undefined {
	if (mode === 'callbackWait') {
		// An AI agent's tool call cannot pause its execution and be resumed.
		if (context.getNode().type.endsWith('Tool')) {
			throw new NodeOperationError(
				context.getNode(),
				'The callback pause mode does not work as an AI tool',
				{
					itemIndex,
					description:
						'Use "Wait for Result (One Call)" or "Submit and Poll Until Done" for tools.',
				},
			);
		}
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
	const url = String(options.callbackUrl ?? '').trim();
	if (!/^https?:\/\/\S+$/.test(url)) {
		throw new NodeOperationError(
			context.getNode(),
			url
				? `The Callback URL "${url.slice(0, 100)}" is not an http(s) URL`
				: 'No Callback URL is set',
			{
				itemIndex,
				description:
					'Add Options → Callback URL, e.g. the production URL of a Seedream Trigger node including its ?secret=… part.',
			},
		);
	}
	return url;
}

/**
 * Pauses the execution after every item was submitted with the resume URL as callback.
 * `output` holds one pending item per submitted task (and error items under Continue On Fail);
 * it is what the node shows while waiting. Returns false when the task ids could not be stored
 * (custom data full): the node then does not pause and the pending items are its final output,
 * so no paid task id is lost.
 */
export async function pauseForCallbacks(
	context: IExecuteFunctions,
	output: INodeExecutionData[],
	itemCount: number,
	options: IDataObject,
): Promise<boolean> {
	const taskIds: Array<string | undefined> = new Array(itemCount).fill(undefined);
	for (const item of output) {
		const paired = item.pairedItem as { item: number } | undefined;
		if (item.json.error === undefined && typeof item.json.task_id === 'string' && paired)
			taskIds[paired.item] = item.json.task_id;
	}
	if (!taskIds.some(Boolean)) return false;

	const customData = executionCustomData(context);
	if (!customData) {
		context.addExecutionHints({
			message: `This n8n gives nodes no execution custom data to keep the task IDs in, so the node did not pause: it returned the ${taskIds.filter(Boolean).length} task IDs as pending items. Use Task → Wait for Completion.`,
			type: 'warning',
			location: 'outputPane',
		});
		return false;
	}
	const chunks = chunkTaskIds(taskIds);
	const keys = Object.keys(customData.getAll());
	const others = keys.filter((key) => !key.startsWith(TASK_IDS_KEY));
	const stored =
		others.length + chunks.length <= CUSTOM_DATA_KEY_LIMIT &&
		(() => {
			for (const [index, chunk] of chunks.entries()) customData.set(chunkKey(index), chunk);
			// Chunks left by an earlier pause of this execution would extend the list.
			for (let index = chunks.length; keys.includes(chunkKey(index)); index++)
				customData.set(chunkKey(index), '');
			const read = readStoredTaskIds(customData);
			return !!read && read.length === taskIds.length && read.every((id, i) => id === taskIds[i]);
		})();
	if (!stored) {
		context.addExecutionHints({
			message: `The ${taskIds.filter(Boolean).length} task IDs did not fit into the execution's custom data, so the node did not pause: it returned them as pending items. Use Task → Wait for Completion, or fewer items per run.`,
			type: 'warning',
			location: 'outputPane',
		});
		return false;
	}

	const minutes = Number(options.callbackDeadlineMinutes ?? DEFAULT_CALLBACK_DEADLINE_MINUTES);
	const deadline = new Date(
		Date.now() + Math.max(1, Number.isFinite(minutes) ? minutes : 60) * 60_000,
	);
	const resumeUrl = executionResumeUrl(context);
	context.setMetadata({ resumeUrl });
	if (isLocalUrl(resumeUrl)) {
		context.addExecutionHints({
			message: `The callback URL points to this machine (${resumeUrl.split('/')[2] ?? resumeUrl}), which Ace Data Cloud cannot reach: the execution will wait until the deadline. Set n8n's WEBHOOK_URL to a public URL (or a tunnel), or use "Submit and Poll Until Done".`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	for (const item of output) {
		if (item.json.error !== undefined) continue;
		item.json.waiting_for_callback = true;
		item.json.deadline = deadline.toISOString();
	}
	await context.putExecutionToWait(deadline);
	return true;
}

async function fetchStates(
	context: IWebhookFunctions,
	taskIds: string[],
): Promise<Map<string, TaskState>> {
	const states = new Map<string, TaskState>();
	for (let start = 0; start < taskIds.length; start += API_LIMITS.maxTaskIdsPerBatch) {
		const chunk = taskIds.slice(start, start + API_LIMITS.maxTaskIdsPerBatch);
		const response = await seedreamApiRequest(context, {
			path: '/seedream/tasks',
			body: { action: 'retrieve_batch', ids: chunk },
			kind: 'query',
		});
		const records = Array.isArray(response.body.items) ? response.body.items : [];
		for (const record of records as Array<{ id?: unknown }>) {
			if (typeof record?.id !== 'string' || !chunk.includes(record.id)) continue;
			states.set(record.id, deriveTaskState(record.id, record));
		}
	}
	return states;
}

const finished = (state: TaskState | undefined) =>
	state?.status === 'succeeded' || state?.status === 'failed';

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
	let states = await fetchStates(this, ids);
	// The callback can overtake the task record's update; look again briefly before waiting on.
	for (let attempt = 0; attempt < 3 && !finished(states.get(taskId)); attempt++) {
		await pause(this, 1000);
		states = await fetchStates(this, ids);
	}
	const unfinished = ids.filter((id) => !finished(states.get(id)));
	if (unfinished.length > 0) {
		return {
			webhookResponse: { received: true, task_id: taskId, waiting_for: unfinished.length },
		};
	}

	const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const settings = readOutputSettings(this as unknown as IExecuteFunctions, options);
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, id] of stored.entries()) {
		// Always an item, whatever "On Error" says: a throw here would not fail this node. n8n
		// answers the callback 500, drops the run data and resumes the next node with an empty
		// item, so the run ends with a misleading error (seen in n8n 2.41).
		const errorItem = (error: Error & { description?: string | null }, extra: IDataObject = {}) => {
			output.push({
				json: {
					error: error.message,
					...(error.description ? { description: error.description } : {}),
					...(id ? { task_id: id } : {}),
					...extra,
				},
				pairedItem: { item: itemIndex },
			});
		};
		if (!id) {
			errorItem(
				new NodeOperationError(this.getNode(), 'This item was not submitted', {
					itemIndex,
					description: 'Its error was reported when the node paused.',
				}),
			);
			continue;
		}
		const state = states.get(id)!;
		if (state.status === 'failed') {
			errorItem(taskFailedError(this.getNode(), state, itemIndex), {
				status: 'failed',
				code: state.failure?.code ?? null,
			});
			continue;
		}
		const request = (state.record?.request ?? {}) as IDataObject;
		const model = typeof request.model === 'string' ? resolveModel(request.model) : undefined;
		const result = readGenerationResult(state.response ?? {}, model);
		result.taskId = result.taskId ?? id;
		try {
			output.push(...(await imagesToItems(this, itemIndex, result, settings)));
		} catch (error) {
			errorItem(error as Error);
		}
	}
	return {
		webhookResponse: { received: true, task_id: taskId, resumed: true },
		workflowData: [output],
	};
}
