import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputSettings } from '../../helpers/output';

/** Options every Image operation has, whatever the model: delivery, output and transport. */
export const commonImageOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description:
			'How many input items are sent to the API at the same time, and how many images download at once',
	},
	{
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: true,
		description:
			'Whether to store each image as n8n binary data. Off returns the image URLs only (they expire, so download them soon).',
	},
	{
		displayName: 'Max Download Size (MB)',
		name: 'maxDownloadMb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: 'Largest image file accepted from the image host',
	},
	{
		displayName: 'Put Output in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property that receives the image',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: 300,
		description:
			'How long to wait for the API to answer. Sync generation usually takes 20 seconds to 2 minutes.',
	},
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
			'How the API hands over images. Either way the node outputs binary data; URL keeps responses small.',
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

export function readOutputSettings(
	context: IExecuteFunctions,
	options: IDataObject,
): OutputSettings {
	const timeoutSeconds = Number(options.timeoutSeconds ?? 300);
	return {
		download: options.downloadImages !== false,
		binaryPropertyName: String(options.binaryPropertyName || 'data'),
		concurrency: Math.max(1, Number(options.concurrency ?? 5)),
		downloadTimeoutMs: Math.max(5, timeoutSeconds) * 1000,
		maxDownloadBytes: Math.round(Number(options.maxDownloadMb ?? 100) * 1024 * 1024),
	};
}
