import type { IDataObject } from 'n8n-workflow';

import { API_LIMITS } from '../capabilities';
import { seedreamApiRequest, type SeedreamContext } from '../transport/request';
import { pause, throwIfCancelled } from '../transport/retry';
import type { PollSettings } from './settings';
import { deriveTaskState, type TaskState } from './taskState';

interface LookupOptions {
	itemIndex?: number;
	timeoutMs?: number;
}

const isFinished = (state: TaskState | undefined) =>
	state?.status === 'succeeded' || state?.status === 'failed';

/**
 * The one batch lookup: a `retrieve_batch` call per 50 ids (docs/api-contract.md §2.4, §2.6).
 * The API drops unknown ids from its answer, and the answer's order is undocumented, so records
 * are matched by id (`id`, or `task_id` in some answers); an id without a record is `not_found`.
 */
export async function lookupTasks(
	context: SeedreamContext,
	taskIds: string[],
	options: LookupOptions = {},
): Promise<Map<string, TaskState>> {
	const records = new Map<string, IDataObject>();
	for (let start = 0; start < taskIds.length; start += API_LIMITS.maxTaskIdsPerBatch) {
		const chunk = taskIds.slice(start, start + API_LIMITS.maxTaskIdsPerBatch);
		const response = await seedreamApiRequest(context, {
			path: '/seedream/tasks',
			body: { action: 'retrieve_batch', ids: chunk },
			kind: 'query',
			itemIndex: options.itemIndex,
			timeoutMs: options.timeoutMs,
		});
		const items = Array.isArray(response.body.items) ? response.body.items : [];
		for (const record of items as IDataObject[]) {
			const id = record && typeof record === 'object' ? (record.id ?? record.task_id) : undefined;
			if (typeof id === 'string' && chunk.includes(id)) records.set(id, record);
		}
	}
	return new Map(taskIds.map((id) => [id, deriveTaskState(id, records.get(id))]));
}

/** One task by the single `retrieve` action; an unknown id (`200 {}` or 404) is `not_found`. */
export async function lookupTask(
	context: SeedreamContext,
	taskId: string,
	options: LookupOptions = {},
): Promise<{ state: TaskState; httpStatus: number }> {
	const response = await seedreamApiRequest(context, {
		path: '/seedream/tasks',
		body: { action: 'retrieve', id: taskId },
		kind: 'query',
		itemIndex: options.itemIndex,
		timeoutMs: options.timeoutMs,
		notFoundAsEmpty: true,
	});
	return { state: deriveTaskState(taskId, response.body), httpStatus: response.status };
}

/**
 * Looks up again, three times a second apart, while `stillPending` says so: a callback can
 * overtake the update of its task record (§2.3), so the record may still look unfinished when
 * the callback arrives. Used by both callback receivers, the paused node and the trigger.
 */
export async function lookAgainWhilePending<T>(
	context: SeedreamContext,
	lookup: () => Promise<T>,
	stillPending: (answer: T) => boolean,
): Promise<T> {
	let answer = await lookup();
	for (let attempt = 0; attempt < 3 && stillPending(answer); attempt++) {
		await pause(context, 1000);
		answer = await lookup();
	}
	return answer;
}

/**
 * The wait before the next round: about a tenth of the time waited so far, so a task is seen
 * within ~10 % of its duration while a long wait costs few queries.
 */
export function nextPollInterval(settings: PollSettings, waitedMs: number): number {
	return Math.min(
		settings.maxIntervalMs,
		Math.max(settings.minIntervalMs, Math.round(waitedMs / 10)),
	);
}

/**
 * Polls every pending task together, so one round costs one request per 50 tasks. `onFinished`
 * runs as soon as a task succeeds or fails (downloads can start while others still run).
 * Resolves with the tasks still pending at the deadline.
 */
export async function pollTasks(
	context: SeedreamContext,
	taskIds: string[],
	settings: PollSettings,
	onFinished: (state: TaskState) => void,
	itemIndexForErrors = 0,
): Promise<string[]> {
	const started = Date.now();
	const pending = new Set(taskIds);
	while (pending.size > 0) {
		const waited = Date.now() - started;
		const remaining = settings.maxWaitMs - waited;
		if (remaining <= 0) break;
		await pause(
			context,
			Math.min(remaining, nextPollInterval(settings, waited)),
			itemIndexForErrors,
		);
		throwIfCancelled(context, itemIndexForErrors);
		const states = await lookupTasks(context, [...pending], {
			itemIndex: itemIndexForErrors,
			timeoutMs: settings.requestTimeoutMs,
		});
		for (const [id, state] of states) {
			if (!isFinished(state)) continue;
			pending.delete(id);
			onFinished(state);
		}
	}
	return [...pending];
}
