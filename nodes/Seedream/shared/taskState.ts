import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { withoutInlineImages } from './inlineData';
import { isImageSlot } from './output';

export type TaskStatus = 'pending' | 'succeeded' | 'failed' | 'not_found';

export interface TaskFailure {
	code: string | null;
	message: string | null;
	/** The API said `success: true` but sent no image: the task is failed all the same. */
	noImage?: boolean;
}

export interface TaskState {
	taskId: string;
	status: TaskStatus;
	/** The final API response (success or failure body) once the task finished. */
	response?: IDataObject;
	record?: IDataObject;
	/** Set exactly when `status` is `failed`. */
	failure?: TaskFailure;
}

function isObject(value: unknown): value is IDataObject {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

const text = (value: unknown) => (value === undefined || value === null ? null : String(value));

function apiFailure(response: IDataObject): TaskFailure {
	const error = isObject(response.error) ? response.error : {};
	const plain = typeof response.error === 'string' ? response.error : undefined;
	return { code: text(error.code), message: text(error.message ?? plain) };
}

/** A `success: true` answer without any image; the first slot error says why, when there is one. */
function noImageFailure(response: IDataObject): TaskFailure {
	const slots = Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
	const slotError = slots.map((slot) => slot?.error).find(isObject);
	return {
		code: text(slotError?.code),
		message: text(slotError?.message) ?? 'The task finished with success: true but no image',
		noImage: true,
	};
}

function hasImage(response: IDataObject): boolean {
	const data = response.data;
	const slots = Array.isArray(data) ? data : isObject(data) ? [data] : [];
	return slots.some((slot) => isImageSlot(slot as IDataObject));
}

/**
 * The one place a task's status is derived; every reader (poll, callback, Wait for Completion,
 * Get, Get Many, trigger) goes through it. Records have no reliable status field (docs/api-contract.md
 * §2.5): the state follows from `response`. Newer records may carry a `state`, possibly empty
 * while `response` is already final, so it is not read; `success: false` (or an error) is final
 * even without `finished_at`; a `response` without `success` is still pending; and
 * `success: true` with no image is a failure, not a success (§2.5). A `{}` answer
 * means the id is unknown. Some docs show the single `retrieve` answer flat
 * (`{success, task_id, data}`), so that shape is accepted too.
 */
export function deriveTaskState(taskId: string, answer: unknown): TaskState {
	// A `{}` answer (an unknown id) has neither an id nor a response: not found below.
	if (!isObject(answer)) return { taskId, status: 'not_found' };
	const record = answer;
	let response = isObject(record.response) ? record.response : undefined;
	if (
		!response &&
		(record.success !== undefined || Array.isArray(record.data)) &&
		!record.request
	) {
		response = record;
	}
	if (!record.id && !record.task_id && !response) return { taskId, status: 'not_found' };
	const id = String(record.id ?? record.task_id ?? response?.task_id ?? taskId);
	if (response?.success === true) {
		if (hasImage(response)) return { taskId: id, status: 'succeeded', response, record };
		return { taskId: id, status: 'failed', response, record, failure: noImageFailure(response) };
	}
	if (response?.success === false || (response && response.error)) {
		return { taskId: id, status: 'failed', response, record, failure: apiFailure(response) };
	}
	return { taskId: id, status: 'pending', record };
}

/** The error a failed task gives an item: the API's reason, or that no image came back. */
export function taskFailedError(node: INode, state: TaskState, itemIndex: number): NodeApiError {
	const failure = state.failure ?? { code: null, message: null };
	const reason = failure.message ?? failure.code ?? 'no reason given';
	return new NodeApiError(
		node,
		{ task_id: state.taskId, code: failure.code, message: failure.message },
		failure.noImage
			? {
					message: `Seedream task returned no image: ${reason}`,
					description: `Task id: ${state.taskId}. The API reported success but sent no image; the task may have been billed, so check it in the Ace Data Cloud console before running again.`,
					itemIndex,
				}
			: {
					message: `Seedream task failed: ${reason}`,
					description: `Task id: ${state.taskId}. The API reported the failure; failed tasks are not billed upstream.`,
					itemIndex,
				},
	);
}

/** The user-facing summary of a task: status, timings, request, images and error. */
export function summarizeTask(state: TaskState): IDataObject {
	const record = state.record ?? {};
	const response = state.response ?? {};
	const failure = state.failure;
	return {
		task_id: state.taskId,
		status: state.status,
		trace_id: record.trace_id ?? response.trace_id ?? null,
		created_at: record.created_at ?? null,
		started_at: record.started_at ?? null,
		finished_at: record.finished_at ?? null,
		elapsed: record.elapsed ?? null,
		// The stored request echoes reference images as data URIs; the user already has them.
		request: (withoutInlineImages(record.request) as IDataObject) ?? null,
		images: Array.isArray(response.data) ? response.data : [],
		error: failure ? { code: failure.code, message: failure.message } : null,
	};
}
