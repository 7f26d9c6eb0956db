import type { IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { retrieveTasks } from '../../helpers/poller';
import { deriveTaskState, invalidTaskId, summarizeTask, TASK_ID_HINT } from '../../helpers/task';

const properties: INodeProperties[] = [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 80ceeed1-…, 9b1c…',
		description:
			'Task IDs separated by commas, spaces or new lines, or an array from an expression. Any number; they are queried 50 at a time.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['getMany'] } },
	properties,
);

export function parseTaskIds(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
	return [...new Set(parts.map((id) => id.trim()).filter(Boolean))];
}

/** Refuses an id that cannot be a task id before anything is sent (e.g. an object from an expression). */
export function assertTaskIds(node: INode, ids: string[], itemIndex: number): void {
	const bad = invalidTaskId(ids);
	if (bad === undefined) return;
	throw new NodeOperationError(
		node,
		`The "Task IDs" value contains "${bad}", not a valid task id`,
		{
			itemIndex,
			description: TASK_ID_HINT,
		},
	);
}

/** Looks up many tasks with one `retrieve_batch` call per 50 ids; one output item per id, in the given order. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const ids = parseTaskIds(this.getNodeParameter('taskIds', itemIndex, ''));
	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'The "Task IDs" parameter has no task id', {
			itemIndex,
			description: 'Give at least one id, e.g. {{ $json.task_id }} or a comma-separated list.',
		});
	}
	assertTaskIds(this.getNode(), ids, itemIndex);
	const records = await retrieveTasks(this, ids, { itemIndex });
	return ids.map((id) => ({
		json: summarizeTask(deriveTaskState(id, records.get(id))),
		pairedItem: { item: itemIndex },
	}));
}
