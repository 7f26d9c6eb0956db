import type { INodeProperties } from 'n8n-workflow';

import { resultOptions, sortedOptions } from '../shared/options.description';
import { callbackOptions, pollingOptions } from './delivery.description';

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

/** Options that change what the API is asked for, in every Image operation. */
export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Response Format',
		name: 'responseFormat',
		type: 'options',
		options: [
			{ name: 'Base64 in Response', value: 'b64_json' },
			{ name: 'URL', value: 'url' },
		],
		default: 'url',
		description:
			'How the API hands over images. URL keeps responses small; Base64 cannot be combined with "Image Output" URL Only.',
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: true,
		description:
			'Whether the API adds its "AI generated" watermark (the API adds it unless this is off)',
	},
];

/**
 * The Options collection of an Image operation: its model-dependent options first in the list
 * given, then the request, result, polling and callback options every Image operation has.
 */
export function imageOptionsCollection(modelOptions: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([
			...modelOptions,
			...requestOptions,
			...resultOptions,
			...pollingOptions({ onlyInPollMode: true }),
			...callbackOptions,
		]),
	};
}
