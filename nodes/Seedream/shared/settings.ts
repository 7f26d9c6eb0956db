import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	FIXED_MAX,
	parseConcurrency,
	type ConcurrencySetting,
} from '../transport/adaptiveConcurrency';
import {
	DEFAULT_FILE_NAME_TEMPLATE,
	FILE_NAME_PLACEHOLDERS,
	fileNameTemplateProblem,
	type OutputGrouping,
	type OutputMode,
	type OutputSettings,
} from './output';

interface NumberOption {
	default: number;
	/** What the editor offers at least (`typeOptions.minValue`). */
	editorMin: number;
	editorMax?: number;
	whole?: boolean;
	/** 0 is a meaningful value (e.g. "no repeat check"); otherwise the value must be above 0. */
	allowZero?: boolean;
	/** An expression may go below the editor's minimum; it is raised to this floor, not refused. */
	floor?: number;
}

/**
 * Every number option's default and limits, once: the declarations take `default` and `typeOptions`
 * from here and the reader below applies the same values, so the two cannot disagree.
 */
export const NUMBER_OPTIONS = {
	// 0 is Auto; the reader also takes "auto" (see parseConcurrency).
	concurrency: { default: 0, editorMin: 0, editorMax: FIXED_MAX, whole: true, allowZero: true },
	// Seedream 5.0 Pro takes about 2 minutes per image (docs/api-contract.md §4).
	timeoutSeconds: { default: 300, editorMin: 5, floor: 1 },
	maxDownloadMb: { default: 100, editorMin: 1 },
	maxWaitMinutes: { default: 10, editorMin: 0.1, allowZero: true },
	// The cap bounds every gap, the first one too; the floor keeps a tiny cap from busy-looping.
	maxPollIntervalSeconds: { default: 10, editorMin: 1, floor: 0.1 },
	callbackDeadlineMinutes: { default: 60, editorMin: 1, floor: 1 },
	duplicateWindowMinutes: { default: 60, editorMin: 0, allowZero: true },
} satisfies Record<string, NumberOption>;

export type NumberOptionName = keyof typeof NUMBER_OPTIONS;

const LABELS: Record<NumberOptionName, string> = {
	concurrency: 'Concurrency',
	timeoutSeconds: 'Request Timeout (Seconds)',
	maxDownloadMb: 'Max Download Size (MB)',
	maxWaitMinutes: 'Max Wait (Minutes)',
	maxPollIntervalSeconds: 'Max Poll Interval (Seconds)',
	callbackDeadlineMinutes: 'Callback Deadline (Minutes)',
	duplicateWindowMinutes: 'Ignore Repeats Within (Minutes)',
};

/**
 * The declaration of a number option: name, label, default and editor limits from the tables
 * above, the rest (description, display rules) from the caller.
 */
export function numberOption(
	name: NumberOptionName,
	declaration: Pick<INodeProperties, 'description' | 'displayOptions' | 'hint'>,
): INodeProperties {
	const spec: NumberOption = NUMBER_OPTIONS[name];
	const { default: defaultValue } = spec;
	return {
		...declaration,
		displayName: LABELS[name],
		name,
		type: 'number',
		default: defaultValue,
		typeOptions: {
			minValue: spec.editorMin,
			...(spec.editorMax === undefined ? {} : { maxValue: spec.editorMax }),
		},
	};
}

/** How long to look for tasks, how often, and what to do with those still running. */
export interface PollSettings {
	maxWaitMs: number;
	/** First gap between rounds; later gaps grow with the time already waited. */
	minIntervalMs: number;
	maxIntervalMs: number;
	/** Timeout of each lookup request; the transport's default when the option is not set. */
	requestTimeoutMs?: number;
	onTimeout: 'returnPending' | 'error';
}

