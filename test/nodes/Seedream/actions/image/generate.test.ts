import { decodeImage } from '../../../../../mock/images';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const generate = (extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A red fox in fresh snow',
	size: '1K',
	...extra,
});

describe('Image → Generate (sync) through n8n-core', () => {
	it('emits one binary image per result, decodable at the requested size, named after the task', async () => {
		const result = await api.run(generate());
		expect(result.error).toBeUndefined();
		const [items] = result.items;
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			model: 'doubao-seedream-4-0-250828',
			prompt: 'A red fox in fresh snow',
			size: '1024x1024',
			index: 0,
		});
		expect(item.json.task_id).toEqual(expect.any(String));
		expect(item.json.trace_id).toEqual(expect.any(String));
		// Binary output (the default) keeps the expiring URL out of the JSON; "Binary and URL" adds it.
		expect(item.json).not.toHaveProperty('image_url');
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/jpeg');
		expect(binary.fileExtension).toBe('jpg');
		expect(binary.fileName).toBe(`${item.json.task_id}-1.jpg`);
		expect(binary.id).toMatch(/^filesystem/);
		const bytes = await result.readBinary(binary);
		expect(decodeImage(bytes)).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
	});

	it('sends the Bearer token, the model id and only the parameters that were set', async () => {
		await api.run(generate({ options: { watermark: false } }));
		const create = api.mock.requests.find((request) => request.path === '/seedream/images')!;
		expect(create.headers.authorization).toBe('Bearer test-token');
		expect(create.body).toEqual({ model: 'doubao-seedream-4-0-250828', prompt: 'A red fox in fresh snow', size: '1K', watermark: false });
	});

	it('keeps items in input order, each paired with its input', async () => {
		const inputItems = ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } }));
		const result = await api.run(generate({ prompt: '={{ $json.prompt }}', options: { concurrency: 3 } }), { inputItems });
		expect(result.items[0].map((item) => [item.json.prompt, item.pairedItem])).toEqual([
			['one', { item: 0 }],
			['two', { item: 1 }],
			['three', { item: 2 }],
		]);
	});

	it('decodes b64_json answers into binary data of the real type', async () => {
		const result = await api.run(generate({ options: { responseFormat: 'b64_json' } }));
		const binary = result.items[0][0].binary!.data;
		expect(binary.mimeType).toBe('image/jpeg');
		expect(decodeImage(await result.readBinary(binary)).width).toBe(1024);
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('finds the real type by magic bytes when the image host sends no image Content-Type', async () => {
		api.mock.setOptions({ untypedImages: true });
		const result = await api.run(generate({ model: 'doubao-seedream-5-0-lite-260128', size: '2K', options: { outputFormat: 'png' } }));
		const binary = result.items[0][0].binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toMatch(/-1\.png$/);
		expect(decodeImage(await result.readBinary(binary))).toEqual({ width: 2048, height: 2048, format: 'png' });
	});

	it('maps an alias to the full model id and says which id was sent', async () => {
		const result = await api.run(generate({ model: '={{ "doubao-seedream-4.5" }}', size: '2K' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].json).toMatchObject({ model: 'doubao-seedream-4-5-251128', model_requested: 'doubao-seedream-4.5' });
		expect(api.mock.requests[0].body).toMatchObject({ model: 'doubao-seedream-4-5-251128' });
	});

	it('returns URLs only when Image Output is URL Only', async () => {
		const result = await api.run(generate({ options: { outputMode: 'url' } }));
		expect(result.items[0][0].binary).toBeUndefined();
		expect(result.items[0][0].json.image_url).toEqual(expect.any(String));
		expect(api.mock.stats.downloads).toBe(0);
	});
});

describe('API errors', () => {
	it('turns an invalid token into a NodeApiError with the API code and a fix', async () => {
		const result = await api.run(generate(), { token: 'wrong-token' });
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('invalid_token');
		expect(result.error?.description).toContain('credential');
		expect(result.error?.httpCode).toBe('401');
		expect(JSON.stringify(result.error)).not.toContain('wrong-token');
	});

	it('reports a used-up balance', async () => {
		const result = await api.run(generate(), { token: 'poor-token' });
		expect(result.error?.message).toContain('used_up');
		expect(result.error?.description).toContain('Top up');
	});

	it('with Continue On Fail, a failed item becomes an error item and the others still run', async () => {
		const inputItems = [{ json: { prompt: 'fine' } }, { json: { prompt: '' } }, { json: { prompt: 'also fine' } }];
		const result = await api.run(generate({ prompt: '={{ $json.prompt }}' }), { inputItems, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json.error).toContain('Prompt');
		expect(items[0].binary?.data).toBeDefined();
		expect(items[2].binary?.data).toBeDefined();
	});
});
