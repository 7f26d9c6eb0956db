/**
 * The edges of the one path from a task to output items (shared/taskResult.ts) and of the error a
 * failed task gives an item (shared/taskState.ts), called directly: what the user reads and which
 * item and task id the failure keeps.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, finishedTaskItems, ItemFailure } from '../../../../nodes/Seedream/shared/taskResult';
import { taskFailedError, type TaskState } from '../../../../nodes/Seedream/shared/taskState';

const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };
const context = { getNode: () => node } as never;
const settings = {} as never;

describe('asNodeError', () => {
	it("passes n8n's own errors through unchanged and wraps anything else with its message and item", () => {
		const api = new NodeApiError(node, { message: 'x' }, { itemIndex: 1 });
		const operation = new NodeOperationError(node, 'y', { itemIndex: 2 });
		expect(asNodeError(context, api, 5)).toBe(api);
		expect(asNodeError(context, operation, 5)).toBe(operation);
		const wrapped = asNodeError(context, new Error('socket hang up'), 3);
		expect(wrapped).toBeInstanceOf(NodeOperationError);
		expect(wrapped.message).toBe('socket hang up');
		expect(wrapped.context.itemIndex).toBe(3);
	});
});

describe('finishedTaskItems with a task that has not finished', () => {
	it.each(['pending', 'not_found'] as const)('%s: fails the item, names the task and how to fetch it later', async (status) => {
		const outcome = await finishedTaskItems(context, 4, { taskId: 't-9', status }, settings);
		expect(outcome).toBeInstanceOf(ItemFailure);
		const { error, taskId } = outcome as ItemFailure;
		expect({ message: error.message, description: error.description, itemIndex: error.context.itemIndex, taskId }).toEqual({
			message: `The task is ${status}`,
			description: 'Task id: t-9. Fetch it later with Task → Wait for Completion.',
			itemIndex: 4,
			taskId: 't-9',
		});
	});
});

describe('taskFailedError', () => {
	const failed = (failure?: TaskState['failure']): TaskState => ({ taskId: 't-1', status: 'failed', failure });

	it.each<[string, TaskState['failure'], string]>([
		['the API message', { code: 'api_error', message: 'content blocked' }, 'Seedream task failed: content blocked'],
		['the code when there is no message', { code: 'api_error', message: null }, 'Seedream task failed: api_error'],
		['that no reason was given', { code: null, message: null }, 'Seedream task failed: no reason given'],
		['that no reason was given, also with no failure recorded', undefined, 'Seedream task failed: no reason given'],
	])('names %s', (_name, failure, message) => {
		const error = taskFailedError(node, failed(failure), 6);
		expect({ message: error.message, itemIndex: error.context.itemIndex }).toEqual({ message, itemIndex: 6 });
		expect(error.errorResponse).toEqual({ task_id: 't-1', code: failure?.code ?? null, message: failure?.message ?? null });
		expect(error.description).toBe('Task id: t-1. The API reported the failure; failed tasks are not billed upstream.');
	});

	it('a success without an image says the task may have been billed', () => {
		const error = taskFailedError(node, failed({ code: null, message: 'The task finished with success: true but no image', noImage: true }), 0);
		expect(error.message).toBe('Seedream task returned no image: The task finished with success: true but no image');
		expect(error.description).toBe('Task id: t-1. The API reported success but sent no image; the task may have been billed, so check it in the Ace Data Cloud console before running again.');
	});
});
