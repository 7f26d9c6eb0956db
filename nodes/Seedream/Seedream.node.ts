import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as image from './actions/image';
import { router } from './actions/router';
import * as task from './actions/task';
import { checkFixedFieldsFirst } from './descriptions/displayConditions';
import { toolDescription } from './descriptions/tool.description';
import { handleCallbackWebhook } from './jobs/callbackPause';
import { CALLBACK_WEBHOOK_PATH } from './jobs/callbackStore';
import { NO_REGISTRATION_WEBHOOK_METHODS } from './shared/webhook';

export class Seedream implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream',
		name: 'seedream',
		icon: { light: 'file:seedream.svg', dark: 'file:seedream.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Generate and edit images with ByteDance Seedream through Ace Data Cloud',
		defaults: { name: 'Seedream' },
		// The tool variant's default "Tool Description" is what an agent reads to decide when to call
		// it: written from the capability table (models, sizes), so it lists what the node accepts.
		usableAsTool: { replacements: { description: toolDescription() } },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'seedreamApi', required: true }],
		// "Callback: pause" mode: Seedream calls the paused execution's resume URL with this path.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: CALLBACK_WEBHOOK_PATH,
				restartWebhook: true,
				isFullPath: true,
				responseMode: 'onReceived',
				responseData: '',
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		waitingNodeTooltip:
			'={{ "Waiting for Seedream to call back (" + $execution.resumeUrl + "). The execution resumes when every task has finished or the deadline passes." }}',
		properties: checkFixedFieldsFirst([
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image', description: 'Generate images' },
					{ name: 'Task', value: 'task', description: 'Look up submitted image jobs' },
				],
				default: 'image',
			},
			...image.description,
			...task.description,
		]),
	};

	/**
	 * n8n never registers restart webhooks (they live only while an execution waits), so there
	 * is nothing to create or delete; the group exists because every node with `webhooks`
	 * must define its lifecycle.
	 */
	webhookMethods = NO_REGISTRATION_WEBHOOK_METHODS;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallbackWebhook.call(this);
	}
}
