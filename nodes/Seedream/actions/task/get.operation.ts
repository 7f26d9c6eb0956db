import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { lookupTask } from '../../shared/taskLookup';
import { invalidTaskId, TASK_ID_HINT } from '../../shared/taskIds';
import { summarizeTask } from '../../shared/taskState';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 80ceeed1-17d4-4eb7-82e0-18b34290f36e',
		description: 'ID returned when the image job was submitted',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
	if (!taskId) {
		throw new NodeOperationError(this.getNode(), 'The "Task ID" parameter is empty', {
			itemIndex,
			description: 'Pass the task_id of a submitted job, e.g. {{ $json.task_id }}.',
		});
	}
	const bad = invalidTaskId([taskId]);
	if (bad !== undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`The "Task ID" value "${bad}" is not a valid task id`,
			{ itemIndex, description: TASK_ID_HINT },
		);
	}
	const { state, httpStatus } = await lookupTask(this, taskId, { itemIndex });
	if (state.status === 'not_found') {
		// The API answers an unknown id with `200 {}` or with 404; both mean the same here.
		throw new NodeApiError(
			this.getNode(),
			{ task_id: taskId, code: 'not_found', http_status: httpStatus },
			{
				message: `Seedream task not found: ${taskId}`,
				description:
					'Ace Data Cloud knows no task with this id for this token. Check the id, and that the task was created with the same Seedream API credential.',
				httpCode: '404',
				itemIndex,
			},
		);
	}
	return [{ json: summarizeTask(state), pairedItem: { item: itemIndex } }];
}
