import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_POLL_SETTINGS, type PollSettings } from '../../helpers/poller';

export type DeliveryMode = 'sync' | 'pollUntilDone' | 'submitOnly';

/** How a job is run: one blocking call, submit-and-poll, or submit only. */
export const deliveryModeProperty: INodeProperties = {
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	noDataExpression: true,
	options: [
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
			name: 'Wait for Result (One Call)',
			value: 'sync',
			description: 'One request per item that returns when the images exist (about 20 s to 2 min)',
		},
	],
	default: 'sync',
	description: 'How to run the job and wait for its images',
};

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

export function readPollSettings(
	options: IDataObject,
): PollSettings & { onTimeout: 'returnPending' | 'error' } {
	return {
		maxWaitMs: Math.round(
			Number(options.maxWaitMinutes ?? DEFAULT_POLL_SETTINGS.maxWaitMs / 60_000) * 60_000,
		),
		minIntervalMs: DEFAULT_POLL_SETTINGS.minIntervalMs,
		maxIntervalMs: Math.max(
			DEFAULT_POLL_SETTINGS.minIntervalMs,
			Math.round(
				Number(options.maxPollIntervalSeconds ?? DEFAULT_POLL_SETTINGS.maxIntervalMs / 1000) * 1000,
			),
		),
		onTimeout: options.onTimeout === 'error' ? 'error' : 'returnPending',
	};
}