/** Everything the options of one item decide, validated. */
export interface ItemSettings {
	output: OutputSettings;
	/** Timeout of a create call (and of each download, see `output`). */
	requestTimeoutMs: number;
	/** Most requests, and separately most downloads, at the same time: Auto or a fixed maximum. */
	concurrency: ConcurrencySetting;
	poll: PollSettings;
	callbackDeadlineMs: number;
	/** "Callback URL" as given; checked by the callback mode that needs it. */
	callbackUrl: string;
	duplicateWindowMs: number;
}

const OUTPUT_MODES: OutputMode[] = ['binary', 'url', 'both'];
const GROUPINGS: OutputGrouping[] = ['perImage', 'perInput'];
const POLL_FIRST_INTERVAL_MS = 1_000;

/**
 * n8n registers a `usableAsTool` node a second time as `<name>Tool` (inputs: none, output:
 * ai_tool) for AI agents and the MCP Server Trigger; the node's type tells which of the two runs.
 */
export function isToolNode(context: { getNode(): { type: string } }): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * Reads and checks an item's options; runs before any paid request. Expressions can hand over any
 * type, and NaN here would silently lift a download cap or a timeout, so a value that is not a
 * number is refused with the field's name.
 */
export function readItemSettings(
	node: INode,
	itemIndex: number,
	options: IDataObject,
): ItemSettings {
	const invalid = (message: string, description: string) =>
		new NodeOperationError(node, message, { itemIndex, description });

	const number = (name: NumberOptionName): number => {
		const spec: NumberOption = NUMBER_OPTIONS[name];
		const raw = options[name] ?? spec.default;
		const value = typeof raw === 'string' && raw.trim() === '' ? Number.NaN : Number(raw);
		const tooLow = spec.allowZero ? value < 0 : value <= 0;
		if (!Number.isFinite(value) || tooLow || (spec.whole && !Number.isInteger(value))) {
			const kind = spec.whole ? 'a whole number' : 'a number';
			throw invalid(
				`"${LABELS[name]}" must be ${kind} ${spec.allowZero ? '0 or above' : 'above 0'}`,
				`Got ${JSON.stringify(raw)}. Enter a number, or make the expression return one, e.g. {{ Number($json.value) }}.`,
			);
		}
		return Math.max(value, spec.floor ?? 0);
	};

	// As an AI tool, the node answers each call with one item listing every image, and keeps the
	// URLs in the JSON (what the agent reads; the binaries stay in the run for later nodes).
	const tool = isToolNode({ getNode: () => node });
	const chosenMode = (options.outputMode ?? 'binary') as OutputMode;
	const mode = tool && chosenMode === 'binary' ? 'both' : chosenMode;
	if (!OUTPUT_MODES.includes(mode)) {
		throw invalid(`"Image Output" "${String(mode)}" is not valid`, 'Use binary, url or both.');
	}
	if (mode === 'url' && options.responseFormat === 'b64_json') {
		throw invalid(
			'"Image Output" URL Only does not work with Response Format Base64',
			'Base64 answers carry no image URL. Set "Response Format" to URL, or "Image Output" to Binary.',
		);
	}
	const grouping = (tool ? 'perInput' : (options.outputItems ?? 'perImage')) as OutputGrouping;
	if (!GROUPINGS.includes(grouping)) {
		throw invalid(`"Output Items" "${String(grouping)}" is not valid`, 'Use perImage or perInput.');
	}
	const fileNameTemplate = String(options.fileNameTemplate ?? DEFAULT_FILE_NAME_TEMPLATE);
	const templateProblem = fileNameTemplateProblem(fileNameTemplate);
	if (templateProblem) {
		throw invalid(
			`The "File Name" template is not valid: ${templateProblem}`,
			`Use the placeholders ${Object.keys(FILE_NAME_PLACEHOLDERS)
				.map((name) => `{${name}}`)
				.join(', ')}, e.g. ${DEFAULT_FILE_NAME_TEMPLATE}.`,
		);
	}
	const concurrency = parseConcurrency(options.concurrency);
	if (!concurrency) {
		throw invalid(
			`"Concurrency" must be a whole number: 0 (Auto) or 1 to ${FIXED_MAX}`,
			`Got ${JSON.stringify(options.concurrency)}. Enter a number, or make the expression return one (e.g. {{ Number($json.value) }}) or "auto".`,
		);
	}
	const requestTimeoutMs = Math.round(number('timeoutSeconds') * 1000);
	const maxIntervalMs = Math.round(number('maxPollIntervalSeconds') * 1000);
	return {
		output: {
			mode,
			binaryPropertyName: String(options.binaryPropertyName ?? '').trim() || 'data',
			grouping,
			fileNameTemplate,
			strict: options.strict === true,
			concurrency,
			downloadTimeoutMs: requestTimeoutMs,
			maxDownloadBytes: Math.round(number('maxDownloadMb') * 1024 * 1024),
		},
		requestTimeoutMs,
		concurrency,
		poll: {
			maxWaitMs: Math.round(number('maxWaitMinutes') * 60_000),
			minIntervalMs: Math.min(POLL_FIRST_INTERVAL_MS, maxIntervalMs),
			maxIntervalMs,
			// Lookups are small: without the option they keep the transport's shorter default.
			requestTimeoutMs: options.timeoutSeconds === undefined ? undefined : requestTimeoutMs,
			onTimeout: options.onTimeout === 'error' ? 'error' : 'returnPending',
		},
		callbackDeadlineMs: Math.round(number('callbackDeadlineMinutes') * 60_000),
		callbackUrl: String(options.callbackUrl ?? '').trim(),
		duplicateWindowMs: Math.round(number('duplicateWindowMinutes') * 60_000),
	};
}

