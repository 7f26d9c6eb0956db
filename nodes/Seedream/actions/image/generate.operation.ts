import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildImageRequest, type ImageOptions } from '../../helpers/imageRequest';
import { imagesToItems, readGenerationResult } from '../../helpers/output';
import { seedreamApiRequest } from '../../transport/request';
import { commonImageOptions, readOutputSettings } from './common.description';
import {
	modelOptionProperties,
	modelSelectorProperties,
	sizeProperties,
} from './model.description';

const properties: INodeProperties[] = [
	...modelSelectorProperties(),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A lighthouse on a cliff at dusk, cinematic light, 35mm photo',
		description:
			'What the image should show. Name the aspect ratio here (e.g. "16:9") to change the shape.',
	},
	...sizeProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...modelOptionProperties(), ...commonImageOptions].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

export async function buildRequestForItem(context: IExecuteFunctions, itemIndex: number) {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const model = context.getNodeParameter('model', itemIndex) as string;
	const request = buildImageRequest(context.getNode(), itemIndex, {
		model,
		customModelId: context.getNodeParameter('customModelId', itemIndex, '') as string,
		prompt: context.getNodeParameter('prompt', itemIndex, '') as string,
		size: context.getNodeParameter('size', itemIndex, '') as string,
		customSize: context.getNodeParameter('customSize', itemIndex, '') as string,
		options: options as ImageOptions,
	});
	return { request, options };
}

/** Text to image, synchronously: one API call per item that returns when the images exist. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { request, options } = await buildRequestForItem(this, itemIndex);
	const settings = readOutputSettings(this, options);
	const response = await seedreamApiRequest(this, {
		path: '/seedream/images',
		body: request.body,
		kind: 'create',
		itemIndex,
		timeoutMs: settings.downloadTimeoutMs,
	});
	const result = readGenerationResult(response.body, request.model);
	return await imagesToItems(this, itemIndex, result, settings);
}
