/**
 * NDJSON streaming: lines are read as they arrive, each image's download starts at its
 * `partial_succeeded` line (before the stream ends), `partial_failed` lines become per-image
 * failures, and the job is done at `image_generation.completed`.
 */
import { decodeImage } from '../../../../../mock/images';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const streamSet = (maxImages: number, options: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'generate',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'Three frames of a sunrise',
	size: '1K',
	options: { maxImages, stream: true, ...options },
});

const downloads = () => api.mock.requests.filter((request) => request.path.startsWith('/files/'));

/** When the mock finished sending the stream (its response closed after the `completed` line). */
function watchStreamEnd(): { endedAt?: number } {
	const watch: { endedAt?: number } = {};
	api.mock.setOptions({
		onRequest: (entry) => {
			if (entry.path === '/seedream/images') watch.endedAt = Date.now();
		},
	});
	return watch;
}

describe('Streaming (NDJSON)', () => {
	it('asks for NDJSON and downloads each image while later images are still being generated', async () => {
		api.mock.setOptions({ streamLineDelayMs: 400, streamLineExtras: true });
		const watch = watchStreamEnd();
		const result = await api.run(streamSet(3));
		expect(result.error).toBeUndefined();

		const create = api.mock.requests.find((request) => request.path === '/seedream/images')!;
		expect(create.headers.accept).toBe('application/x-ndjson');
		expect(create.body).toMatchObject({ stream: true, sequential_image_generation_options: { max_images: 3 } });
		expect(api.mock.stats.streams).toBe(1);

		// Lines 2 and 3 come 400 ms apart, so the first two images were requested before the stream ended.
		expect(watch.endedAt).toBeDefined();
		const early = downloads().filter((request) => request.at < watch.endedAt!);
		expect(early.length).toBeGreaterThanOrEqual(2);
		expect(downloads()).toHaveLength(3);

		const items = result.items[0];
		const taskId = [...api.mock.tasks.keys()][0];
		expect(items.map((item) => [item.json.index, item.json.task_id, item.binary!.data.fileName])).toEqual([
			[0, taskId, `${taskId}-1.jpg`],
			[1, taskId, `${taskId}-2.jpg`],
			[2, taskId, `${taskId}-3.jpg`],
		]);
		for (const item of items) expect(decodeImage(await result.readBinary(item.binary!.data)).width).toBe(1024);
	});

	it('turns partial_failed lines into per-image failures and keeps the images that succeeded', async () => {
		api.mock.setOptions({ failImages: [1] });
		const result = await api.run(streamSet(3));
		expect(result.error).toBeUndefined();
		const items = result.items[0];
		expect(items.map((item) => item.json.index)).toEqual([0, 2]);
		for (const item of items) {
			expect(item.json.failed_images).toEqual([
				{ index: 1, code: 'OutputImageSensitiveContentDetected', message: expect.stringContaining('sensitive') },
			]);
		}
		// Without task ids on the lines (the documented shape) the slots still get distinct names.
		const names = items.map((item) => item.binary!.data.fileName);
		expect(names[0]).toMatch(/-1\.jpg$/);
		expect(names[1]).toMatch(/-3\.jpg$/);
		expect(downloads()).toHaveLength(2);
	});

	it('fails the item when every streamed image failed', async () => {
		api.mock.setOptions({ failImages: [0, 1] });
		const result = await api.run(streamSet(2));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('generated no image: The request failed because the output image may contain sensitive');
		expect(downloads()).toHaveLength(0);
	});

	it('strict mode fails a stream with a failed image', async () => {
		api.mock.setOptions({ failImages: [0] });
		const result = await api.run(streamSet(2, { strict: true }));
		expect(result.error?.message).toMatch(/1 of 2 images failed \(strict mode\)/);
	});

	it('decodes b64_json lines without downloading', async () => {
		const result = await api.run(streamSet(2, { responseFormat: 'b64_json' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0]).toHaveLength(2);
		expect(decodeImage(await result.readBinary(result.items[0][1].binary!.data)).format).toBe('jpeg');
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('puts streamed images on one item when asked', async () => {
		api.mock.setOptions({ streamLineExtras: true });
		const result = await api.run(streamSet(2, { outputItems: 'perInput', binaryPropertyName: 'frame' }));
		expect(result.error).toBeUndefined();
		const [item] = result.items[0];
		expect(result.items[0]).toHaveLength(1);
		expect(Object.keys(item.binary!)).toEqual(['frame_0', 'frame_1']);
		expect(item.binary!.frame_1.fileName).toBe(`${item.json.task_id}-2.jpg`);
	});

	it('passes a whole-job failure of a stream request through as an API error', async () => {
		api.mock.setOptions({ generationFailure: { code: 'InternalServiceError', message: 'upstream broke', status: 500 } });
		const result = await api.run(streamSet(2));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(`${result.error?.message} ${result.error?.description}`).toContain('upstream broke');
		expect(api.mock.stats.creates).toBe(1);
	});
});
