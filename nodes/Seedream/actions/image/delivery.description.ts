import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_POLL_SETTINGS, type PollSettings } from '../../helpers/poller';

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
const callbackOptions: INodeProperties[] = [
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
	{
		displayName: 'Callback Deadline (Minutes)',
		name: 'callbackDeadlineMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			"How long the paused execution waits for callbacks. After it, the node passes its input items through unchanged, and the task IDs (input order, comma-separated) stay in the execution's custom data: read them in a Code node with $execution.customData.get('seedream_task_ids') and pass them to Task → Wait for Completion.",
		displayOptions: { show: { '/mode': ['callbackWait'] } },
	},
];

/** Polling options, shared by the Image operations (in poll mode) and Task → Wait for Completion. */
export function pollingOptions(onlyInPollMode = true): INodeProperties[] {
	const pollModeOnly = onlyInPollMode
		? { displayOptions: { show: { '/mode': ['pollUntilDone'] } } }
		: {};
	return [
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: 10,
			description: 'How long to poll before giving up on unfinished tasks',
			...pollModeOnly,
		},
		...(onlyInPollMode ? callbackOptions : []),
		{
			displayName: 'Max Poll Interval (Seconds)',
			name: 'maxPollIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description:
				'Upper bound of the gap between checks. Checks start every second and slow down as the wait grows.',
			...pollModeOnly,
		},
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

/** A number option in `unitMs` units, as milliseconds; the default when unset or not a number. */
function durationMs(value: unknown, unitMs: number, fallbackMs: number): number {
	const number = Number(value);
	return value === undefined || value === null || value === '' || !Number.isFinite(number)
		? fallbackMs
		: Math.round(number * unitMs);
}

export function readPollSettings(
	options: IDataObject,
): PollSettings & { onTimeout: 'returnPending' | 'error' } {
	// The cap bounds every gap, the first one too; 100 ms keeps even a tiny cap from busy-looping.
	const maxIntervalMs = Math.max(
		100,
		durationMs(options.maxPollIntervalSeconds, 1000, DEFAULT_POLL_SETTINGS.maxIntervalMs),
	);
	return {
		maxWaitMs: Math.max(
			0,
			durationMs(options.maxWaitMinutes, 60_000, DEFAULT_POLL_SETTINGS.maxWaitMs),
		),
		minIntervalMs: Math.min(DEFAULT_POLL_SETTINGS.minIntervalMs, maxIntervalMs),
		maxIntervalMs,
		requestTimeoutMs:
			options.timeoutSeconds === undefined
				? undefined
				: Math.max(1000, durationMs(options.timeoutSeconds, 1000, 300_000)),
		onTimeout: options.onTimeout === 'error' ? 'error' : 'returnPending',
	};
}
