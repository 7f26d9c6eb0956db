import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { pollingOptions } from '../../descriptions/delivery.description';
import { settleWithConcurrency } from '../../shared/concurrency';
import { resultOptions, sortedOptions } from '../../shared/options.description';
import { batchSettings, readItemSettings, type ItemSettings } from '../../shared/settings';
import { lookupTasks, pollTasks } from '../../shared/taskLookup';
import {
	asNodeError,
	finishedTaskItems,
	ItemFailure,
	type ItemOutcome,
	type RunPolicy,
} from '../../shared/taskResult';
import { summarizeTask, type TaskState } from '../../shared/taskState';
import { adaptConcurrency } from '../../transport/adaptiveConcurrency';
import {
	isReadable,
	pausedItemFields,
	readTaskIdsEntries,
	type TaskIdsEntry,
	taskIdsSourceProperty,
	WHEN_DEFINED_BELOW,
} from './taskIdsSource';

const properties: INodeProperties[] = [
	taskIdsSourceProperty,
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '={{ $json.task_id }}',
		required: true,
		placeholder: 'e.g. {{ $json.task_id }}',
		description:
			'Task IDs to wait for: one per input item by default, or several separated by commas. All are checked together.',
		displayOptions: WHEN_DEFINED_BELOW,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([...resultOptions, ...pollingOptions({ onlyInPollMode: false })]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['waitForCompletion'] } },
	properties,
);

interface ItemTasks extends TaskIdsEntry {
	settings: ItemSettings;
}

/** Reads every entry's ids and options before the first lookup. */
function readItems(context: IExecuteFunctions): Array<ItemTasks | ItemOutcome> {
	const read = readTaskIdsEntries(
		context,
		'Pass the task_id from the submitting node, e.g. {{ $json.task_id }}.',
	);
	const settings = new Map<number, ItemSettings>();
	return read.entries.map((entry): ItemTasks | ItemOutcome => {
		const { itemIndex } = entry;
		try {
			if (!isReadable(entry)) throw entry.error;
			if (!settings.has(itemIndex)) {
				const options = (context.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
				settings.set(itemIndex, readItemSettings(context.getNode(), itemIndex, options));
			}
			return { ...entry, settings: settings.get(itemIndex)! };
		} catch (error) {
			return {
				itemIndex,
				failure: new ItemFailure(asNodeError(context, error, itemIndex)),
				json: isReadable(entry) ? pausedItemFields(entry) : {},
			};
		}
	});
}

/**
 * Waits for tasks submitted earlier (Submit Only, a callback workflow, a timed-out poll) and
 * emits their images like the Image operations do. Failed and unfinished tasks come out as
 * data with their status, never dropped.
 */
export async function execute(this: IExecuteFunctions, policy: RunPolicy): Promise<ItemOutcome[]> {
	const read = readItems(this);
	const valid = read.filter((entry): entry is ItemTasks => 'taskIds' in entry);
	const invalid = read.filter((entry): entry is ItemOutcome => 'failure' in entry);
	const batch = batchSettings(this.getNode(), valid);
	if (!batch || (invalid.length > 0 && !policy.continueOnFail)) return invalid;

	const allIds = [...new Set(valid.flatMap((entry) => entry.taskIds))];
	adaptConcurrency(this, batch.concurrency);
	// One look first: tasks that are already done need no waiting, and unknown ids would
	// otherwise be polled until Max Wait.
	const states = await lookupTasks(this, allIds, { timeoutMs: batch.poll.requestTimeoutMs });
	const waitFor = allIds.filter((id) => states.get(id)?.status === 'pending');
	const stillPending = new Set(
		await pollTasks(this, waitFor, batch.poll, (state) => states.set(state.taskId, state)),
	);

	const order = valid.flatMap((entry) => entry.taskIds.map((taskId) => ({ entry, taskId })));
	const outputs = await settleWithConcurrency(
		order,
		batch.concurrency.max,
		async ({ entry, taskId }): Promise<ItemOutcome> => {
			const { itemIndex } = entry;
			const state: TaskState = states.get(taskId)!;
			if (stillPending.has(taskId) && batch.poll.onTimeout === 'error') {
				const failure = new NodeOperationError(
					this.getNode(),
					'The task did not finish within "Max Wait"',
					{
						itemIndex,
						description: `Task id: ${taskId}. It may still finish and be billed: run this node again later.${
							stillPending.size > 1 ? ` Unfinished task ids: ${[...stillPending].join(', ')}.` : ''
						}`,
					},
				);
				return { itemIndex, failure: new ItemFailure(failure, taskId), json: pausedItemFields(entry) };
			}
			const summary: IDataObject = { ...summarizeTask(state), ...pausedItemFields(entry) };
			if (stillPending.has(taskId)) summary.timed_out = true;
			if (state.status !== 'succeeded')
				return { itemIndex, items: [{ json: summary, pairedItem: { item: itemIndex } }] };
			const result = await finishedTaskItems(this, itemIndex, state, entry.settings.output);
			if (result instanceof ItemFailure)
				return { itemIndex, failure: result, json: pausedItemFields(entry) };
			const items = result.map((item) => ({
				...item,
				json: {
					...item.json,
					status: summary.status,
					created_at: summary.created_at,
					finished_at: summary.finished_at,
					elapsed: summary.elapsed,
					...pausedItemFields(entry),
				},
			}));
			return { itemIndex, items };
		},
	);
	const outcomes = outputs.map((outcome, index): ItemOutcome => {
		if (outcome.status === 'fulfilled') return outcome.value;
		const { entry, taskId } = order[index];
		const error = asNodeError(this, outcome.reason, entry.itemIndex);
		return {
			itemIndex: entry.itemIndex,
			failure: new ItemFailure(error, taskId),
			json: pausedItemFields(entry),
		};
	});
	return [...invalid, ...outcomes].sort((a, b) => a.itemIndex - b.itemIndex);
}
