import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pausedTasks } from '../../jobs/callbackStore';
import { readTaskIdsField } from '../../shared/taskIds';

export type TaskIdsSource = 'define' | 'pausedNode';

const SOURCES: TaskIdsSource[] = ['define', 'pausedNode'];

/**
 * Where Get Many and Wait for Completion take their ids from. "From this execution's paused
 * node" is the recovery after a Callback: Pause deadline: the node reads every id the paused node
 * stored, so the user needs neither a Code node nor the storage format.
 */
export const taskIdsSourceProperty: INodeProperties = {
	displayName: 'Task IDs Source',
	name: 'taskIdsSource',
	type: 'options',
	options: [
		{
			name: 'Define Below',
			value: 'define',
			description: 'The IDs given in the Task IDs field below',
		},
		{
			name: "From This Execution's Paused Seedream Node",
			value: 'pausedNode',
			description:
				'Every task a Seedream node in Callback: Pause mode submitted earlier in this execution, e.g. on the path its deadline takes',
		},
	],
	default: 'define',
	description:
		'Where the task IDs come from. An expression may give define or pausedNode (the same for all items).',
};

/** Display rule of the Task IDs field: only when the ids are defined in it. */
export const WHEN_DEFINED_BELOW = { show: { taskIdsSource: ['define'] } };

/** The ids one output group is about: an input item's Task IDs field, or one paused task. */
export interface TaskIdsEntry {
	/** The input item the outputs are paired with. */
	itemIndex: number;
	taskIds: string[];
	/** With the paused-node source: the paused node's input item the task belongs to. */
	pausedItemIndex?: number;
}

function readSource(context: IExecuteFunctions, itemIndex: number): TaskIdsSource {
	const value = context.getNodeParameter('taskIdsSource', itemIndex, 'define') as TaskIdsSource;
	if (SOURCES.includes(value)) return value;
	throw new NodeOperationError(context.getNode(), `"Task IDs Source" "${String(value)}" is not valid`, {
		itemIndex,
		description: 'Use define or pausedNode.',
	});
}

/** The source of the whole run: the paused node's ids are read once, so every item must agree. */
function runSource(context: IExecuteFunctions): TaskIdsSource {
	const count = context.getInputData().length;
	const first = readSource(context, 0);
	for (let itemIndex = 1; itemIndex < count; itemIndex++) {
		if (readSource(context, itemIndex) === first) continue;
		throw new NodeOperationError(
			context.getNode(),
			`"Task IDs Source" differs between items 0 and ${itemIndex}`,
			{
				itemIndex,
				description:
					'"Task IDs Source" applies to the whole run of the node, not to one item. Give every item the same value, or split the items with an If node.',
			},
		);
	}
	return first;
}

/**
 * The paused node's tasks, one entry each in its input order. An output is paired with the input
 * item at the same position when this node got as many items as the paused node had (its
 * deadline passes them on unchanged), so `$('Earlier Node').item` still finds each task's own
 * item; otherwise with the first input item, as for a node that runs once.
 */
function pausedNodeEntries(context: IExecuteFunctions): TaskIdsEntry[] {
	const paused = pausedTasks(context);
	if (!paused || paused.tasks.length === 0) {
		throw new NodeOperationError(
			context.getNode(),
			"This execution has no task IDs of a paused Seedream node",
			{
				itemIndex: 0,
				description:
					'"From This Execution\'s Paused Seedream Node" reads the task IDs a Seedream node in "Callback: Pause" mode stored earlier in this same execution. Put this node after that node (e.g. on the path its deadline takes), or set "Task IDs Source" to "Define Below" and pass the IDs, e.g. {{ $json.task_id }}.',
			},
		);
	}
	const positional = context.getInputData().length === paused.itemCount;
	return paused.tasks.map(({ itemIndex, taskId }) => ({
		itemIndex: positional ? itemIndex : 0,
		taskIds: [taskId],
		pausedItemIndex: itemIndex,
	}));
}

/**
 * What each operation looks up, before any request: one entry per input item from its Task IDs
 * field, or one per paused task. A field that cannot be read fails its own item only (an
 * unreadable entry at that item's index); a problem with the source fails the run (a single
 * unreadable entry at item 0). Never throws.
 */
export function readTaskIdsEntries(
	context: IExecuteFunctions,
	emptyHint: string,
): { fromPausedNode: boolean; entries: Array<TaskIdsEntry | UnreadableEntry> } {
	try {
		if (runSource(context) === 'pausedNode')
			return { fromPausedNode: true, entries: pausedNodeEntries(context) };
	} catch (error) {
		return { fromPausedNode: false, entries: [{ itemIndex: 0, error }] };
	}
	const entries = context.getInputData().map((_item, itemIndex) => {
		try {
			const value = context.getNodeParameter('taskIds', itemIndex, '');
			return { itemIndex, taskIds: readTaskIdsField(context.getNode(), value, itemIndex, emptyHint) };
		} catch (error) {
			return { itemIndex, error };
		}
	});
	return { fromPausedNode: false, entries };
}

/** An input item whose Task IDs field could not be read: it fails on its own. */
export interface UnreadableEntry {
	itemIndex: number;
	error: unknown;
}

export function isReadable(entry: TaskIdsEntry | UnreadableEntry): entry is TaskIdsEntry {
	return 'taskIds' in entry;
}

/** What every output item of a paused task carries: which of the paused node's items it is for. */
export function pausedItemFields(entry: TaskIdsEntry): { paused_item_index?: number } {
	return entry.pausedItemIndex === undefined ? {} : { paused_item_index: entry.pausedItemIndex };
}
