import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { settleWithConcurrency } from '../../helpers/concurrency';
import { imagesToItems, readGenerationResult } from '../../helpers/output';
import { pollTasks, retrieveTasks } from '../../helpers/poller';
import { deriveTaskState, summarizeTask, type TaskState } from '../../helpers/task';
import { adaptConcurrency } from '../../transport/adaptiveConcurrency';
import { commonImageOptions, readOutputSettings } from '../image/common.description';
import { pollingOptions, readPollSettings } from '../image/delivery.description';
import { sortedOptions } from '../image/generate.operation';
import { assertTaskIds, parseTaskIds } from './getMany.operation';

const outputOptionNames = [
	'binaryPropertyName',
	'concurrency',
	'fileNameTemplate',
	'outputItems',
	'outputMode',
	'strict',
	'maxDownloadMb',
	'timeoutSeconds',
];

const properties: INodeProperties[] = [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '={{ $json.task_id }}',
		required: true,
		placeholder: 'e.g. {{ $json.task_id }}',
		description:
			'Task IDs to wait for: one per input item by default, or several separated by commas. All are checked together.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([
			...commonImageOptions.filter((option) => outputOptionNames.includes(option.name)),
			...pollingOptions(false),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['waitForCompletion'] } },
	properties,
);

/**
 * Waits for tasks submitted earlier (Submit Only, a callback workflow, a timed-out poll) and
 * emits their images like the Image operations do. Failed and unfinished tasks come out as
 * data with their status, never dropped.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = (this.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
	const settings = readOutputSettings(this, options);
	const poll = readPollSettings(options);
	const owners = new Map<string, number[]>();
	const order: Array<{ itemIndex: number; taskId: string }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const ids = parseTaskIds(this.getNodeParameter('taskIds', itemIndex, ''));
		if (ids.length === 0) {
			throw new NodeOperationError(this.getNode(), 'The "Task IDs" parameter has no task id', {
				itemIndex,
				description: 'Pass the task_id from the submitting node, e.g. {{ $json.task_id }}.',
			});
		}
		assertTaskIds(this.getNode(), ids, itemIndex);
		for (const taskId of ids) {
			order.push({ itemIndex, taskId });
			owners.set(taskId, [...(owners.get(taskId) ?? []), itemIndex]);
		}
	}

	const finished = new Map<string, TaskState>();
	const notFound = new Set<string>();
	adaptConcurrency(this, settings.concurrency);
	// One look first: tasks that are already done need no waiting, and unknown ids would
	// otherwise be polled until Max Wait.
	const firstLook = await retrieveTasks(this, [...owners.keys()], {
		timeoutMs: poll.requestTimeoutMs,
	});
	for (const taskId of owners.keys()) {
		const state = deriveTaskState(taskId, firstLook.get(taskId));
		if (state.status === 'not_found') notFound.add(taskId);
		else if (state.status !== 'pending') finished.set(taskId, state);
	}
	const stillPending = new Set(
		await pollTasks(
			this,
			[...owners.keys()].filter((id) => !finished.has(id) && !notFound.has(id)),
			poll,
			(state) => finished.set(state.taskId, state),
		),
	);
	if (poll.onTimeout === 'error' && stillPending.size > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`${stillPending.size} task(s) did not finish within "Max Wait"`,
			{
				description: `Unfinished task ids: ${[...stillPending].join(', ')}. Run this node again later.`,
			},
		);
	}

	const outputs = await settleWithConcurrency(
		order,
		settings.concurrency.max,
		async ({ itemIndex, taskId }) => {
			const state: TaskState = finished.get(taskId) ?? {
				taskId,
				status: notFound.has(taskId) ? 'not_found' : 'pending',
			};
			const summary = summarizeTask(state);
			if (stillPending.has(taskId)) summary.timed_out = true;
			if (state.status !== 'succeeded') return [{ json: summary, pairedItem: { item: itemIndex } }];
			const result = readGenerationResult(state.response ?? {});
			result.taskId = result.taskId ?? taskId;
			const imageItems = await imagesToItems(this, itemIndex, result, settings);
			return imageItems.map((item) => ({
				...item,
				json: {
					...item.json,
					status: summary.status,
					created_at: summary.created_at,
					finished_at: summary.finished_at,
					elapsed: summary.elapsed,
				},
			}));
		},
	);
	const output: INodeExecutionData[] = [];
	outputs.forEach((outcome, index) => {
		if (outcome.status === 'fulfilled') {
			output.push(...outcome.value);
			return;
		}
		const { itemIndex, taskId } = order[index];
		const error = outcome.reason as Error;
		if (!this.continueOnFail()) {
			throw new NodeOperationError(this.getNode(), error, {
				itemIndex,
				description: `Task id: ${taskId}.`,
			});
		}
		output.push({
			json: { task_id: taskId, error: error.message },
			pairedItem: { item: itemIndex },
		});
	});
	return [output];
}
