import type { INodeProperties } from 'n8n-workflow';

import { numberOption } from '../shared/settings';

export type DeliveryMode = 'sync' | 'pollUntilDone' | 'submitOnly' | 'callbackWait' | 'callbackUrl';

/**
 * The modes in the order people choose them: the default first, then the ones that need nothing
 * from the network around n8n, the callback modes (n8n must be reachable from the internet) last.
 */
const DELIVERY_MODE_OPTIONS: Array<{ name: string; value: DeliveryMode; description: string }> = [
	{
		name: 'Wait for Result (One Call)',
		value: 'sync',
		description:
			'One request per item that returns when the images exist (about 20 s to 2 min; Seedream 5.0 Pro about 2 min per image)',
	},
	{
		name: 'Submit and Poll Until Done',
		value: 'pollUntilDone',
		description:
			'Submit every item as a background task, then check all of them together until done. Best for many items or slow jobs.',
	},
	{
		name: 'Submit Only (Return Task ID)',
		value: 'submitOnly',
		description:
			'Return each task ID at once; fetch results later with Task → Wait for Completion or Get',
	},
	{
		name: 'Callback: Pause Until the Result Arrives',
		value: 'callbackWait',
		description:
			'Submit every item, then pause the execution (no worker held) until Seedream calls back; resumes once with all images. n8n must be reachable from the internet (WEBHOOK_URL).',
	},
	{
		name: 'Callback: Send to My URL',
		value: 'callbackUrl',
		description:
			'Submit with your Callback URL (e.g. a Seedream Trigger) and return each task ID at once',
	},
];

export const DELIVERY_MODES: DeliveryMode[] = DELIVERY_MODE_OPTIONS.map((option) => option.value);

/**
 * The modes that answer a tool call: with the images, or (submit only) with task ids the agent
 * collects later through Task → Wait for Completion. The callback modes answer elsewhere.
 */
export const TOOL_MODES = ['sync', 'pollUntilDone', 'submitOnly'] as const;

/**
 * The Mode selector twice: the full one for workflows and one for the tool variant (`@tool`)
 * without the callback modes, which would hand the agent nothing usable.
 */
export function modeProperties(mode: INodeProperties = deliveryModeProperty): INodeProperties[] {
	return [
		{
			...mode,
			displayOptions: {
				...mode.displayOptions,
				hide: { ...mode.displayOptions?.hide, '@tool': [true] },
			},
		},
		{
			...mode,
			options: (mode.options ?? []).filter((option) =>
				(TOOL_MODES as readonly string[]).includes(String((option as { value: unknown }).value)),
			),
			default: 'sync',
			description:
				'What the tool answers: the finished images (URLs) after waiting, or with Submit Only a task_id at once that the agent passes to a Seedream tool set to Task → Wait for Completion',
			displayOptions: {
				...mode.displayOptions,
				show: { ...mode.displayOptions?.show, '@tool': [true] },
			},
		},
	];
}

/** How a job is run: one blocking call, submit-and-poll, submit only, or by callback. */
export const deliveryModeProperty: INodeProperties = {
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	options: DELIVERY_MODE_OPTIONS,
	default: 'sync',
	description:
		'How to run the job and wait for its images. An expression may give sync, pollUntilDone, submitOnly, callbackWait or callbackUrl per item (callbackWait for all items or none).',
};

/** Options of the two callback modes (inside each Image operation's Options collection). */
export const callbackOptions: INodeProperties[] = [
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…/seedream?secret=…',
		description:
			'Where Seedream POSTs each result, e.g. the production URL of a Seedream Trigger node (with its secret). Required in "Send to My URL" mode.',
		displayOptions: { show: { '/mode': ['callbackUrl'] } },
	},
	numberOption('callbackDeadlineMinutes', {
		description:
			'How long the paused execution waits for callbacks. After it, the node passes its input items through unchanged; to collect every image, connect a Seedream node with Task → Wait for Completion and "Task IDs Source: From This Execution\'s Paused Seedream Node".',
		displayOptions: { show: { '/mode': ['callbackWait'] } },
	}),
];

/** Polling options, shared by the Image operations (in poll mode) and Task → Wait for Completion. */
export function pollingOptions({ onlyInPollMode }: { onlyInPollMode: boolean }): INodeProperties[] {
	const pollModeOnly = onlyInPollMode
		? { displayOptions: { show: { '/mode': ['pollUntilDone'] } } }
		: {};
	return [
		numberOption('maxWaitMinutes', {
			description: 'How long to poll before giving up on unfinished tasks',
			...pollModeOnly,
		}),
		numberOption('maxPollIntervalSeconds', {
			description:
				'Upper bound of the gap between checks. Checks start every second and slow down as the wait grows.',
			...pollModeOnly,
		}),
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			options: [
				{
					name: 'Return Pending Tasks',
					value: 'returnPending',
					description:
						'Output unfinished tasks with their task_id and timed_out: true, so nothing paid is lost',
				},
				{
					name: 'Fail',
					value: 'error',
					description: 'Stop with an error that lists the unfinished task IDs',
				},
			],
			default: 'returnPending',
			description: 'What to do with tasks still running when Max Wait passes',
			...pollModeOnly,
		},
	];
}
