/**
 * Bad input is refused before any paid request: every case checks the error names the field
 * and how to fix it, and that not a single request reached the API.
 */
import { binaryItem } from '../../../../helpers/n8n';
import { generateParameters, TINY_PNG, useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const urls = (count: number) =>
	Array.from({ length: count }, (_, index) => `https://example.com/${index}.png`).join('\n');

const edit = (extra: Record<string, unknown> = {}) => ({
	...generateParameters({
		operation: 'edit',
		referenceBinaryProperties: '',
		referenceUrls: 'https://example.com/a.png',
	}),
	...extra,
});

type Case = [
	string,
	Record<string, unknown>,
	RegExp,
	{ items?: () => Promise<unknown[]>; baseUrl?: string; hidden?: Record<string, unknown> }?,
];

const cases: Case[] = [
	[
		'prompt resolving to empty text (expression)',
		generateParameters({ prompt: '={{ "  " }}' }),
		/"Prompt" parameter is empty/,
	],
	[
		'preset the model lacks',
		generateParameters({ model: 'doubao-seedream-5-0-lite-260128', size: '1K' }),
		/"Size" value "1K".*not supported for model/s,
	],
	[
		'malformed WxH',
		generateParameters({ size: 'custom', customSize: '2048*' }),
		/"Size" value "2048\*"/,
	],
	[
		'WxH below the model pixel range',
		generateParameters({
			model: 'doubao-seedream-4-5-251128',
			size: 'custom',
			customSize: '1024x1024',
		}),
		/1048576 pixels.*3686400/s,
	],
	[
		'WxH above the model pixel range',
		generateParameters({
			model: 'doubao-seedream-5-0-pro-260628',
			size: 'custom',
			customSize: '4096x4096',
		}),
		/4624220/,
	],
	[
		'aspect beyond 1:16',
		generateParameters({ size: 'custom', customSize: '6800x400' }),
		/aspect ratio beyond 1:16/,
	],
	[
		'too many references for Pro',
		edit({ model: 'doubao-seedream-5-0-pro-260628', referenceUrls: urls(11) }),
		/Too many reference images: 11.*at most 10/s,
	],
	[
		'too many references for 4.0',
		edit({ referenceUrls: urls(15) }),
		/Too many reference images: 15.*at most 14/s,
	],
	[
		'references plus max images above 15',
		edit({ referenceUrls: urls(5), options: { maxImages: 11 } }),
		/5 reference images plus 11 images.*"Max Images" to 10/s,
	],
	[
		'max images out of range (expression)',
		generateParameters({ options: { maxImages: '={{ 16 }}' } }),
		/"Max Images" must be a whole number from 1 to 15/,
	],
	[
		'unreadable data URI',
		edit({ referenceUrls: 'data:image/png;base64,@@@' }),
		/not a readable image data URI/,
	],
	[
		'data URI that is not an image',
		edit({
			referenceUrls: `data:image/png;base64,${Buffer.from('hello world').toString('base64')}`,
		}),
		/does not contain an image/,
	],
	[
		'reference URL without http(s)',
		edit({ referenceUrls: 'ftp://example.com/a.png' }),
		/not an http\(s\) URL or data URI/,
	],
	[
		'reference larger than 10 MB',
		edit({
			referenceUrls: `data:image/png;base64,${Buffer.concat([TINY_PNG, Buffer.alloc(10 * 1024 * 1024)]).toString('base64')}`,
		}),
		/larger than 10 MB/,
	],
	[
		'missing binary property',
		edit({ referenceBinaryProperties: 'photo', referenceUrls: '' }),
		/no binary property "photo".*Binary properties on this item: data/s,
		{
			items: async () => [
				await binaryItem({}, [
					{ propertyName: 'data', data: TINY_PNG, mimeType: 'image/png', fileName: 'a.png' },
				]),
			],
		},
	],
	[
		'binary property that is not an image',
		edit({ referenceBinaryProperties: 'data', referenceUrls: '' }),
		/is not an image \(text\/plain\)/,
		{
			items: async () => [
				await binaryItem({}, [
					{
						propertyName: 'data',
						data: Buffer.from('hi'),
						mimeType: 'text/plain',
						fileName: 'a.txt',
					},
				]),
			],
		},
	],
	[
		'binary image whose bytes are not an image',
		edit({ referenceBinaryProperties: 'data', referenceUrls: '' }),
		/is not an image\n/,
		{
			items: async () => [
				await binaryItem({}, [
					{
						propertyName: 'data',
						data: Buffer.from('not really'),
						mimeType: 'image/png',
						fileName: 'a.png',
					},
				]),
			],
		},
	],
	[
		'all binaries requested but item has none',
		edit({ referenceBinaryProperties: '*', referenceUrls: '' }),
		/no binary data to use as reference/,
	],
	[
		'output format on a JPEG-only model (expression)',
		generateParameters({
			model: '={{ "doubao-seedream-4-0-250828" }}',
			options: { outputFormat: 'png' },
		}),
		/"outputFormat" is not supported by doubao-seedream-4-0-250828/,
	],
	[
		'web search on 4.5 (expression)',
		generateParameters({ model: '={{ "doubao-seedream-4.5" }}', options: { webSearch: true } }),
		/"webSearch" is not supported by doubao-seedream-4-5-251128/,
	],
	[
		'fast prompt optimization on Lite',
		generateParameters({
			model: 'doubao-seedream-5-0-lite-260128',
			options: { optimizePromptMode: 'fast' },
		}),
		/mode "fast" is not supported.*Use one of: standard/s,
	],
	[
		'image set on Pro (expression)',
		generateParameters({
			model: '={{ "doubao-seedream-5-0-pro-260628" }}',
			options: { maxImages: 3 },
		}),
		/"maxImages" is not supported/,
	],
	[
		'stream with poll mode (imported workflow JSON)',
		generateParameters({ mode: 'pollUntilDone' }),
		/Streaming works only in the "Wait for Result \(One Call\)" mode/,
		{ hidden: { options: { stream: true } } },
	],
	[
		'stream on Pro (expression)',
		generateParameters({
			model: '={{ "doubao-seedream-5-0-pro-260628" }}',
			options: { stream: true },
		}),
		/"stream" is not supported/,
	],
	[
		'legacy guidance scale out of range',
		generateParameters({
			model: 'doubao-seedream-3-0-t2i-250415',
			size: 'custom',
			customSize: '1024x1024',
			options: { guidanceScale: 11 },
		}),
		/Guidance scale 11 is out of range.*1 to 10/s,
	],
	[
		'legacy seed out of range',
		generateParameters({
			model: 'doubao-seedream-3-0-t2i-250415',
			customSize: '1024x1024',
			options: { seed: -2 },
		}),
		/Seed -2 is out of range/,
	],
	[
		'legacy seed on a current model (expression)',
		generateParameters({ model: '={{ "doubao-seedream-4-0-250828" }}', options: { seed: 5 } }),
		/"seed" is not supported by doubao-seedream-4-0-250828/,
	],
	[
		'legacy model needs explicit WxH',
		generateParameters({ model: '={{ "doubao-seedream-3.0-t2i" }}', size: '2K' }),
		/needs an explicit WIDTHxHEIGHT size/,
	],
	[
		'SeedEdit without a reference image',
		edit({ model: 'doubao-seededit-3-0-i2i-250628', customSize: '1024x1024', referenceUrls: '' }),
		/needs a reference image/,
	],
	[
		'reference image on a text-only model',
		edit({
			model: '={{ "doubao-seedream-3-0-t2i-250415" }}',
			size: 'custom',
			customSize: '1024x1024',
		}),
		/takes no reference images/,
	],
	[
		'background with two references',
		edit({
			model: 'doubao-seedream-5-0-pro-260628',
			referenceUrls: urls(2),
			options: { background: 'opaque' },
		}),
		/exactly one reference image/,
	],
	[
		'transparent background without PNG output',
		edit({ model: 'doubao-seedream-5-0-pro-260628', options: { background: 'transparent' } }),
		/needs PNG output.*"Output Format" to PNG/s,
	],
	[
		'transparent background with a JPEG reference',
		edit({
			model: 'doubao-seedream-5-0-pro-260628',
			referenceUrls: 'data:image/jpeg;base64,/9j/4AAQ',
			options: { background: 'transparent', outputFormat: 'png' },
		}),
		/needs a PNG reference image|does not contain an image/,
	],
	[
		'layer decomposition with two images',
		{
			resource: 'image',
			operation: 'decomposeLayers',
			mode: 'sync',
			imageSource: 'url',
			imageUrl: 'https://example.com/a.png, https://example.com/b.png',
		},
		/exactly one input image.*Got 2/s,
	],
	[
		'layer decomposition with a preset it does not take',
		{
			resource: 'image',
			operation: 'decomposeLayers',
			mode: 'sync',
			model: '__custom',
			customModelId: 'doubao-seedream-5-0-pro-260628',
			size: '4K',
			imageSource: 'url',
			imageUrl: 'https://example.com/a.png',
		},
		/not supported for layer decomposition/,
	],
	[
		'custom model without an id',
		generateParameters({ model: '__custom', customModelId: '' }),
		/"Model ID" parameter is empty/,
	],
	[
		'base URL without a scheme',
		generateParameters(),
		/Base URL "api\.acedata\.cloud" is not a valid URL/,
		{ baseUrl: 'api.acedata.cloud' },
	],
	[
		'base URL that is not a URL at all',
		generateParameters(),
		/is not a valid URL/,
		{ baseUrl: 'http://' },
	],
];

// Every row gets all four arguments: jest treats a missing trailing argument as a `done` callback.
const rows = cases.map(
	([name, parameters, message, extra]) => [name, parameters, message, extra ?? {}] as const,
);

describe('validation before any paid request', () => {
	it.each(rows)('%s', async (_name, parameters, message, extra) => {
		const inputItems = extra.items ? ((await extra.items()) as never) : undefined;
		const result = await api.run(parameters as never, {
			inputItems,
			baseUrl: extra.baseUrl,
			hiddenParameters: extra.hidden as never,
		});
		expect(result.error).toBeDefined();
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.description).toBeTruthy();
		// The message names the problem; the description carries the detail and the fix.
		expect(`${result.error?.message}\n${result.error?.description}`).toMatch(message);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(api.mock.stats.requests).toBe(0);
	});

	it('refuses the whole batch before paying when one of several items is invalid', async () => {
		const inputItems = [
			{ json: { prompt: 'ok' } },
			{ json: { prompt: 'ok too' } },
			{ json: { prompt: '' } },
		];
		const result = await api.run(generateParameters({ prompt: '={{ $json.prompt }}' }), {
			inputItems,
		});
		expect(result.error?.message).toContain('"Prompt" parameter is empty');
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(api.mock.stats.creates).toBe(0);
	});

	it.each([
		[
			'Concurrency',
			{ concurrency: '={{ $json.n }}' },
			'"Concurrency" differs between items 0 and 1',
		],
		[
			'Max Wait',
			{ maxWaitMinutes: '={{ $json.n }}' },
			'"Max Wait (Minutes)" differs between items 0 and 1',
		],
	])(
		'refuses a run-wide option (%s) that differs between items, before paying',
		async (_name, options, message) => {
			const inputItems = [{ json: { n: 2 } }, { json: { n: 3 } }];
			const result = await api.run(generateParameters({ mode: 'pollUntilDone', options }), {
				inputItems,
			});
			expect(result.error?.message).toBe(message);
			expect(result.error?.context?.itemIndex).toBe(1);
			expect(api.mock.stats.requests).toBe(0);
		},
	);

	it.each([
		['Generate: Prompt', generateParameters({ prompt: '' }), 'Parameter "Prompt" is required.'],
		[
			'Task → Get: Task ID',
			{ resource: 'task', operation: 'get', taskId: '' },
			'Parameter "Task ID" is required.',
		],
		[
			'Task → Get Many: Task IDs',
			{ resource: 'task', operation: 'getMany', taskIds: '' },
			'Parameter "Task IDs" is required.',
		],
	])(
		'a required field left empty (%s): n8n itself refuses the workflow, execute never runs',
		async (_name, parameters, issue) => {
			const result = await api.run(parameters as never);
			expect(result.error?.constructor.name).toBe('WorkflowHasIssuesError');
			expect(result.error?.message).toContain(issue);
			expect(api.mock.stats.requests).toBe(0);
		},
	);

	it('accepts what the table allows (control case: the request is sent)', async () => {
		const result = await api.run(generateParameters({ size: 'custom', customSize: '1280 x 720' }));
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({ size: '1280x720' });
	});
});
