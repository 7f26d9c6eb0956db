import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { API_LIMITS } from '../capabilities';
import { seedreamApiRequest } from '../transport/request';
import { pause, throwIfCancelled } from '../transport/retry';
import { deriveTaskState, type TaskState } from './task';

export interface PollSettings {
	maxWaitMs: number;
	/** First gap between rounds; later gaps grow with the time already waited. */
	minIntervalMs: number;
	maxIntervalMs: number;
	/** Timeout of each lookup request; the transport's default when absent. */
	requestTimeoutMs?: number;
}

export const DEFAULT_POLL_SETTINGS: PollSettings = {
	maxWaitMs: 10 * 60_000,
	minIntervalMs: 1_000,
	maxIntervalMs: 10_000,
};

export interface PollStats {
	rounds: number;
	queries: number;
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
 * Looks tasks up with one `retrieve_batch` call per 50 ids. The API drops unknown ids from the
 * answer, so an id missing from the map is not known to the API (for this token).
 */
export async function retrieveTasks(
	context: IExecuteFunctions,
	taskIds: string[],
	options: { itemIndex?: number; timeoutMs?: number; stats?: PollStats } = {},
): Promise<Map<string, IDataObject>> {
	const records = new Map<string, IDataObject>();
	for (let start = 0; start < taskIds.length; start += API_LIMITS.maxTaskIdsPerBatch) {
		const chunk = taskIds.slice(start, start + API_LIMITS.maxTaskIdsPerBatch);
		if (options.stats) options.stats.queries++;
		const response = await seedreamApiRequest(context, {
			path: '/seedream/tasks',
			body: { action: 'retrieve_batch', ids: chunk },
			kind: 'query',
			itemIndex: options.itemIndex,
			timeoutMs: options.timeoutMs,
		});
		const items = Array.isArray(response.body.items) ? response.body.items : [];
		// The answer's order is undocumented, so records are matched by id.
		for (const record of items as IDataObject[]) {
			const id = record && typeof record === 'object' ? (record.id ?? record.task_id) : undefined;
			if (typeof id === 'string' && id) records.set(id, record);
		}
	}
	return records;
}

/**
 * Polls every pending task together, 50 ids per `retrieve_batch` call, so one round costs one
 * request per 50 tasks. `onFinished` runs as soon as a task succeeds or fails (downloads can
 * start while others still run). Resolves with the tasks still pending at the deadline.
 */
export async function pollTasks(
	context: IExecuteFunctions,
	taskIds: string[],
	settings: PollSettings,
	onFinished: (state: TaskState) => void,
	stats: PollStats = { rounds: 0, queries: 0 },
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
		stats.rounds++;
		const records = await retrieveTasks(context, [...pending], {
			itemIndex: itemIndexForErrors,
			timeoutMs: settings.requestTimeoutMs,
			stats,
		});
		for (const [id, record] of records) {
			if (!pending.has(id)) continue;
			const state = deriveTaskState(id, record);
			if (state.status === 'succeeded' || state.status === 'failed') {
				pending.delete(id);
				onFinished(state);
			}
		}
	}
	return [...pending];
}
