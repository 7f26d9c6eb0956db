import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The one rule for what can be a task id, for ids users pass (Task operations) and ids a callback
 * names. Task ids are UUIDs today (docs/api-contract.md §2.2); anything with spaces, slashes or
 * markup is a wiring mistake or a forged body, not an id.
 */
const TASK_ID_PATTERN = /^[\w.:-]{1,128}$/;

export const TASK_ID_HINT =
	'A task id has only letters, digits, "-", "_", "." and ":", e.g. 80ceeed1-17d4-4eb7-82e0-18b34290f36e. Pass the task_id field of the node that submitted the job, e.g. {{ $json.task_id }}.';

export function isTaskId(value: unknown): value is string {
	return typeof value === 'string' && TASK_ID_PATTERN.test(value);
}

/** The first id that cannot be a task id, shortened for an error message; undefined when all can. */
export function invalidTaskId(ids: string[]): string | undefined {
	const bad = ids.find((id) => !TASK_ID_PATTERN.test(id));
	return bad === undefined ? undefined : bad.slice(0, 80);
}

/** Ids from a text (commas, spaces, new lines) or an array from an expression, without repeats. */
export function parseTaskIds(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
	return [...new Set(parts.map((id) => id.trim()).filter(Boolean))];
}

/**
 * The ids of a Task IDs field: at least one, each a possible task id, refused before anything
 * is sent (e.g. an object from an expression).
 */
export function readTaskIdsField(
	node: INode,
	value: unknown,
	itemIndex: number,
	emptyHint: string,
): string[] {
	const ids = parseTaskIds(value);
	if (ids.length === 0) {
		throw new NodeOperationError(node, 'The "Task IDs" parameter has no task id', {
			itemIndex,
			description: emptyHint,
		});
	}
	const bad = invalidTaskId(ids);
	if (bad !== undefined) {
		throw new NodeOperationError(
			node,
			`The "Task IDs" value contains "${bad}", not a valid task id`,
			{ itemIndex, description: TASK_ID_HINT },
		);
	}
	return ids;
}

/** The task id a callback body names, when the body has the documented shape (§2.3). */
export function callbackTaskId(body: unknown): string | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const taskId = (body as { task_id?: unknown }).task_id;
	return isTaskId(taskId) ? taskId : undefined;
}
