/**
 * Every refusal of buildImageRequest, which runs before any paid request: the exact message and the
 * advice a user reads, and the body sent when the input is accepted. Called directly (no node run), so
 * each rule of docs/api-contract.md §1.3–§1.5 and §4 is checked at its edge.
 */
import type { INode } from 'n8n-workflow';

import { findModel } from '../../../../nodes/Seedream/capabilities';
import { buildImageRequest, type ImageRequestInput } from '../../../../nodes/Seedream/jobs/imageRequest';

const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };
const V4 = 'doubao-seedream-4-0-250828';
const PRO = 'doubao-seedream-5-0-pro-260628';
const T2I = 'doubao-seedream-3-0-t2i-250415';
const EDIT3 = 'doubao-seededit-3-0-i2i-250628';

const input = (extra: Partial<ImageRequestInput> = {}): ImageRequestInput => ({ model: V4, prompt: 'A fox', size: '2K', options: {}, ...extra });

function refusal(extra: Partial<ImageRequestInput>) {
	try {
		buildImageRequest(node, 7, input(extra));
	} catch (error) {
		const { message, description, context } = error as { message: string; description: string; context: { itemIndex: number } };
		return { message, description, itemIndex: context.itemIndex };
	}
	throw new Error('accepted');
}

describe('buildImageRequest refuses before anything is paid', () => {
	it.each<[string, Partial<ImageRequestInput>, string, string]>([
		['an empty custom model id', { model: '__custom', customModelId: ' ' }, 'The "Model ID" parameter is empty', 'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.'],
		['no model at all', { model: undefined as never }, 'The "Model ID" parameter is empty', 'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.'],
		['a model that an expression left null', { model: null as never }, 'The "Model ID" parameter is empty', 'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.'],
		['a custom model with no id at all', { model: '__custom', customModelId: undefined }, 'The "Model ID" parameter is empty', 'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.'],
		['a model id that is a number, from an expression', { model: 42 as never }, 'The "Model ID" parameter must be text, but the expression gave 42', 'Enter a full Seedream model id such as doubao-seedream-5-0-lite-260128, or pick a model from the list.'],
		['words before a WxH size', { size: 'about 2048 × 2048' }, `The "Size" value "about 2048 × 2048" is not valid for ${V4}`, 'Size "about 2048 × 2048" is neither a preset (1K, 2K, 4K) nor WIDTHxHEIGHT such as 2048x2048.'],
		['words after a WxH size', { size: '2048 × 2048 px' }, `The "Size" value "2048 × 2048 px" is not valid for ${V4}`, 'Size "2048 × 2048 px" is neither a preset (1K, 2K, 4K) nor WIDTHxHEIGHT such as 2048x2048.'],
		['a prompt that an expression left null', { prompt: null as never }, 'The "Prompt" parameter is empty', 'Describe the image to generate, e.g. "a red fox in fresh snow, golden hour".'],
		['a size with a word before "2k"', { size: 'x2k' }, `The "Size" value "x2k" is not valid for ${V4}`, 'Size "x2k" is neither a preset (1K, 2K, 4K) nor WIDTHxHEIGHT such as 2048x2048.'],
		['a size with a word after "2k"', { size: '2kb' }, `The "Size" value "2kb" is not valid for ${V4}`, 'Size "2kb" is neither a preset (1K, 2K, 4K) nor WIDTHxHEIGHT such as 2048x2048.'],
		['a prompt mode no model has', { options: { optimizePromptMode: 'slow' as never } }, 'Prompt optimization mode "slow" is not supported by doubao-seedream-4-0-250828', 'Use one of: standard, fast.'],
		['layers with an image set', { model: '__custom', customModelId: 'future-model', layerDecomposition: true, size: 'auto', references: ['https://a/1.png'], maxImages: 2 }, 'Layer decomposition cannot be combined with image sets, streaming, web search or background', 'Remove those options.'],
		['layers with streaming', { model: '__custom', customModelId: 'future-model', layerDecomposition: true, size: 'auto', references: ['https://a/1.png'], stream: true }, 'Layer decomposition cannot be combined with image sets, streaming, web search or background', 'Remove those options.'],
		['layers with web search', { model: '__custom', customModelId: 'future-model', layerDecomposition: true, size: 'auto', references: ['https://a/1.png'], options: { webSearch: true } }, 'Layer decomposition cannot be combined with image sets, streaming, web search or background', 'Remove those options.'],
		['no size at all', { size: undefined as never }, `The "Size" value "" is not valid for ${V4}`, 'Size "" is neither a preset (1K, 2K, 4K) nor WIDTHxHEIGHT such as 2048x2048.'],
		['a word as size on a model without presets', { model: T2I, size: 'big' }, `The "Size" value "big" is not valid for ${T2I}`, 'Size "big" is neither a preset (none for this model) nor WIDTHxHEIGHT such as 2048x2048.'],
		['a prompt object', { prompt: { text: 'x' } as never }, 'The "Prompt" parameter must be text, but the expression gave an object', 'Point the expression at the text field, e.g. {{ $json.prompt.text }}, or use {{ JSON.stringify(...) }} on purpose.'],
		['a prompt list', { prompt: ['x'] as never }, 'The "Prompt" parameter must be text, but the expression gave a list', 'Point the expression at the text field, e.g. {{ $json.prompt.text }}, or use {{ JSON.stringify(...) }} on purpose.'],
		['a blank prompt', { prompt: '  ' }, 'The "Prompt" parameter is empty', 'Describe the image to generate, e.g. "a red fox in fresh snow, golden hour".'],
		['an undefined prompt', { prompt: undefined as never }, 'The "Prompt" parameter is empty', 'Describe the image to generate, e.g. "a red fox in fresh snow, golden hour".'],
		['a preset the model lacks', { size: '3K' }, `The "Size" value "3K" is not valid for ${V4}`, `The specified size is not supported for model ${V4}; presets: 1K, 2K, 4K.`],
		['an option the model lacks', { options: { webSearch: true } }, `The option "webSearch" is not supported by ${V4}`, 'Remove the option, or pick a model that supports it (see the model table in the README).'],
		['a prompt mode the model lacks', { model: 'doubao-seedream-4-5-251128', options: { optimizePromptMode: 'fast' } }, 'Prompt optimization mode "fast" is not supported by doubao-seedream-4-5-251128', 'Use one of: standard.'],
		['an unknown output format', { model: PRO, options: { outputFormat: 'gif' as never } }, 'Output format "gif" is not valid', 'Use jpeg or png.'],
		['a seed out of range', { model: T2I, size: '1024x1024', options: { seed: 2_147_483_648 } }, 'Seed 2147483648 is out of range', 'Use a whole number from -1 to 2147483647.'],
		['a seed below range', { model: T2I, size: '1024x1024', options: { seed: -2 } }, 'Seed -2 is out of range', 'Use a whole number from -1 to 2147483647.'],
		['a fractional seed', { model: T2I, size: '1024x1024', options: { seed: 1.5 } }, 'Seed 1.5 is out of range', 'Use a whole number from -1 to 2147483647.'],
		['a guidance scale above range', { model: T2I, size: '1024x1024', options: { guidanceScale: 10.5 } }, 'Guidance scale 10.5 is out of range', 'Use a number from 1 to 10.'],
		['a guidance scale below range', { model: T2I, size: '1024x1024', options: { guidanceScale: 0.5 } }, 'Guidance scale 0.5 is out of range', 'Use a number from 1 to 10.'],
		['a guidance scale that is not a number', { model: T2I, size: '1024x1024', options: { guidanceScale: '5' as never } }, 'Guidance scale 5 is out of range', 'Use a number from 1 to 10.'],
		['a guidance scale NaN', { model: T2I, size: '1024x1024', options: { guidanceScale: Number.NaN } }, 'Guidance scale NaN is out of range', 'Use a number from 1 to 10.'],
		['an unknown response format', { options: { responseFormat: 'file' as never } }, 'Response format "file" is not valid', 'Use url or b64_json.'],
		['references for a text-only model', { model: T2I, size: '1024x1024', references: ['https://a/1.png'] }, `${T2I} takes no reference images`, 'It generates from text only. Edit with: Seedream 5.0 Pro, Seedream 5.0 Lite, Seedream 4.5, Seedream 4.0, SeedEdit 3.0 Image-to-Image (Legacy).'],
		['too many references', { model: EDIT3, size: '1024x1024', references: ['https://a/1.png', 'https://a/2.png'] }, 'Too many reference images: 2', `${EDIT3} accepts at most 1 reference images. Remove 1.`],
		['no reference for an edit-only model', { model: EDIT3, size: '1024x1024' }, `${EDIT3} needs a reference image`, 'Add a binary property or an image URL under the reference images, or pick a text-to-image model.'],
		['an image set on a model without sets', { model: PRO, maxImages: 2 }, `Generating an image set is not supported by ${PRO}`, 'Models that support it: Seedream 5.0 Lite, Seedream 4.5, Seedream 4.0.'],
		['0 max images', { maxImages: 0 }, '"Max Images" must be a whole number from 1 to 15', 'Got 0.'],
		['16 max images', { maxImages: 16 }, '"Max Images" must be a whole number from 1 to 15', 'Got 16.'],
		['2.5 max images', { maxImages: 2.5 }, '"Max Images" must be a whole number from 1 to 15', 'Got 2.5.'],
		['references plus images over 15', { references: Array.from({ length: 14 }, (_, index) => `https://a/${index}.png`), maxImages: 2 }, '14 reference images plus 2 images to generate exceed 15', 'Reference images and generated images together may be 15 at most. Set "Max Images" to 1 or fewer.'],
		['streaming on a model without it', { model: PRO, stream: true }, `Streaming is not supported by ${PRO}`, 'Models that support it: Seedream 5.0 Lite, Seedream 4.5, Seedream 4.0.'],
		['streaming with async delivery', { stream: true, delivery: 'async' }, 'Streaming works only in the "Wait for Result (One Call)" mode', 'Turn off "Stream Images" or choose the one-call mode; the API rejects stream together with async or callback.'],
		['streaming with a callback', { stream: true, delivery: 'callback' }, 'Streaming works only in the "Wait for Result (One Call)" mode', 'Turn off "Stream Images" or choose the one-call mode; the API rejects stream together with async or callback.'],
		['background on a model without it', { background: 'opaque', references: ['https://a/1.png'] }, `Background control is not supported by ${V4}`, 'Models that support it: Seedream 5.0 Pro.'],
		['background without a reference', { model: PRO, background: 'opaque' }, 'Background control needs exactly one reference image', 'Got 0. It edits a single image.'],
		['background with two references', { model: PRO, background: 'opaque', references: ['https://a/1.png', 'https://a/2.png'] }, 'Background control needs exactly one reference image', 'Got 2. It edits a single image.'],
		['a transparent background as JPEG', { model: PRO, background: 'transparent', references: ['https://a/1.png'], options: { outputFormat: 'jpeg' } }, 'A transparent background needs PNG output', 'Set "Output Format" to PNG.'],
		['a transparent background from a JPEG data URI', { model: PRO, background: 'transparent', references: ['data:image/jpeg;base64,AAAA'], options: { outputFormat: 'png' } }, 'A transparent background needs a PNG reference image', 'The reference must be a PNG with transparent pixels.'],
		['layers on a model without them', { layerDecomposition: true, references: ['https://a/1.png'], size: 'auto' }, `The "Size" value "auto" is not valid for ${V4}`, `Size "auto" is not supported for layer decomposition with ${V4}; use one of .`],
		['layers in a size the model does not decompose', { model: PRO, layerDecomposition: true, size: '1024x1024', references: ['https://a/1.png'] }, `The "Size" value "1024x1024" is not valid for ${PRO}`, `Size "1024x1024" is not supported for layer decomposition with ${PRO}; use one of auto, 1K, 1.5K, 2K.`],
		['layers without an image', { model: PRO, layerDecomposition: true, size: 'auto' }, 'Layer decomposition needs exactly one input image', 'Got 0.'],
		['layers with two images', { model: PRO, layerDecomposition: true, size: 'auto', references: ['https://a/1.png', 'https://a/2.png'] }, 'Layer decomposition needs exactly one input image', 'Got 2.'],
		['layers with a background', { model: PRO, layerDecomposition: true, size: 'auto', references: ['https://a/1.png'], background: 'opaque' }, 'Layer decomposition cannot be combined with image sets, streaming, web search or background', 'Remove those options.'],
	])('%s', (_name, extra, message, description) => {
		expect(refusal(extra)).toEqual({ message, description, itemIndex: 7 });
	});

	it('a custom model id with layers is checked by the generic table (every layer size allowed)', () => {
		expect(buildImageRequest(node, 0, input({ model: '__custom', customModelId: ' future-model ', layerDecomposition: true, size: 'auto', references: ['https://a/1.png'] })).body).toEqual({
			model: 'future-model',
			size: 'auto',
			prompt: 'A fox',
			image: 'https://a/1.png',
			layer_decomposition: true,
		});
	});
});

