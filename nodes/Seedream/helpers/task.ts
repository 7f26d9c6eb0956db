import type { IDataObject } from 'n8n-workflow';

import { withoutInlineImages } from './inlineData';

export type TaskStatus = 'pending' | 'succeeded' | 'failed' | 'not_found';

/** Task ids are UUIDs today; anything with spaces, slashes or markup is a wiring mistake, not an id. */
const TASK_ID_PATTERN = /^[\w.:-]{1,128}$/;

export const TASK_ID_HINT =
	'A task id has only letters, digits, "-", "_", "." and ":", e.g. 80ceeed1-17d4-4eb7-82e0-18b34290f36e. Pass the task_id field of the node that submitted the job, e.g. {{ $json.task_id }}.';

/** The first id that cannot be a task id, shortened for an error message; undefined when all can. */
export function invalidTaskId(ids: string[]): string | undefined {
	const bad = ids.find((id) => !TASK_ID_PATTERN.test(id));
	return bad === undefined ? undefined : bad.slice(0, 80);
}

export interface TaskState {
	taskId: string;
	status: TaskStatus;
	/** The final API response (success or failure body) once the task finished. */
	response?: IDataObject;
	record?: IDataObject;
}

function isObject(value: unknown): value is IDataObject {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Seedream task records carry no status field (contract §2.5): the state follows from
 * `response` and `finished_at`. A `{}` answer means the id is unknown. Some docs show the single
 * `retrieve` answer flat (`{success, task_id, data}`), so that shape is accepted too.
 */
export function deriveTaskState(taskId: string, answer: unknown): TaskState {
	if (!isObject(answer) || Object.keys(answer).length === 0) return { taskId, status: 'not_found' };
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
	if (response?.success === true) return { taskId: id, status: 'succeeded', response, record };
	if (response?.success === false || (response && response.error)) {
		return { taskId: id, status: 'failed', response, record };
	}
	return { taskId: id, status: 'pending', record };
}

/** The user-facing summary of a task: status, timings, request, images and error. */
export function summarizeTask(state: TaskState): IDataObject {
	const record = state.record ?? {};
	const response = state.response ?? {};
	const error = isObject(response.error) ? response.error : undefined;
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
		error: error ? { code: error.code ?? null, message: error.message ?? null } : null,
	};
}
