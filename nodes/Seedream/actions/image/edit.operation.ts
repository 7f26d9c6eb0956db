import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { supports } from '../../capabilities';
import { modeProperties } from '../../descriptions/delivery.description';
import {
	imageOptionsCollection,
	promptProperty,
	referenceProperties,
} from '../../descriptions/image.description';
import {
	backgroundOption,
	imageSetAndStreamOptions,
	modelOptionProperties,
	modelSelectorProperties,
	sizeProperties,
} from '../../descriptions/model.description';
import { runImageJobs } from '../../jobs/imageJobs';
import { readCommonInput } from '../../jobs/prepare';
import { collectReferenceImages } from '../../jobs/references';
import type { ItemOutcome, RunPolicy } from '../../shared/taskResult';

const properties: INodeProperties[] = [
	...modeProperties(),
	...modelSelectorProperties((model) => supports(model, 'referenceImages')),
	{
		...promptProperty,
		placeholder: 'e.g. Replace the background with a sunny beach, keep the product unchanged',
	},
	...referenceProperties,
	...sizeProperties(),
	imageOptionsCollection([
		backgroundOption(),
		...modelOptionProperties(),
		...imageSetAndStreamOptions(),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['edit'] } },
	properties,
);

/** Image to image: edit or combine reference images from binary data, URLs and data URIs. */
export async function execute(this: IExecuteFunctions, policy: RunPolicy): Promise<ItemOutcome[]> {
	return await runImageJobs.call(this, policy, async (context, itemIndex) => {
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
