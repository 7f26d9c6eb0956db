/**
 * Image → Edit through n8n-core: reference images from the input item's binary properties (one,
 * several named, all), from URLs and from data URIs, mixed, arrive at the API in the given order.
 */
import { decodeImage, renderImage } from '../../../../../mock/images';
import { binaryItem } from '../../../../helpers/n8n';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const png = renderImage({ width: 32, height: 24, format: 'png', variant: 1 });
const jpeg = renderImage({ width: 40, height: 30, format: 'jpeg', variant: 2 });
const alphaPng = renderImage({ width: 32, height: 32, format: 'png', variant: 3, alpha: true });
const dataUri = (bytes: Buffer, mime: string) => `data:${mime};base64,${bytes.toString('base64')}`;

const edit = (extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'edit',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'Put the product on a marble counter',
	size: '1K',
	referenceBinaryProperties: 'data',
	referenceUrls: '',
	...extra,
});

const creates = () => api.mock.requests.filter((request) => request.path === '/seedream/images');
const sentImages = (index = 0) => (creates()[index].body as { image?: string | string[] }).image;

async function itemWith(files: Array<[string, Buffer, string]>) {
	return await binaryItem(
		{ note: 'from a previous node' },
		files.map(([propertyName, data, mimeType]) => ({ propertyName, data, mimeType, fileName: `${propertyName}.bin` })),
	);
}

describe('Image → Edit: reference images', () => {
	it('sends one binary property as a single data URI with its real type and outputs the edited image', async () => {
		const inputItems = [await itemWith([['data', png, 'image/png']])];
		const result = await api.run(edit(), { inputItems });
		expect(result.error).toBeUndefined();
		expect(sentImages()).toBe(dataUri(png, 'image/png'));
		const [item] = result.items[0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(decodeImage(await result.readBinary(item.binary!.data))).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
		expect(api.mock.stats.referenceImages).toBe(1);
	});

	it('sends several named binary properties in the order they are named, typed by their bytes', async () => {
		// The declared MIME type is generic on purpose: the data URI must carry the sniffed type.
		const inputItems = [await itemWith([['front', png, 'image/png'], ['back', jpeg, 'application/octet-stream'], ['unused', png, 'image/png']])];
		const result = await api.run(edit({ referenceBinaryProperties: 'back, front' }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(sentImages()).toEqual([dataUri(jpeg, 'image/jpeg'), dataUri(png, 'image/png')]);
	});

	it('sends every binary property of the item for *', async () => {
		const inputItems = [await itemWith([['a', png, 'image/png'], ['b', jpeg, 'image/jpeg'], ['c', alphaPng, 'image/png']])];
		const result = await api.run(edit({ referenceBinaryProperties: '*' }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(sentImages()).toEqual([dataUri(png, 'image/png'), dataUri(jpeg, 'image/jpeg'), dataUri(alphaPng, 'image/png')]);
	});

	it('mixes binary, URLs and data URIs: binary first, then the list in its order', async () => {
		const inputItems = [await itemWith([['data', png, 'image/png']])];
		const referenceUrls = ['https://example.com/style.png', dataUri(jpeg, 'image/jpeg'), 'http://example.com/logo.jpg'].join('\n');
		const result = await api.run(edit({ referenceUrls }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(sentImages()).toEqual([
			dataUri(png, 'image/png'),
			'https://example.com/style.png',
			dataUri(jpeg, 'image/jpeg'),
			'http://example.com/logo.jpg',
		]);
		expect(api.mock.stats.referenceImages).toBe(4);
	});

	it('takes the URL list from an expression array and comma-separated text alike', async () => {
		const list = ['https://example.com/1.png', dataUri(png, 'image/png'), 'https://example.com/2.png'];
		await api.run(edit({ referenceBinaryProperties: '', referenceUrls: '={{ $json.refs }}' }), { inputItems: [{ json: { refs: list } }] });
		await api.run(edit({ referenceBinaryProperties: '', referenceUrls: list.join(', ') }));
		expect(sentImages(0)).toEqual(list);
		expect(sentImages(1)).toEqual(list);
	});

	it('uses each input item’s own binary for its request', async () => {
		const inputItems = [await itemWith([['data', png, 'image/png']]), await itemWith([['data', jpeg, 'image/jpeg']])];
		const result = await api.run(edit(), { inputItems });
		expect(result.error).toBeUndefined();
		const byPrompt = creates().map((request) => (request.body as { image: string }).image).sort();
		expect(byPrompt).toEqual([dataUri(jpeg, 'image/jpeg'), dataUri(png, 'image/png')].sort());
		expect(result.items[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('edits with a transparent background on Pro: one PNG reference, PNG output', async () => {
		const inputItems = [await itemWith([['data', alphaPng, 'image/png']])];
		const result = await api.run(
			edit({ model: 'doubao-seedream-5-0-pro-260628', size: '1K', options: { background: 'transparent', outputFormat: 'png' } }),
			{ inputItems },
		);
		expect(result.error).toBeUndefined();
		expect(creates()[0].body).toMatchObject({ background: 'transparent', output_format: 'png', image: dataUri(alphaPng, 'image/png') });
		const binary = result.items[0][0].binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(decodeImage(await result.readBinary(binary)).format).toBe('png');
	});

	it('combines references with an image set within the 15-image budget', async () => {
		const inputItems = [await itemWith([['data', png, 'image/png']])];
		const result = await api.run(edit({ referenceUrls: 'https://example.com/b.png', options: { maxImages: 3 } }), { inputItems });
		expect(result.error).toBeUndefined();
		expect(creates()[0].body).toMatchObject({ sequential_image_generation: 'auto', sequential_image_generation_options: { max_images: 3 } });
		expect(result.items[0]).toHaveLength(3);
	});
});
