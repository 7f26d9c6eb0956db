/**
 * Output options: Binary (default) / URL only / both, the binary property name (a prefix when
 * all images share one item), one item per image or one per input, and the file-name template.
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { decodeImage } from '../../../../../mock/images';
import { CUSTOM_MODEL, MODELS } from '../../../../../nodes/Seedream/capabilities';
import { Seedream } from '../../../../../nodes/Seedream/Seedream.node';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi();

const generate = (options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A lighthouse at dusk',
	size: '1K',
	options,
	...extra,
});

describe('Image Output', () => {
	it('Binary (default): the image as binary data, no URL in the JSON', async () => {
		const result = await api.run(generate());
		const [item] = result.items[0];
		expect(item.binary?.data).toBeDefined();
		expect(item.json).not.toHaveProperty('image_url');
		expect(api.mock.stats.downloads).toBe(1);
	});

	it('Binary and URL: the image as binary data and its URL', async () => {
		const result = await api.run(generate({ outputMode: 'both' }));
		const [item] = result.items[0];
		expect(String(item.json.image_url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.jpg$/);
		expect(decodeImage(await result.readBinary(item.binary!.data)).width).toBe(1024);
	});

	it('URL Only: nothing is downloaded, the JSON carries the URL', async () => {
		const result = await api.run(generate({ outputMode: 'url', maxImages: 2 }));
		expect(result.items[0]).toHaveLength(2);
		for (const item of result.items[0]) {
			expect(item.binary).toBeUndefined();
			expect(String(item.json.image_url)).toContain('/files/');
		}
		expect(api.mock.stats.downloads).toBe(0);
	});

	it('URL Only together with Base64 responses is refused before paying', async () => {
		const result = await api.run(generate({ outputMode: 'url', responseFormat: 'b64_json' }));
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('URL Only does not work with Response Format Base64');
		expect(result.error?.description).toContain('"Response Format" to URL');
		expect(api.mock.stats.requests).toBe(0);
	});
});

describe('binary property and items', () => {
	it('puts the image in the named binary property', async () => {
		const result = await api.run(generate({ binaryPropertyName: 'image' }));
		expect(Object.keys(result.items[0][0].binary!)).toEqual(['image']);
	});

	it('uses the name as a prefix when all images go on one item, also for a single image', async () => {
		const result = await api.run(generate({ binaryPropertyName: 'image', outputItems: 'perInput' }));
		const [item] = result.items[0];
		expect(Object.keys(item.binary!)).toEqual(['image_0']);
		expect(item.json).toMatchObject({ model: 'doubao-seedream-4-0-250828', images: [{ index: 0, binary_property: 'image_0', size: '1024x1024' }] });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('one item per input item keeps several inputs apart and paired', async () => {
		const inputItems = [{ json: { prompt: 'one' } }, { json: { prompt: 'two' } }];
		const result = await api.run(generate({ maxImages: 2, outputItems: 'perInput' }, { prompt: '={{ $json.prompt }}' }), { inputItems });
		expect(result.items[0].map((item) => [item.pairedItem, Object.keys(item.binary!)])).toEqual([
			[{ item: 0 }, ['data_0', 'data_1']],
			[{ item: 1 }, ['data_0', 'data_1']],
		]);
	});

	it('URL Only on one item lists the URLs and has no binary', async () => {
		const result = await api.run(generate({ maxImages: 2, outputItems: 'perInput', outputMode: 'url' }));
		const [item] = result.items[0];
		expect(item.binary).toBeUndefined();
		expect((item.json.images as Array<Record<string, unknown>>).map((image) => typeof image.image_url)).toEqual(['string', 'string']);
	});
});

describe('file-name template', () => {
	it('fills task id, number, index, model and extension', async () => {
		const result = await api.run(generate({ maxImages: 2, fileNameTemplate: '{model}_{task_id}_{index}_{n}.{ext}' }));
		const taskId = result.items[0][0].json.task_id;
		expect(result.items[0].map((item) => item.binary!.data.fileName)).toEqual([
			`doubao-seedream-4-0-250828_${taskId}_0_1.jpg`,
			`doubao-seedream-4-0-250828_${taskId}_1_2.jpg`,
		]);
	});

	it('takes the extension from the real image type', async () => {
		const result = await api.run(
			generate({ outputFormat: 'png', fileNameTemplate: 'poster.{ext}' }, { model: 'doubao-seedream-5-0-pro-260628' }),
		);
		expect(result.items[0][0].binary!.data).toMatchObject({ fileName: 'poster.png', mimeType: 'image/png' });
	});

	it('refuses an unknown placeholder before paying', async () => {
		const result = await api.run(generate({ fileNameTemplate: '{taskid}.{ext}' }));
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('unknown placeholder {taskid}');
		expect(result.error?.description).toContain('{task_id}');
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(api.mock.stats.requests).toBe(0);
	});
});

describe('Task → Wait for Completion uses the same output options', () => {
	it('emits a submitted set on one item with a custom name', async () => {
		const submitted = await api.run(generate({ maxImages: 2 }, { mode: 'submitOnly' }));
		const taskId = String(submitted.items[0][0].json.task_id);
		const result = await api.run(
			{ resource: 'task', operation: 'waitForCompletion', taskIds: taskId, options: { outputItems: 'perInput', fileNameTemplate: 'set-{n}.{ext}', outputMode: 'both' } },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.items[0];
		expect(Object.keys(item.binary!)).toEqual(['data_0', 'data_1']);
		expect(item.binary!.data_1.fileName).toBe('set-2.jpg');
		expect(item.json).toMatchObject({ task_id: taskId, status: 'succeeded' });
		expect((item.json.images as Array<Record<string, unknown>>)[0].image_url).toEqual(expect.any(String));
	});
});

describe('output options in the node description', () => {
	const description = new Seedream().description;
	const node = { parameters: {} } as INode;
	const outputOptions = ['binaryPropertyName', 'fileNameTemplate', 'outputItems', 'outputMode', 'strict'];
	const cases = ['generate', 'edit', 'decomposeLayers'].flatMap((operation) =>
		[...MODELS.map((model) => model.id), CUSTOM_MODEL].map((model) => [operation, model] as const),
	);

	it.each(cases)('%s with %s offers every output option (they do not depend on the model)', (operation, model) => {
		const values = { resource: 'image', operation, mode: 'sync', model };
		const collections = description.properties.filter(
			(property) => property.name === 'options' && NodeHelpers.displayParameter(values, property, node, description, values),
		);
		expect(collections).toHaveLength(1);
		const names = ((collections[0].options ?? []) as INodeProperties[])
			.filter((option) => NodeHelpers.displayParameter({}, option, node, description, values))
			.map((option) => option.name);
		expect(names).toEqual(expect.arrayContaining(outputOptions));
	});
});
