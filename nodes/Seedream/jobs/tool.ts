import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TOOL_MODES } from '../descriptions/delivery.description';
import { withoutInlineImages } from '../shared/inlineData';
import type { OutputSettings } from '../shared/output';

/**
 * n8n registers a `usableAsTool` node a second time as `<name>Tool` (inputs: none, output:
 * ai_tool) for AI agents; the node's type tells which of the two is running.
 */
export function isToolNode(context: { getNode(): { type: string } }): boolean {
	return context.getNode().type.endsWith('Tool');
}

const NOT_FOR_TOOLS: Record<string, string> = {
	submitOnly: 'submit only',
	callbackUrl: 'callback URL',
	callbackWait: 'callback pause',
};

/**
 * Refuses, before anything is paid, a mode that answers without images. The tool variant hides
 * these modes, so only an edited or imported workflow gets here.
 */
export function assertToolMode(context: IExecuteFunctions, itemIndex: number, mode: string): void {
	if (!isToolNode(context) || (TOOL_MODES as readonly string[]).includes(mode)) return;
	throw new NodeOperationError(
		context.getNode(),
		`The ${NOT_FOR_TOOLS[mode] ?? mode} mode does not work as an AI tool`,
		{
			itemIndex,
			description:
				'An agent needs the finished images. Use "Wait for Result (One Call)" or "Submit and Poll Until Done".',
		},
	);
}

/**
 * A tool's output: one item per call with every image on it, and the image URLs kept in the
 * JSON (the agent reads only the JSON; the binaries stay in the run for later nodes).
 */
export function toolOutputSettings(settings: OutputSettings): OutputSettings {
	return {
		...settings,
		grouping: 'perInput',
		mode: settings.mode === 'binary' ? 'both' : settings.mode,
	};
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

/**
 * Rewrites a tool's output items as compact JSON for the agent: task id, model, status and per
 * image its URL and size. Binaries and pairing stay as they are; error and pending items are
 * already small and pass through.
 */
export function compactToolItems(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item) => {
		const json = item.json;
		if (json.error !== undefined || json.status === 'pending') return item;
		const images = Array.isArray(json.images)
			? (json.images as IDataObject[])
			: [json as IDataObject];
		const compact: IDataObject = {
			status: 'succeeded',
			task_id: json.task_id ?? null,
			model: json.model ?? null,
			image_count: images.length,
			images: images.map(compactImage),
		};
		if (json.failed_images !== undefined) compact.failed_images = json.failed_images;
		if (json.stream_completed === false) compact.stream_completed = false;
		if (images.some((image) => !image.image_url)) {
			compact.note =
				'Some images have no URL (the API answered in base64); they are only in the binary output of this node.';
		}
		return { ...item, json: compact };
	});
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
