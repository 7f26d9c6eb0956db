/**
 * Image → Decompose Layers (Seedream 5.0 Pro): one input image in, a base image and transparent
 * PNG layers out, each a separate binary with its z_index, name, description and bounding box.
 */
import { decodeImage, renderImage } from '../../../../../mock/images';
import { binaryItem } from '../../../../helpers/n8n';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const poster = renderImage({ width: 48, height: 64, format: 'png', variant: 2 });
const posterUri = `data:image/png;base64,${poster.toString('base64')}`;

const decompose = (extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'decomposeLayers',
	mode: 'sync',
	model: 'doubao-seedream-5-0-pro-260628',
	imageSource: 'binary',
	binaryPropertyName: 'data',
	size: '1K',
	...extra,
});

const posterItem = async () => [await binaryItem({}, [{ propertyName: 'data', data: poster, mimeType: 'image/png', fileName: 'poster.png' }])];

describe('Image → Decompose Layers', () => {
	it('sends the binary image with layer_decomposition and emits the base and each layer as its own binary', async () => {
		api.mock.setOptions({ layerCount: 3 });
		const result = await api.run(decompose(), { inputItems: await posterItem() });
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toEqual({ model: 'doubao-seedream-5-0-pro-260628', size: '1K', image: posterUri, layer_decomposition: true });

		const items = result.items[0];
		expect(items.map((item) => item.json.z_index)).toEqual([0, 1, 2, 3]);
		expect(items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const [base, ...layers] = items;
		expect(decodeImage(await result.readBinary(base.binary!.data))).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
		for (const layer of layers) {
			expect(layer.json).toMatchObject({
				name: expect.any(String),
				description: expect.any(String),
				output_format: 'png',
				bounding_box: { absolute: expect.any(Array), normalized: expect.any(Array) },
			});
			const [left, top, right, bottom] = (layer.json.bounding_box as { absolute: number[] }).absolute;
			const binary = layer.binary!.data;
			expect(binary.mimeType).toBe('image/png');
			expect(binary.fileName).toBe(`${layer.json.task_id}-${Number(layer.json.index) + 1}.png`);
			expect(decodeImage(await result.readBinary(binary))).toEqual({ width: right - left, height: bottom - top, format: 'png' });
		}
		expect(new Set(layers.map((layer) => layer.json.name)).size).toBe(3);
	});

	it('takes the image from a URL and maps an alias model id, saying which id was sent', async () => {
		const result = await api.run(
			decompose({ model: '={{ "doubao-seedream-5.0-pro" }}', imageSource: 'url', imageUrl: 'https://example.com/poster.png', size: 'auto' }),
		);
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({ model: 'doubao-seedream-5-0-pro-260628', size: 'auto', image: 'https://example.com/poster.png' });
		for (const item of result.items[0]) {
			expect(item.json).toMatchObject({ model: 'doubao-seedream-5-0-pro-260628', model_requested: 'doubao-seedream-5.0-pro' });
		}
	});

	it('stores b64_json layers without downloading anything', async () => {
		const result = await api.run(decompose({ options: { responseFormat: 'b64_json' } }), { inputItems: await posterItem() });
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({ response_format: 'b64_json' });
		expect(result.items[0]).toHaveLength(3);
		expect(decodeImage(await result.readBinary(result.items[0][2].binary!.data)).format).toBe('png');
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('can put all layers on one item, with their metadata listed by binary property', async () => {
		const result = await api.run(
			decompose({ options: { outputItems: 'perInput', binaryPropertyName: 'layer', fileNameTemplate: '{model}-layer{index}.{ext}' } }),
			{ inputItems: await posterItem() },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.items[0];
		expect(result.items[0]).toHaveLength(1);
		expect(Object.keys(item.binary!)).toEqual(['layer_0', 'layer_1', 'layer_2']);
		const images = item.json.images as Array<Record<string, unknown>>;
		expect(images.map((image) => [image.z_index, image.binary_property])).toEqual([
			[0, 'layer_0'],
			[1, 'layer_1'],
			[2, 'layer_2'],
		]);
		expect(images[1]).toMatchObject({ name: expect.any(String), bounding_box: expect.any(Object) });
		expect(item.binary!.layer_0.fileName).toBe('doubao-seedream-5-0-pro-260628-layer0.jpg');
		expect(item.binary!.layer_2.fileName).toBe('doubao-seedream-5-0-pro-260628-layer2.png');
	});

	it('works as a background task too', async () => {
		const result = await api.run(decompose({ mode: 'pollUntilDone', options: { maxPollIntervalSeconds: 1 } }), { inputItems: await posterItem() });
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({ layer_decomposition: true, async: true });
		expect(result.items[0].map((item) => item.json.z_index)).toEqual([0, 1, 2]);
	});
});
