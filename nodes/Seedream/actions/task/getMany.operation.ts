import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { settleWithConcurrency } from '../../shared/concurrency';
import { lookupTasks } from '../../shared/taskLookup';
import { asNodeError, ItemFailure, type ItemOutcome } from '../../shared/taskResult';
import { summarizeTask } from '../../shared/taskState';
import { adaptConcurrency, AUTO_CONCURRENCY } from '../../transport/adaptiveConcurrency';
import {
	isReadable,
	pausedItemFields,
	readTaskIdsEntries,
	type TaskIdsEntry,
	taskIdsSourceProperty,
	type UnreadableEntry,
	WHEN_DEFINED_BELOW,
} from './taskIdsSource';

const properties: INodeProperties[] = [
	taskIdsSourceProperty,
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 80ceeed1-…, 9b1c…',
		description:
			'Task IDs separated by commas, spaces or new lines, or an array from an expression. Any number; they are queried 50 at a time.',
		displayOptions: WHEN_DEFINED_BELOW,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['getMany'] } },
	properties,
);

/**
 * Looks up many tasks with one `retrieve_batch` call per 50 ids; one output item per id, in the
 * given order. Each input item's ids are looked up on their own; a paused node's ids all at once.
 */
export async function execute(this: IExecuteFunctions): Promise<ItemOutcome[]> {
	// Task lookups have no Concurrency option: Auto.
	adaptConcurrency(this, AUTO_CONCURRENCY);
	const read = readTaskIdsEntries(
		this,
		'Give at least one id, e.g. {{ $json.task_id }} or a comma-separated list.',
	);
	const groups = read.fromPausedNode ? [read.entries] : read.entries.map((entry) => [entry]);
	const settled = await settleWithConcurrency(groups, groups.length, async (group) => {
		const unreadable = group.find((entry) => !isReadable(entry)) as UnreadableEntry | undefined;
		if (unreadable) throw unreadable.error;
		const entries = group as TaskIdsEntry[];
		const ids = [...new Set(entries.flatMap((entry) => entry.taskIds))];
		const states = await lookupTasks(this, ids, { itemIndex: entries[0].itemIndex });
		return entries.map(
			(entry): ItemOutcome => ({
				itemIndex: entry.itemIndex,
				items: entry.taskIds.map((id) => ({
					json: { ...summarizeTask(states.get(id)!), ...pausedItemFields(entry) },
					pairedItem: { item: entry.itemIndex },
				})),
			}),
		);
	});
	return settled.flatMap((outcome, index): ItemOutcome[] => {
		if (outcome.status === 'fulfilled') return outcome.value;
		// A failed lookup of a paused node's tasks still names every task and its item.
		return groups[index].map((entry) => ({
			itemIndex: entry.itemIndex,
			failure: new ItemFailure(
				asNodeError(this, outcome.reason, entry.itemIndex),
				read.fromPausedNode && isReadable(entry) ? entry.taskIds[0] : undefined,
			),
			json: isReadable(entry) ? pausedItemFields(entry) : {},
		}));
	});
}
