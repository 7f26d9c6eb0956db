import type {
	FunctionsBase,
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

export type ExecutionCustomData = FunctionsBase['customData'];

function isCustomData(value: unknown): value is ExecutionCustomData {
	const candidate = value as Partial<ExecutionCustomData> | null | undefined;
	return typeof candidate?.getAll === 'function' && typeof candidate.set === 'function';
}

/**
 * The execution's custom data, or undefined when this n8n offers none to the node. n8n 2.x
 * puts it on every node context (the getter throws where a context has no run data); n8n 1.x
 * has no such property and exposes it only as `$execution.customData` in expressions, which
 * both the execute and the webhook context can evaluate.
 */
export function executionCustomData(
	context: IExecuteFunctions | IWebhookFunctions,
): ExecutionCustomData | undefined {
	try {
		const direct = (context as Partial<FunctionsBase>).customData;
		if (isCustomData(direct)) return direct;
	} catch {
		// no run data in this context: try the expression below
	}
	try {
		const viaExpression: unknown = context.evaluateExpression('{{ $execution.customData }}', 0);
		if (isCustomData(viaExpression)) return viaExpression;
	} catch {
		// an expression engine without `$execution.customData`
	}
	return undefined;
}

/** This execution's resume URL (the same for every item); empty when n8n has none. */
export function executionResumeUrl(context: IExecuteFunctions): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
}

/**
 * Path of the Seedream node's restart webhook. n8n routes `/webhook-waiting/<execution>/<suffix>`
 * to the waiting node's webhook whose `path` equals the suffix.
 */
export const CALLBACK_WEBHOOK_PATH = 'seedream-callback';

/**
 * Execution custom data keys holding the paused node's task ids, in input-item order
 * (comma-separated; `-` for an item that was not submitted), split over `seedream_task_ids`,
 * `seedream_task_ids_2` … Custom data is the one store of a waiting execution that both the
 * resuming webhook call and, after the deadline, a later node of the same execution can read:
 * Task → Wait for Completion and Get Many with "Task IDs Source: From This Execution's Paused
 * Node" read it through `pausedTasks` below, so only this module knows the format.
 */
export const TASK_IDS_KEY = 'seedream_task_ids';
const NOT_SUBMITTED = '-';
/** Custom data values are cut at 512 characters; chunks stay below that. */
const MAX_CHUNK_CHARS = 480;
/** n8n keeps at most 10 custom data keys per execution. */
export const CUSTOM_DATA_KEY_LIMIT = 10;

export function chunkKey(index: number): string {
	return index === 0 ? TASK_IDS_KEY : `${TASK_IDS_KEY}_${index + 1}`;
}

/** Splits the id list into custom data values of at most MAX_CHUNK_CHARS characters. */
export function chunkTaskIds(taskIds: Array<string | undefined>): string[] {
	const chunks: string[] = [];
	let current: string[] = [];
	let length = 0;
	for (const id of taskIds) {
		const entry = id || NOT_SUBMITTED;
		const added = (current.length ? 1 : 0) + entry.length;
		if (current.length && length + added > MAX_CHUNK_CHARS) {
			chunks.push(current.join(','));
			current = [];
			length = 0;
		}
		length += (current.length ? 1 : 0) + entry.length;
		current.push(entry);
	}
	chunks.push(current.join(','));
	return chunks;
}

/** The id list (one entry per input item) a paused node stored, or undefined. */
export function readStoredTaskIds(
	customData: ExecutionCustomData,
): Array<string | undefined> | undefined {
	const all = customData.getAll() as IDataObject;
	if (typeof all[TASK_IDS_KEY] !== 'string' || all[TASK_IDS_KEY] === '') return undefined;
	const entries: Array<string | undefined> = [];
	for (let index = 0; index < CUSTOM_DATA_KEY_LIMIT; index++) {
		const value = all[chunkKey(index)];
		if (typeof value !== 'string' || value === '') break;
		for (const id of value.split(',')) {
			const trimmed = id.trim();
			entries.push(trimmed && trimmed !== NOT_SUBMITTED ? trimmed : undefined);
		}
	}
	return entries;
}

/** One paid task of a paused node: its id and the index of the node's input item it belongs to. */
export interface PausedTask {
	itemIndex: number;
	taskId: string;
}

/**
 * Every task a Seedream node paused in "Callback: Pause" mode stored in this execution (the
 * node that paused last), items that were never submitted left out; `itemCount` is how many
 * input items that node had. Undefined when this execution stored none, or when this n8n gives
 * nodes no custom data.
 */
export function pausedTasks(
	context: IExecuteFunctions,
): { tasks: PausedTask[]; itemCount: number } | undefined {
	const customData = executionCustomData(context);
	const stored = customData && readStoredTaskIds(customData);
	if (!stored) return undefined;
	const tasks = stored.flatMap((taskId, itemIndex) => (taskId ? [{ itemIndex, taskId }] : []));
	return { tasks, itemCount: stored.length };
}

/**
 * The URL the API calls back: the execution's resume URL (it carries `?signature=<token>`,
 * which n8n checks) with the node's webhook path between the execution id and the query.
 */
export function callbackUrlFromResumeUrl(resumeUrl: string): string {
	const [base, query] = resumeUrl.split('?', 2);
	const url = `${base.replace(/\/+$/, '')}/${CALLBACK_WEBHOOK_PATH}`;
	return query === undefined ? url : `${url}?${query}`;
}

/** Whether Ace Data Cloud cannot reach the URL from the internet (loopback or private host). */
export function isLocalUrl(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase();
	} catch {
		return true;
	}
	host = host.replace(/^\[|\]$/g, '');
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host === '0.0.0.0' ||
		host === '::1' ||
		host.startsWith('127.') ||
		host.startsWith('10.') ||
		host.startsWith('192.168.') ||
		/^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
		host.endsWith('.local') ||
		!host.includes('.')
	);
}
