import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { supports } from '../../capabilities';
import { collectReferenceImages } from '../../helpers/references';
import { modeProperties } from '../../helpers/tool';
import { commonImageOptions } from './common.description';
import { deliveryModeProperty, pollingOptions } from './delivery.description';
import { promptProperty, readCommonInput, sortedOptions } from './generate.operation';
import {
	backgroundOption,
	imageSetAndStreamOptions,
	modelOptionProperties,
	modelSelectorProperties,
	sizeProperties,
} from './model.description';
import { runImageOperation } from './run';

export const referenceProperties: INodeProperties[] = [
	{
		displayName: 'Reference Binary Properties',
		name: 'referenceBinaryProperties',
		type: 'string',
		default: 'data',
		placeholder: 'e.g. data, logo',
		description:
			'Binary properties of the input item to use as reference images, comma-separated. Use * for all of them; leave empty to use only URLs.',
	},
	{
		displayName: 'Reference Image URLs',
		name: 'referenceUrls',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. https://example.com/product.png',
		description:
			'Public http(s) image URLs or data:image/...;base64,... URIs, one per line (or an array from an expression). Added after the binary references.',
	},
];

const properties: INodeProperties[] = [
	...modeProperties(deliveryModeProperty),
	...modelSelectorProperties((model) => supports(model, 'referenceImages')),
	{
		...promptProperty,
		placeholder: 'e.g. Replace the background with a sunny beach, keep the product unchanged',
	},
	...referenceProperties,
	...sizeProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([
			backgroundOption(),
			...modelOptionProperties(),
			...imageSetAndStreamOptions(),
			...commonImageOptions,
			...pollingOptions(),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['edit'] } },
	properties,
);

/** Image to image: edit or combine reference images from binary data, URLs and data URIs. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runImageOperation.call(this, async (context, itemIndex) => {
		const input = readCommonInput(context, itemIndex);
		const options = input.options as IDataObject;
		input.request.references = await collectReferenceImages(context, itemIndex, {
			binaryProperties: context.getNodeParameter(
				'referenceBinaryProperties',
				itemIndex,
				'',
			) as string,
			urls: context.getNodeParameter('referenceUrls', itemIndex, '') as string | string[],
		});
		input.request.background = options.background as 'transparent' | 'opaque' | undefined;
		return input;
	});
}
