/**
 * Image sets with per-image failures: every image that succeeded comes out, the failed slots are
 * reported in JSON, and the item fails only when nothing succeeded or in strict mode.
 */
import { decodeImage } from '../../../../../mock/images';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const imageSet = (maxImages: number, options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A four-panel storyboard of a paper boat',
	size: '1K',
	options: { maxImages, ...options },
	...extra,
});

const sensitive = (index: number) => ({ index, code: 'OutputImageSensitiveContentDetected', message: expect.stringContaining('sensitive') });

describe('Generate Image Set', () => {
	it('asks for a sequential set and emits one item per image, in order, each with its own file', async () => {
		const result = await api.run(imageSet(4));
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 4 },
		});
		const items = result.items[0];
		expect(items.map((item) => item.json.index)).toEqual([0, 1, 2, 3]);
		const taskId = items[0].json.task_id;
		expect(items.map((item) => item.binary!.data.fileName)).toEqual([1, 2, 3, 4].map((n) => `${taskId}-${n}.jpg`));
		expect(items.every((item) => !('failed_images' in item.json))).toBe(true);
	});

	it('emits every image that succeeded and lists the failed slots in JSON', async () => {
		api.mock.setOptions({ failImages: [1, 3] });
		const result = await api.run(imageSet(4));
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => item.json.index)).toEqual([0, 2]);
		for (const item of items) {
			expect(item.json.failed_images).toEqual([sensitive(1), sensitive(3)]);
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(decodeImage(await result.readBinary(item.binary!.data))).toMatchObject({ width: 1024, height: 1024 });
		}
		// File numbers follow the slot, so the gap is visible in the names too.
		expect(items.map((item) => item.binary!.data.fileName)).toEqual([`${items[0].json.task_id}-1.jpg`, `${items[0].json.task_id}-3.jpg`]);
		expect(api.mock.stats.downloads).toBe(2);
	});

	it('fails the item when no image succeeded, keeping the task id and the per-image reasons', async () => {
		api.mock.setOptions({ failImages: [0, 1] });
		const result = await api.run(imageSet(2));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('generated no image');
		expect(result.error?.description).toContain(`Task id: ${[...api.mock.tasks.keys()][0]}`);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('with Continue On Fail, an all-failed set becomes an error item while other items still deliver', async () => {
		api.mock.setOptions({ failImages: (body) => (String(body.prompt).includes('bad') ? [0, 1] : []) });
		const inputItems = [{ json: { prompt: 'bad boat' } }, { json: { prompt: 'good boat' } }];
		const result = await api.run(imageSet(2, {}, { prompt: '={{ $json.prompt }}' }), { inputItems, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items[0]).toMatchObject({ json: { error: expect.stringContaining('generated no image') }, pairedItem: { item: 0 } });
		expect(items.slice(1).map((item) => [item.pairedItem, item.json.index])).toEqual([
			[{ item: 1 }, 0],
			[{ item: 1 }, 1],
		]);
	});

	it('strict mode fails the item on any failed image, before downloading anything', async () => {
		api.mock.setOptions({ failImages: [2] });
		const result = await api.run(imageSet(3, { strict: true }));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/1 of 3 images failed \(strict mode\)/);
		expect(result.error?.description).toContain('Task id:');
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('strict mode passes a set without failures', async () => {
		const result = await api.run(imageSet(2, { strict: true }));
		expect(result.error).toBeUndefined();
		expect(result.items[0]).toHaveLength(2);
	});

	it('puts the whole set on one item when asked: data_<index> binaries and an images list', async () => {
		api.mock.setOptions({ failImages: [1] });
		const result = await api.run(imageSet(3, { outputItems: 'perInput' }));
		expect(result.error).toBeUndefined();
		const [item, ...rest] = result.items[0];
		expect(rest).toHaveLength(0);
		expect(Object.keys(item.binary!)).toEqual(['data_0', 'data_2']);
		expect((item.json.images as Array<Record<string, unknown>>).map((image) => [image.index, image.binary_property])).toEqual([
			[0, 'data_0'],
			[2, 'data_2'],
		]);
		expect(item.json.failed_images).toEqual([sensitive(1)]);
		expect(item.binary!.data_2.fileName).toBe(`${item.json.task_id}-3.jpg`);
	});

	it('reports partial sets the same way when the set is polled as a background task', async () => {
		api.mock.setOptions({ failImages: [0] });
		const result = await api.run(imageSet(2, { maxPollIntervalSeconds: 1 }, { mode: 'pollUntilDone' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].map((item) => item.json.index)).toEqual([1]);
		expect(result.items[0][0].json.failed_images).toEqual([sensitive(0)]);
		expect(api.mock.requests[0].body).toMatchObject({ async: true });
	});
});
