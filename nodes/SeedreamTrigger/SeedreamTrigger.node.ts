import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resultOptions, sortedOptions } from '../Seedream/shared/options.description';
import { numberOption, readItemSettings } from '../Seedream/shared/settings';
import { lookAgainWhilePending, lookupTask } from '../Seedream/shared/taskLookup';
import { callbackTaskId } from '../Seedream/shared/taskIds';
import { finishedTaskItems, ItemFailure } from '../Seedream/shared/taskResult';
import { summarizeTask, type TaskState } from '../Seedream/shared/taskState';
import {
	NO_REGISTRATION_WEBHOOK_METHODS,
	replyToCallback,
	secretsMatch,
} from '../Seedream/shared/webhook';

/**
 * Task ids this process accepted recently. Claimed before the first await, so a duplicate that
 * arrives while the first callback is still downloading is refused even though the workflow's
 * static data (saved only after the answer) does not show it yet.
 */
const recentlyAccepted = new Map<string, number>();

function claim(key: string, now: number, windowMs: number): boolean {
	for (const [entry, at] of recentlyAccepted) {
		if (now - at > windowMs) recentlyAccepted.delete(entry);
	}
	if (recentlyAccepted.has(key)) return false;
	recentlyAccepted.set(key, now);
	return true;
}

function failedItem(state: TaskState, json: IDataObject = {}): INodeExecutionData {
	const summary = summarizeTask(state);
	return {
		json: {
			task_id: state.taskId,
			status: state.status,
			failed: true,
			trace_id: summary.trace_id,
			error: summary.error,
			finished_at: summary.finished_at,
			...json,
		},
		pairedItem: { item: 0 },
	};
}

export class SeedreamTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream Trigger',
		name: 'seedreamTrigger',
		icon: { light: 'file:seedream.svg', dark: 'file:seedream.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On Finished Image Task',
		description: 'Starts the workflow when Seedream calls back with a finished image task',
		defaults: { name: 'Seedream Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'seedreamApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'seedream',
			},
		],
		properties: [
			{
				displayName:
					'Use the Production URL above plus <code>?secret=</code> and your secret as the Callback URL of a Seedream node ("Callback: Send to My URL"). Publish the workflow (Activate in n8n 1.x) so the URL stays registered.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				description:
					'A long random string. Callbacks must carry it as the "secret" query parameter (or an X-Seedream-Secret header); others are refused with 401 and never start the workflow.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: sortedOptions([
					numberOption('duplicateWindowMinutes', {
						description:
							'A second callback for the same task ID within this time is answered but does not start the workflow again. 0 turns the check off.',
					}),
					...resultOptions,
				]),
			},
		],
	};

	/** The URL is n8n's own webhook; there is nothing to register with Ace Data Cloud. */
	webhookMethods = NO_REGISTRATION_WEBHOOK_METHODS;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const secret = String(this.getNodeParameter('secret', '') ?? '');
		const query = this.getQueryData() as IDataObject;
		const header = this.getHeaderData()['x-seedream-secret'];
		if (!secretsMatch(query.secret, secret) && !secretsMatch(header, secret)) {
			return replyToCallback(this, 401, { error: 'Unauthorized' });
		}
		const taskId = callbackTaskId(this.getBodyData());
		if (!taskId)
			return replyToCallback(this, 400, {
				error: 'The body is not a Seedream callback (no task_id)',
			});

		const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
		let settings: ReturnType<typeof readItemSettings>;
		try {
			settings = readItemSettings(this.getNode(), 0, options);
		} catch (error) {
			return replyToCallback(this, 500, { error: (error as Error).message });
		}
		const windowMs = settings.duplicateWindowMs;
		const now = Date.now();
		const seen = this.getWorkflowStaticData('node') as { seenTasks?: Record<string, number> };
		const seenTasks = (seen.seenTasks ??= {});
		for (const [id, at] of Object.entries(seenTasks)) if (now - at > windowMs) delete seenTasks[id];
		const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${taskId}`;
		if (windowMs > 0 && (seenTasks[taskId] !== undefined || !claim(key, now, windowMs))) {
			return { webhookResponse: { received: true, task_id: taskId, duplicate: true } };
		}
		const release = () => recentlyAccepted.delete(key);

		// The payload is not trusted: the task is read back from the API with the credential.
		let state: TaskState;
		try {
			state = await lookAgainWhilePending(
				this,
				async () => (await lookupTask(this, taskId)).state,
				(answer) => answer.status === 'pending',
			);
		} catch (error) {
			// A throw would start an execution that fails; the sender may retry, so the task must
			// not count as seen.
			release();
			return replyToCallback(this, 503, {
				error: `Could not read the task: ${(error as Error).message}`,
			});
		}
		if (state.status === 'not_found') {
			release();
			return replyToCallback(this, 404, { error: 'Unknown task' });
		}
		if (state.status === 'pending') {
			release();
			return replyToCallback(this, 503, {
				error: 'The task has not finished yet; send the callback again later',
			});
		}
		if (windowMs > 0) seenTasks[taskId] = now;
		if (state.status === 'failed') {
			return {
				webhookResponse: { received: true, task_id: taskId },
				workflowData: [[failedItem(state)]],
			};
		}

		const result = await finishedTaskItems(this, 0, state, settings.output);
		// A finished, paid task whose images could not be stored still reaches the workflow.
		const items =
			result instanceof ItemFailure
				? [failedItem(state, { error: { code: null, message: result.error.message } })]
				: result;
		for (const item of items) item.json = { status: state.status, ...item.json };
		return { webhookResponse: { received: true, task_id: taskId }, workflowData: [items] };
	}
}
