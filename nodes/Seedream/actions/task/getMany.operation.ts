import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { retrieveTasks } from '../../helpers/poller';
import { deriveTaskState, summarizeTask } from '../../helpers/task';

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
	const records = await retrieveTasks(this, ids, { itemIndex });
	return ids.map((id) => ({
		json: summarizeTask(deriveTaskState(id, records.get(id))),
		pairedItem: { item: itemIndex },
	}));
}
