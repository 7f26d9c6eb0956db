import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resolveModel, type ResolvedModel } from '../capabilities';
import type { SeedreamContext } from '../transport/request';
import { imagesToItems, readGenerationResult, type OutputSettings } from './output';
import { taskFailedError, type TaskState } from './taskState';

export type NodeError = NodeApiError | NodeOperationError;

/** A failure that belongs to one input item, with the task id when a paid job exists. */
export class ItemFailure {
	constructor(
		readonly error: NodeError,
		readonly taskId?: string,
	) {}
}

/** How the router wants failures handled; it reads "On Error" once and hands this down. */
export interface RunPolicy {
	continueOnFail: boolean;
}

/**
 * What an operation hands the router for one input item, in output order. `json` goes into the
 * error item when the workflow goes on (e.g. which paused item a failed task belongs to).
 */
export type ItemOutcome =
	| { itemIndex: number; items: INodeExecutionData[] }
	| { itemIndex: number; failure: ItemFailure; json?: IDataObject };

/** n8n's own error types pass unchanged (type, description, itemIndex); anything else is wrapped. */
export function asNodeError(
	context: Pick<SeedreamContext, 'getNode'>,
	error: unknown,
	itemIndex: number,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** The item a failure becomes when the workflow goes on: message, description and task id. */
export function failureItem(
	failure: ItemFailure,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	const { error, taskId } = failure;
	return {
		json: {
			error: error.message,
			...(error.description ? { description: error.description } : {}),
			...(taskId ? { task_id: taskId } : {}),
			...extra,
		},
		pairedItem: { item: itemIndex },
	};
}

/** The model a task was created with, from the request its record echoes (§2.5). */
function recordedModel(state: TaskState): ResolvedModel | undefined {
	const request = (state.record?.request ?? {}) as IDataObject;
	return typeof request.model === 'string' ? resolveModel(request.model) : undefined;
}

/**
 * The one path from a finished task to output items, for Submit and Poll, the callback pause,
 * Task → Wait for Completion and the Seedream Trigger: the images stored as binary data, or a
 * failure that keeps the task id (a failed task, or images that could not be stored).
 */
export async function finishedTaskItems(
	context: SeedreamContext,
	itemIndex: number,
	state: TaskState,
	settings: OutputSettings,
	model: ResolvedModel | undefined = recordedModel(state),
): Promise<INodeExecutionData[] | ItemFailure> {
	if (state.status !== 'succeeded') {
		const error =
			state.status === 'failed'
				? taskFailedError(context.getNode(), state, itemIndex)
				: new NodeOperationError(context.getNode(), `The task is ${state.status}`, {
						itemIndex,
						description: `Task id: ${state.taskId}. Fetch it later with Task → Wait for Completion.`,
					});
		return new ItemFailure(error, state.taskId);
	}
	const result = readGenerationResult(state.response ?? {}, model);
	result.taskId = result.taskId ?? state.taskId;
	try {
		return await imagesToItems(context, itemIndex, result, settings);
	} catch (error) {
		return new ItemFailure(asNodeError(context, error, itemIndex), state.taskId);
	}
}
