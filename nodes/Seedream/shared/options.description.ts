import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_FILE_NAME_TEMPLATE, FILE_NAME_PLACEHOLDERS } from './output';
import { numberOption } from './settings';

/** Options in alphabetical order, as n8n's own nodes list them. */
export function sortedOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * Options that shape how finished images reach the workflow: every Image operation, Task → Wait
 * for Completion and the Seedream Trigger offer them.
 */
export const resultOptions: INodeProperties[] = [
	numberOption('concurrency', {
		hint: '0 = Auto',
		description:
			'Most API requests sent at the same time, and separately most images downloading at once. 0 (Auto, the default) starts at 10 and adapts to the API: more while it keeps up, fewer when it answers 429 (too many requests), up to 64. A number is a fixed maximum: never more at once, fewer after a 429. An expression may also return "auto".',
	}),
	{
		displayName: 'Fail If Any Image Fails',
		name: 'strict',
		type: 'boolean',
		default: false,
		description:
			'Whether the item fails when any image of a set, stream or decomposition fails. Off: the images that succeeded come out and the failed ones are listed in failed_images; the item fails only when no image succeeded.',
	},
	{
		displayName: 'File Name',
		name: 'fileNameTemplate',
		type: 'string',
		default: DEFAULT_FILE_NAME_TEMPLATE,
		placeholder: 'e.g. {model}-{task_id}-{n}.{ext}',
		description: `File name of each binary image. Placeholders: ${Object.entries(
			FILE_NAME_PLACEHOLDERS,
		)
			.map(([name, meaning]) => `{${name}} (${meaning})`)
			.join(', ')}.`,
	},
	{
		displayName: 'Image Output',
		name: 'outputMode',
		type: 'options',
		options: [
			{
				name: 'Binary',
				value: 'binary',
				description:
					'Download each image into n8n binary data; the JSON carries no URL (as an AI tool it keeps the URL, which is what the agent reads)',
			},
			{
				name: 'Binary and URL',
				value: 'both',
				description: 'Download each image and keep its URL in the JSON',
			},
			{
				name: 'URL Only',
				value: 'url',
				description:
					'Download nothing; the JSON carries the image URLs (they expire, so fetch them soon). Needs Response Format URL.',
			},
		],
		default: 'binary',
		description: 'How the generated images are handed to the next node',
	},
	numberOption('maxDownloadMb', {
		description: 'Largest image file accepted from the image host',
	}),
	{
		displayName: 'Output Items',
		name: 'outputItems',
		type: 'options',
		options: [
			{
				name: 'One Item per Image',
				value: 'perImage',
				description: 'Each image (or layer) is its own item, binary in "Put Output in Field"',
			},
			{
				name: 'All Images on One Item',
				value: 'perInput',
				description:
					'One item per input item; the images are in the binary properties data_0, data_1, … (the field name plus the image index) and the JSON lists them under images',
			},
		],
		default: 'perImage',
		description: 'How the images of an image set or a decomposition are spread over output items',
		// A tool answers each call with one item that lists every image.
		displayOptions: { hide: { '@tool': [true] } },
	},
	{
		displayName: 'Put Output in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description:
			'Binary property that receives the image. With all images on one item this is the prefix: data_0, data_1 and so on.',
	},
	numberOption('timeoutSeconds', {
		description:
			'How long to wait for each API answer. A one-call generation usually takes 20 seconds to 2 minutes; Seedream 5.0 Pro takes about 2 minutes per image, so keep at least 240 seconds for it.',
	}),
];
