import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ImageOptions } from '../../helpers/imageRequest';
import { modeProperties } from '../../helpers/tool';
import { commonImageOptions } from './common.description';
import { deliveryModeProperty, pollingOptions } from './delivery.description';
import {
	imageSetAndStreamOptions,
	modelOptionProperties,
	modelSelectorProperties,
	sizeProperties,
} from './model.description';
import { runImageOperation, type ImageJobInput } from './run';

export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. A lighthouse on a cliff at dusk, cinematic light, 35mm photo',
	description:
		'Plain-language description of the image: subject, setting, style, lighting and any text to render. Mention the aspect ratio here (e.g. "16:9 banner") to change the shape; the model picks it from the prompt.',
};

export function sortedOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const properties: INodeProperties[] = [
	...modeProperties(deliveryModeProperty),
	...modelSelectorProperties((model) => !model.requiresReferenceImage),
	promptProperty,
	...sizeProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([
			...modelOptionProperties(),
			...imageSetAndStreamOptions(),
			...commonImageOptions,
			...pollingOptions(),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

/** The parameters every Image operation shares: model, prompt, size and options. */
export function readCommonInput(context: IExecuteFunctions, itemIndex: number): ImageJobInput {
	const options = (context.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	return {
		options,
		request: {
			model: context.getNodeParameter('model', itemIndex) as string,
			customModelId: context.getNodeParameter('customModelId', itemIndex, '') as string,
			prompt: context.getNodeParameter('prompt', itemIndex, '') as string,
			size: context.getNodeParameter('size', itemIndex, '') as string,
			customSize: context.getNodeParameter('customSize', itemIndex, '') as string,
			options: options as ImageOptions,
			maxImages: options.maxImages as number | undefined,
			stream: options.stream as boolean | undefined,
		},
	};
}

/** Text to image: one image, or a set of related images, per input item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runImageOperation.call(this, async (context, itemIndex) =>
		readCommonInput(context, itemIndex),
	);
}
