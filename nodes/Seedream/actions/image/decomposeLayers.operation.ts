import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { MODELS, modelNames, supports, type ModelCapabilities } from '../../capabilities';
import { modeProperties } from '../../descriptions/delivery.description';
import { imageOptionsCollection } from '../../descriptions/image.description';
import { modelSelectorProperties } from '../../descriptions/model.description';
import { runImageJobs } from '../../jobs/imageJobs';
import { readModelPromptSize } from '../../jobs/prepare';
import type { ImageOptions } from '../../jobs/imageRequest';
import { collectReferenceImages } from '../../jobs/references';
import type { ItemOutcome, RunPolicy } from '../../shared/taskResult';

const canDecompose = (model: ModelCapabilities) => supports(model, 'layerDecomposition');
const decomposers = MODELS.filter(canDecompose);

const properties: INodeProperties[] = [
	...modeProperties(),
	...modelSelectorProperties(canDecompose, decomposers[0]?.id),
	{
		displayName: 'Input Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{ name: 'Binary Property', value: 'binary' },
			{ name: 'URL or Data URI', value: 'url' },
		],
		default: 'binary',
		description: 'Where the one image to split into layers comes from',
	},
	{
		displayName: 'Input Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary property of the input item that holds the image (PNG or JPEG)',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/poster.png',
		description: 'Public http(s) URL or data:image/...;base64,... URI of the image.',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	...decomposers.map((model): INodeProperties => {
		const firstSize = model.layerDecompositionSizes[0];
		return {
			displayName: 'Size',
			name: 'size',
			type: 'options',
			options: model.layerDecompositionSizes.map((size) => ({
				name: size === 'auto' ? 'Auto (Match Input)' : size,
				value: size,
			})),
			default: firstSize,
			description: `Resolution of the layers: ${model.layerDecompositionSizes.join(', ')} (auto matches the input image)`,
			displayOptions: { show: { model: modelNames(model) } },
		};
	}),
	{
		displayName: 'Size',
		name: 'size',
		type: 'string',
		default: 'auto',
		description:
			'Layer resolution: auto or a preset such as 2K. Also shown while Model is an expression the editor cannot resolve yet; checked per item before sending.',
		// Any model that cannot decompose (kept from another operation) gets the notice instead.
		displayOptions: { hide: { model: decomposers.flatMap(modelNames) } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Separate the title text and the product',
		description: 'Optional hint about which layers to separate',
	},
	imageOptionsCollection([]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['decomposeLayers'] } },
	properties,
);

/** Splits one image into a base layer and transparent PNG layers, one output item per layer. */
export async function execute(this: IExecuteFunctions, policy: RunPolicy): Promise<ItemOutcome[]> {
	return await runImageJobs.call(this, policy, async (context, itemIndex) => {
		const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const source = context.getNodeParameter('imageSource', itemIndex, 'binary') as string;
		const references = await collectReferenceImages(
			context,
			itemIndex,
			source === 'binary'
				? {
						binaryProperties: context.getNodeParameter(
							'binaryPropertyName',
							itemIndex,
							'data',
						) as string,
						binaryField: 'Input Binary Property',
					}
				: { urls: context.getNodeParameter('imageUrl', itemIndex, '') as string },
		);
		return {
			options,
			request: {
				...readModelPromptSize(context, itemIndex, 'auto'),
				options: {
					responseFormat: options.responseFormat,
					watermark: options.watermark,
				} as ImageOptions,
				references,
				layerDecomposition: true,
			},
		};
	});
}