/** What one run of the node does once for all its items: one pool, one polling loop, one pause. */
export interface BatchSettings {
	concurrency: ConcurrencySetting;
	poll: PollSettings;
	callbackDeadlineMs: number;
}

const BATCH_FIELDS: Array<{ label: string; value: (settings: ItemSettings) => unknown }> = [
	{
		label: LABELS.concurrency,
		value: (s) => `${s.concurrency.auto ? 'auto' : 'fixed'}:${s.concurrency.max}`,
	},
	{ label: LABELS.maxWaitMinutes, value: (s) => s.poll.maxWaitMs },
	{ label: LABELS.maxPollIntervalSeconds, value: (s) => s.poll.maxIntervalMs },
	{ label: 'On Timeout', value: (s) => s.poll.onTimeout },
	{ label: LABELS.callbackDeadlineMinutes, value: (s) => s.callbackDeadlineMs },
];

/**
 * The settings that apply to the whole run, checked to be the same for every item: an
 * expression that differs per item would otherwise be decided by whichever item came first.
 * Lookups serve every item at once, so they get the longest lookup timeout any item asked for.
 */
export function batchSettings(
	node: INode,
	items: Array<{ itemIndex: number; settings: ItemSettings }>,
): BatchSettings | undefined {
	const [first, ...rest] = items;
	if (!first) return undefined;
	for (const { itemIndex, settings } of rest) {
		const field = BATCH_FIELDS.find((f) => f.value(settings) !== f.value(first.settings));
		if (!field) continue;
		throw new NodeOperationError(
			node,
			`"${field.label}" differs between items ${first.itemIndex} and ${itemIndex}`,
			{
				itemIndex,
				description: `"${field.label}" applies to the whole run of the node, not to one item. Give every item the same value, or split the items with an If node.`,
			},
		);
	}
	const timeouts = items
		.map(({ settings }) => settings.poll.requestTimeoutMs)
		.filter((timeout): timeout is number => timeout !== undefined);
	return {
		concurrency: first.settings.concurrency,
		poll: {
			...first.settings.poll,
			requestTimeoutMs: timeouts.length ? Math.max(...timeouts) : undefined,
		},
		callbackDeadlineMs: first.settings.callbackDeadlineMs,
	};
}
