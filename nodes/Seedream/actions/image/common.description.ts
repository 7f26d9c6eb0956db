import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_FILE_NAME_TEMPLATE,
	FILE_NAME_PLACEHOLDERS,
	fileNameTemplateProblem,
	type OutputGrouping,
	type OutputMode,
	type OutputSettings,
} from '../../helpers/output';
import { FIXED_MAX, parseConcurrency } from '../../transport/adaptiveConcurrency';

/** Options every Image operation has, whatever the model: delivery, output and transport. */
export const commonImageOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: FIXED_MAX },
		default: 0,
		hint: '0 = Auto',
		description:
			'Most API requests sent at the same time, and separately most images downloading at once. 0 (Auto, the default) starts at 10 and adapts to the API: more while it keeps up, fewer when it answers 429 (too many requests), up to 64. A number is a fixed maximum: never more at once, fewer after a 429. An expression may also return "auto".',
	},
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
	{
		displayName: 'Max Download Size (MB)',
		name: 'maxDownloadMb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: 'Largest image file accepted from the image host',
	},
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
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: 300,
		description:
			'How long to wait for each API answer. A one-call generation usually takes 20 seconds to 2 minutes; Seedream 5.0 Pro takes about 2 minutes per image, so keep at least 240 seconds for it.',
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

const OUTPUT_MODES: OutputMode[] = ['binary', 'url', 'both'];
const GROUPINGS: OutputGrouping[] = ['perImage', 'perInput'];

/** Reads and checks the output options; runs before any paid request. */
export function readOutputSettings(
	context: IExecuteFunctions,
	options: IDataObject,
	itemIndex = 0,
): OutputSettings {
	const invalid = (message: string, description: string) =>
		new NodeOperationError(context.getNode(), message, { itemIndex, description });
	const mode = (options.outputMode ?? 'binary') as OutputMode;
	if (!OUTPUT_MODES.includes(mode)) {
		throw invalid(`"Image Output" "${String(mode)}" is not valid`, 'Use binary, url or both.');
	}
	if (mode === 'url' && options.responseFormat === 'b64_json') {
		throw invalid(
			'"Image Output" URL Only does not work with Response Format Base64',
			'Base64 answers carry no image URL. Set "Response Format" to URL, or "Image Output" to Binary.',
		);
	}
	const grouping = (options.outputItems ?? 'perImage') as OutputGrouping;
	if (!GROUPINGS.includes(grouping)) {
		throw invalid(`"Output Items" "${String(grouping)}" is not valid`, 'Use perImage or perInput.');
	}
	const fileNameTemplate = String(options.fileNameTemplate ?? DEFAULT_FILE_NAME_TEMPLATE);
	const templateProblem = fileNameTemplateProblem(fileNameTemplate);
	if (templateProblem) {
		throw invalid(
			`The "File Name" template is not valid: ${templateProblem}`,
			`Use the placeholders ${Object.keys(FILE_NAME_PLACEHOLDERS)
				.map((name) => `{${name}}`)
				.join(', ')}, e.g. ${DEFAULT_FILE_NAME_TEMPLATE}.`,
		);
	}
	const binaryPropertyName = String(options.binaryPropertyName ?? '').trim() || 'data';
	// Expressions can hand over any type; NaN here would silently lift the download cap or timeout.
	const positive = (name: string, label: string, fallback: number, whole = false) => {
		const raw = options[name] ?? fallback;
		const value = typeof raw === 'string' && raw.trim() === '' ? Number.NaN : Number(raw);
		if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
			throw invalid(
				`"${label}" must be ${whole ? 'a whole number' : 'a number'} above 0`,
				`Got ${JSON.stringify(raw)}. Enter a number, or make the expression return one, e.g. {{ Number($json.value) }}.`,
			);
		}
		return value;
	};
	const concurrency = parseConcurrency(options.concurrency);
	if (!concurrency) {
		throw invalid(
			`"Concurrency" must be a whole number: 0 (Auto) or 1 to ${FIXED_MAX}`,
			`Got ${JSON.stringify(options.concurrency)}. Enter a number, or make the expression return one (e.g. {{ Number($json.value) }}) or "auto".`,
		);
	}
	const timeoutSeconds = positive('timeoutSeconds', 'Request Timeout (Seconds)', 300);
	const maxDownloadMb = positive('maxDownloadMb', 'Max Download Size (MB)', 100);
	return {
		mode,
		binaryPropertyName,
		grouping,
		fileNameTemplate,
		strict: options.strict === true,
		concurrency,
		downloadTimeoutMs: Math.max(5, timeoutSeconds) * 1000,
		maxDownloadBytes: Math.round(maxDownloadMb * 1024 * 1024),
	};
}
