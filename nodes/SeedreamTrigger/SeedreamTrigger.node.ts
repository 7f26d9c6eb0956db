import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	readOutputSettings,
	commonImageOptions,
} from '../Seedream/actions/image/common.description';
import { sortedOptions } from '../Seedream/actions/image/generate.operation';
import { resolveModel } from '../Seedream/capabilities';
import {
	callbackTaskId,
	NO_REGISTRATION_WEBHOOK_METHODS,
	replyToCallback,
	secretsMatch,
} from '../Seedream/helpers/callback';
import { imagesToItems, readGenerationResult } from '../Seedream/helpers/output';
import { deriveTaskState, summarizeTask, type TaskState } from '../Seedream/helpers/task';
import { seedreamApiRequest } from '../Seedream/transport/request';
import { pause } from '../Seedream/transport/retry';

/** Options that shape a request, not the output: meaningless for results that arrive. */
const REQUEST_ONLY_OPTIONS = ['responseFormat', 'watermark'];

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
		subtitle: 'On finished image task',
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
					'Use the Production URL above plus <code>?secret=</code> and your secret as the Callback URL of a Seedream node ("Callback: Send to My URL"). Activate the workflow so the URL stays registered.',
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
					{
						displayName: 'Ignore Repeats Within (Minutes)',
						name: 'duplicateWindowMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description:
							'A second callback for the same task ID within this time is answered but does not start the workflow again. 0 turns the check off.',
					},
					...commonImageOptions.filter((option) => !REQUEST_ONLY_OPTIONS.includes(option.name)),
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
		const windowMs = Math.max(0, Number(options.duplicateWindowMinutes ?? 60)) * 60_000;
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
			for (let attempt = 0; ; attempt++) {
				const response = await seedreamApiRequest(this, {
					path: '/seedream/tasks',
					body: { action: 'retrieve', id: taskId },
					kind: 'query',
					notFoundAsEmpty: true,
				});
				state = deriveTaskState(taskId, response.body);
				if (state.status !== 'pending' || attempt >= 2) break;
				await pause(this, 1000);
			}
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

		const settings = readOutputSettings(this as unknown as IExecuteFunctions, options);
		const request = (state.record?.request ?? {}) as IDataObject;
		const model = typeof request.model === 'string' ? resolveModel(request.model) : undefined;
		const result = readGenerationResult(state.response ?? {}, model);
		result.taskId = result.taskId ?? taskId;
		let items: INodeExecutionData[];
		try {
			items = await imagesToItems(this, 0, result, settings);
		} catch (error) {
			// A finished, paid task whose images could not be stored still reaches the workflow.
			items = [failedItem(state, { error: { code: null, message: (error as Error).message } })];
		}
		for (const item of items) item.json = { status: state.status, ...item.json };
		return { webhookResponse: { received: true, task_id: taskId }, workflowData: [items] };
	}
}
