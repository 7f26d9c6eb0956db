import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { lookupTasks } from '../../shared/taskLookup';
import { readTaskIdsField } from '../../shared/taskIds';
import { summarizeTask } from '../../shared/taskState';

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

/** Looks up many tasks with one `retrieve_batch` call per 50 ids; one output item per id, in the given order. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const ids = readTaskIdsField(
		this.getNode(),
		this.getNodeParameter('taskIds', itemIndex, ''),
		itemIndex,
		'Give at least one id, e.g. {{ $json.task_id }} or a comma-separated list.',
	);
	const states = await lookupTasks(this, ids, { itemIndex });
	return ids.map((id) => ({
		json: summarizeTask(states.get(id)!),
		pairedItem: { item: itemIndex },
	}));
}
