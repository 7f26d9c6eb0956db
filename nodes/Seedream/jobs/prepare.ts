import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DELIVERY_MODES, type DeliveryMode } from '../descriptions/delivery.description';
import type { OutputSettings } from '../shared/output';
import { readItemSettings, type ItemSettings } from '../shared/settings';
import { seedreamApiRequest } from '../transport/request';
import { callbackUrlForItem } from './callbackPause';
import {
	buildImageRequest,
	type ImageOptions,
	type ImageRequest,
	type ImageRequestInput,
} from './imageRequest';
import { assertToolMode, toolInput } from './tool';

/** What an Image operation reads from one input item. */
export interface ImageJobInput {
	request: ImageRequestInput;
	options: IDataObject;
}

export type ReadJobInput = (
	context: IExecuteFunctions,
	itemIndex: number,
) => Promise<ImageJobInput>;

/** One item's job, checked and ready to send. */
export interface PreparedJob {
	itemIndex: number;
	mode: DeliveryMode;
	request: ImageRequest;
	settings: ItemSettings;
	/** The output settings in effect (a tool always puts every image on one item). */
	output: OutputSettings;
}

/** The parameters every Image operation has: model (or custom id), prompt and size. */
export function readModelPromptSize(
	context: IExecuteFunctions,
	itemIndex: number,
	defaultSize = '',
): Pick<ImageRequestInput, 'model' | 'customModelId' | 'prompt' | 'size'> {
	return {
		model: context.getNodeParameter('model', itemIndex) as string,
		customModelId: context.getNodeParameter('customModelId', itemIndex, '') as string,
		prompt: context.getNodeParameter('prompt', itemIndex, '') as string,
		size: context.getNodeParameter('size', itemIndex, defaultSize) as string,
	};
}

/** The parameters Generate and Edit share: model, prompt, size (or Width x Height) and options. */
export function readCommonInput(context: IExecuteFunctions, itemIndex: number): ImageJobInput {
	const options = (context.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	return {
		options,
		request: {
			...readModelPromptSize(context, itemIndex),
			customSize: context.getNodeParameter('customSize', itemIndex, '') as string,
			options: options as ImageOptions,
			maxImages: options.maxImages as number | undefined,
			stream: options.stream as boolean | undefined,
		},
	};
}

/** Reads and checks everything about one item's job; nothing here costs credits. */
export async function prepareJob(
	context: IExecuteFunctions,
	itemIndex: number,
	readInput: ReadJobInput,
): Promise<PreparedJob> {
	const mode = String(context.getNodeParameter('mode', itemIndex, 'sync')).trim() as DeliveryMode;
	if (!DELIVERY_MODES.includes(mode)) {
		throw new NodeOperationError(context.getNode(), `"Mode" value "${mode}" is not valid`, {
			itemIndex,
			description: `Use one of ${DELIVERY_MODES.join(', ')} (the values behind the Mode list), or pick a mode from the list.`,
		});
	}
	assertToolMode(context, itemIndex, mode);
	const read = await readInput(context, itemIndex);
	const { options } = read;
	const input = toolInput(context, itemIndex, read.request);
	const request = buildImageRequest(context.getNode(), itemIndex, {
		...input,
		delivery: mode === 'sync' ? 'sync' : mode.startsWith('callback') ? 'callback' : 'async',
	});
	const settings = readItemSettings(context.getNode(), itemIndex, options);
	const callbackUrl = callbackUrlForItem(context, itemIndex, mode, settings.callbackUrl);
	if (callbackUrl) request.body.callback_url = callbackUrl;
	else if (mode !== 'sync') request.body.async = true;
	return { itemIndex, mode, request, settings, output: settings.output };
}

/** The create call of a job: the one request that costs credits (never resent once it arrived). */
export async function createJob(context: IExecuteFunctions, job: PreparedJob, stream = false) {
	return await seedreamApiRequest(context, {
		path: '/seedream/images',
		body: job.request.body,
		kind: 'create',
		itemIndex: job.itemIndex,
		timeoutMs: job.settings.requestTimeoutMs,
		stream,
	});
}