describe('buildImageRequest builds the body of an accepted request', () => {
	it('takes an option an expression left empty (null or "") as not set, on models with and without it', () => {
		const empty = { seed: null, guidanceScale: '', outputFormat: null, watermark: null } as never;
		expect(buildImageRequest(node, 0, input({ options: empty })).body).toEqual({ model: V4, size: '2K', prompt: 'A fox' });
		expect(buildImageRequest(node, 0, input({ model: T2I, size: '1024x1024', options: empty })).body).toEqual({ model: T2I, size: '1024x1024', prompt: 'A fox' });
	});

	it('normalizes the size ("2048 × 2048", "2k") and keeps numbers and booleans as prompt text', () => {
		expect(buildImageRequest(node, 0, input({ size: 'custom', customSize: ' 2048 × 2048 ' })).body.size).toBe('2048x2048');
		expect(buildImageRequest(node, 0, input({ size: '2048*2048' })).body.size).toBe('2048x2048');
		expect(buildImageRequest(node, 0, input({ size: '2k' })).body.size).toBe('2K');
		expect(buildImageRequest(node, 0, input({ model: T2I, size: '', customSize: '1024x1024' })).body.size).toBe('1024x1024');
		expect(buildImageRequest(node, 0, input({ prompt: 42 as never })).body.prompt).toBe('42');
		expect(buildImageRequest(node, 0, input({ prompt: false as never })).body.prompt).toBe('false');
	});

	it('accepts a WxH size at exactly the 1:16 and 16:1 aspect ratio limit (§4), and refuses one pixel beyond', () => {
		expect(buildImageRequest(node, 0, input({ size: '1024x16384' })).body.size).toBe('1024x16384');
		expect(buildImageRequest(node, 0, input({ size: '16384x1024' })).body.size).toBe('16384x1024');
		expect(refusal({ size: '1023x16384' }).description).toBe('Size 1023x16384 has an aspect ratio beyond 1:16.');
		expect(refusal({ size: '16384x1023' }).description).toBe('Size 16384x1023 has an aspect ratio beyond 1:16.');
	});

	it('finds a model by id, alias or older id with spaces around it, as an expression may give', () => {
		expect(findModel('  doubao-seedream-4.0 \n')?.id).toBe(V4);
		expect(findModel(` ${V4} `)?.id).toBe(V4);
		expect(findModel(' doubao-seedream-5-0-260128 ')?.id).toBe('doubao-seedream-5-0-lite-260128');
		expect(findModel('doubao-seedream-9-0')).toBeUndefined();
	});

	it('accepts the edges of each rule: no set for null max images, a set of 1, "1.5k", url answers, a transparent background from a URL, layers without a prompt', () => {
		expect(buildImageRequest(node, 0, input({ model: PRO, maxImages: null as never })).body).toEqual({ model: PRO, size: '2K', prompt: 'A fox' });
		expect(buildImageRequest(node, 0, input({ maxImages: 1 })).body.sequential_image_generation_options).toEqual({ max_images: 1 });
		expect(buildImageRequest(node, 0, input({ model: PRO, size: '1.5k' })).body.size).toBe('1.5K');
		expect(buildImageRequest(node, 0, input({ options: { responseFormat: 'url' } })).body.response_format).toBe('url');
		expect(buildImageRequest(node, 0, input({ model: PRO, background: 'transparent', references: ['https://a/1.png'], options: { outputFormat: 'png' } })).body.background).toBe('transparent');
		expect(buildImageRequest(node, 0, input({ model: PRO, prompt: '  ', layerDecomposition: true, size: 'auto', references: ['https://a/1.png'] })).body).toEqual({ model: PRO, size: 'auto', image: 'https://a/1.png', layer_decomposition: true });
	});

	it('sends each option under its API name, and nothing for empty ones', () => {
		const { body } = buildImageRequest(node, 0, input({ model: 'doubao-seedream-5-0-lite-260128', options: { optimizePromptMode: 'standard', outputFormat: 'png', webSearch: true, responseFormat: 'b64_json', watermark: 0 as never } }));
		expect(body).toEqual({
			model: 'doubao-seedream-5-0-lite-260128',
			size: '2K',
			prompt: 'A fox',
			optimize_prompt_options: { mode: 'standard' },
			output_format: 'png',
			tools: [{ type: 'web_search' }],
			response_format: 'b64_json',
			watermark: false,
		});
		expect(buildImageRequest(node, 0, input({ options: { webSearch: '' as never } })).body).toEqual({ model: V4, size: '2K', prompt: 'A fox' });
		const legacy = buildImageRequest(node, 0, input({ model: T2I, size: '1024x1024', options: { seed: -1, guidanceScale: 10 } })).body;
		expect(legacy).toMatchObject({ seed: -1, guidance_scale: 10 });
		expect(buildImageRequest(node, 0, input({ model: T2I, size: '1024x1024', options: { seed: 2_147_483_647, guidanceScale: 1 } })).body).toMatchObject({ seed: 2_147_483_647, guidance_scale: 1 });
	});

	it('sends one reference as a string and several as a list; sets, streaming, background and layers as the API names them', () => {
		expect(buildImageRequest(node, 0, input({ references: ['https://a/1.png'] })).body.image).toBe('https://a/1.png');
		expect(buildImageRequest(node, 0, input({ references: ['https://a/1.png', 'https://a/2.png'] })).body.image).toEqual(['https://a/1.png', 'https://a/2.png']);
		expect(buildImageRequest(node, 0, input({ references: Array.from({ length: 13 }, (_, index) => `https://a/${index}.png`), maxImages: 2, stream: true, delivery: 'sync' })).body).toMatchObject({
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 2 },
			stream: true,
		});
		expect(buildImageRequest(node, 0, input({ maxImages: 15 })).body.sequential_image_generation_options).toEqual({ max_images: 15 });
		expect(buildImageRequest(node, 0, input({ stream: true })).body.stream).toBe(true);
		expect(buildImageRequest(node, 0, input({ model: PRO, background: 'transparent', references: ['data:image/png;base64,AAAA'], options: { outputFormat: 'png' } })).body.background).toBe('transparent');
		expect(buildImageRequest(node, 0, input({ model: PRO, background: 'opaque', references: ['https://a/1.jpg'] })).body.background).toBe('opaque');
		expect(buildImageRequest(node, 0, input({ model: PRO, layerDecomposition: true, prompt: '', size: 'auto', references: ['https://a/1.png'] })).body).toEqual({
			model: PRO,
			size: 'auto',
			image: 'https://a/1.png',
			layer_decomposition: true,
		});
	});
});
