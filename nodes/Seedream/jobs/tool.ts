import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CUSTOM_MODEL, findModel, modelNames } from '../capabilities';
import { TOOL_MODES } from '../descriptions/delivery.description';
import { agentModels } from '../descriptions/tool.description';
import { withoutInlineImages } from '../shared/inlineData';
import { isToolNode } from '../shared/settings';

export { isToolNode };

/**
 * Modes a tool call cannot use, and why: the MCP Server Trigger and the AI Agent hold the call
 * open until the tool's run ends, and then need the answer in it.
 */
const NOT_FOR_TOOLS: Record<string, string> = {
	callbackWait:
		'The callback pause mode pauses the run until Seedream calls back, and a paused tool call never answers',
	callbackUrl:
		'The callback URL mode sends the images to another workflow, which the agent never sees',
};

/**
 * Refuses, before anything is paid, a mode that cannot answer a tool call, saying which mode to
 * use instead. The tool variant hides these modes, so only an edited or imported workflow (or a
 * Mode expression) gets here.
 */
export function assertToolMode(context: IExecuteFunctions, itemIndex: number, mode: string): void {
	if (!isToolNode(context) || (TOOL_MODES as readonly string[]).includes(mode)) return;
	throw new NodeOperationError(
		context.getNode(),
		`Mode ${mode} does not work in a tool call. ${NOT_FOR_TOOLS[mode] ?? 'It answers without images'}.`,
		{
			itemIndex,
			description:
				'Set the Seedream tool\'s Mode to "Wait for Result (One Call)" (sync) to get the image URLs in the answer, or to "Submit Only" (submitOnly) to get a task_id at once and collect the images later with a Seedream tool set to Task → Wait for Completion.',
		},
	);
}

/**
 * Checks what an agent filled in that the workflow would take on trust. A model id the table
 * does not know is refused (a workflow may name a model released after this version, an agent
 * more likely invents one; the custom model field stays open for the first case), and Max
 * Images 1 means one image, so it works with models that make no sets.
 */
export function toolInput<T extends { model?: unknown; maxImages?: number; options?: object }>(
	context: IExecuteFunctions,
	itemIndex: number,
	input: T,
): T {
	if (!isToolNode(context)) return input;
	const model = typeof input.model === 'string' ? input.model.trim() : '';
	if (model !== CUSTOM_MODEL && !findModel(model)) {
		const known = agentModels()
			.flatMap(modelNames)
			.join(', ');
		throw new NodeOperationError(
			context.getNode(),
			`Unknown Seedream model "${model.slice(0, 80)}"`,
			{ itemIndex, description: `Use one of: ${known}. Nothing was sent.` },
		);
	}
	if (input.maxImages !== undefined && Number(input.maxImages) === 1) {
		return { ...input, maxImages: undefined, options: { ...input.options, maxImages: undefined } };
	}
	return input;
}

/** Fields an agent can act on; everything else (prompts echoed back, trace ids) costs context. */
const IMAGE_KEYS = ['image_url', 'size', 'index', 'name', 'description', 'z_index'] as const;

function compactImage(image: IDataObject): IDataObject {
	const compact: IDataObject = {};
	for (const key of IMAGE_KEYS) {
		if (image[key] === undefined || image[key] === null) continue;
		compact[key === 'image_url' ? 'url' : key] = image[key];
	}
	if (compact.url === undefined) compact.url = null;
	return compact;
}

const COLLECT_LATER =
	'The images are not ready yet. Pass this task_id to the Seedream task tool (Wait for Completion) to collect them.';

/** The model of an answer: the output's own field, else the one a task's record echoes. */
function modelOf(json: IDataObject): IDataObject[string] {
	if (json.model !== undefined) return json.model;
	const request = json.request as IDataObject | null | undefined;
	return request?.model ?? null;
}

/** One output item's JSON as the agent gets it. */
function compactAnswer(json: IDataObject): IDataObject {
	// An error item ("On Error: Continue"): the reason and the task id when a job exists.
	if (typeof json.error === 'string') {
		return {
			status: 'failed',
			error:
				json.description && !json.error.includes(String(json.description))
					? `${json.error}. ${String(json.description)}`
					: json.error,
			task_id: json.task_id ?? null,
		};
	}
	const status = typeof json.status === 'string' ? json.status : 'succeeded';
	if (status !== 'succeeded') {
		// Pending (submit only, a timed-out wait) or a task that failed at the API (Task operations).
		const failure = json.error as IDataObject | null | undefined;
		return {
			status,
			task_id: json.task_id ?? null,
			model: modelOf(json),
			...(failure ? { error: failure.message ?? failure.code ?? 'unknown' } : {}),
			...(json.timed_out ? { timed_out: true } : {}),
			...(status === 'pending' ? { next: COLLECT_LATER } : {}),
		};
	}
	const images = Array.isArray(json.images) ? (json.images as IDataObject[]) : [json];
	const compact: IDataObject = {
		status: 'succeeded',
		task_id: json.task_id ?? null,
		model: modelOf(json),
		image_count: images.length,
		images: images.map(compactImage),
	};
	if (json.failed_images !== undefined) compact.failed_images = json.failed_images;
	if (json.stream_completed === false) compact.stream_completed = false;
	if (images.some((image) => !image.image_url)) {
		compact.note =
			'Some images have no URL (the API answered in base64); they are only in the binary output of this node.';
	}
	return compact;
}

/**
 * Rewrites a tool's output items, whatever the operation, as compact JSON for the agent: status,
 * task id, model, per image its URL and size; on failure the reason and the task id. Binaries
 * and pairing stay as they are.
 */
export function compactToolItems(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item) => ({ ...item, json: compactAnswer(item.json) }));
}

/**
 * A tool's error as the agent must get it. n8n's queue mode hands a tool error to the MCP client
 * with its message only, so the message carries the description too (what is valid, the task
 * id); in a single process n8n adds the description after the message unless the message holds
 * it already.
 */
export function toolError<T extends Error & { description?: string | null }>(error: T): T {
	const description = error.description?.trim();
	if (description && !error.message.includes(description)) {
		error.message = `${error.message.replace(/\.?$/, '.')} ${description}`;
	}
	return error;
}

/**
 * Last guard for every tool answer (Task lookups too): base64 images, whether a b64_json answer
 * or a data URI echoed back in a task's request, would flood the agent's context.
 */
export function omitInlineData(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item) => ({
		...item,
		json: withoutInlineImages(item.json, { dropBase64Results: true }) as IDataObject,
	}));
}
