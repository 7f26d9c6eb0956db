/**
 * Seedream 5.0 Pro answers 400 when `sequential_image_generation` or `stream` is in the body at
 * all, even "disabled"/false (updates-2026-12); the mock enforces it. Every way of reaching Pro
 * must send a body without those keys.
 */
import type { INodeParameters } from 'n8n-workflow';

import { generateParameters, TINY_PNG, useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();
const PRO = 'doubao-seedream-5-0-pro-260628';
const PNG_URL = `data:image/png;base64,${TINY_PNG.toString('base64')}`;

const cases: Array<[string, INodeParameters]> = [
	['Generate, one call', generateParameters({ model: PRO, size: '1K' })],
	[
		'Generate, one call, options set',
		generateParameters({
			model: PRO,
			size: '2K',
			options: { outputFormat: 'png', optimizePromptMode: 'fast', watermark: false },
		}),
	],
	[
		'Generate, submit and poll',
		generateParameters({
			model: PRO,
			size: '1K',
			mode: 'pollUntilDone',
			options: { maxPollIntervalSeconds: 0.1 },
		}),
	],
	['Generate, submit only', generateParameters({ model: PRO, size: '1K', mode: 'submitOnly' })],
	[
		'Generate, callback to my URL',
		generateParameters({
			model: PRO,
			size: '1K',
			mode: 'callbackUrl',
			options: { callbackUrl: 'http://127.0.0.1:9/hook' },
		}),
	],
	[
		'Generate, Pro as a custom model id',
		generateParameters({ model: '__custom', customModelId: PRO, size: '1.5K' }),
	],
	[
		'Generate, Pro by its documented alias',
		generateParameters({ model: '={{ "doubao-seedream-5.0-pro" }}', size: '1K' }),
	],
	[
		'Edit, one reference',
		{
			resource: 'image',
			operation: 'edit',
			mode: 'sync',
			model: PRO,
			prompt: 'make it blue',
			size: '1K',
			referenceBinaryProperties: '',
			referenceUrls: PNG_URL,
		},
	],
	[
		'Decompose Layers',
		{
			resource: 'image',
			operation: 'decomposeLayers',
			mode: 'sync',
			model: PRO,
			size: '1K',
			imageSource: 'url',
			imageUrl: 'https://example.com/poster.png',
		},
	],
];

describe('a Seedream 5.0 Pro body carries no sequential_image_generation or stream key', () => {
	it.each(cases)('%s', async (_name, parameters) => {
		const result = await api.run(parameters);
		expect(result.error).toBeUndefined();
		const create = api.mock.requests.find((request) => request.path === '/seedream/images')!;
		const body = create.body as Record<string, unknown>;
		expect(body.model).toBe(PRO);
		expect(body).not.toHaveProperty('sequential_image_generation');
		expect(body).not.toHaveProperty('sequential_image_generation_options');
		expect(body).not.toHaveProperty('stream');
		// The mock answers 400 when either key is present: the job ran.
		expect(api.mock.stats.jobsCreated).toBe(1);
	});
});
