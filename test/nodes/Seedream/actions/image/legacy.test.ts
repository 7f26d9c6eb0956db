/**
 * Legacy v3 models (selectable under a "Legacy" label): exactly their parameters reach the API,
 * documented alias ids are mapped to full ids, and the output says which id was sent.
 */
import { renderImage } from '../../../../../mock/images';
import { binaryItem } from '../../../../helpers/n8n';
import { useMockApi } from '../../../../helpers/seedream';

const api = useMockApi({ acceptLegacyModels: true });

const photo = renderImage({ width: 32, height: 32, format: 'jpeg', variant: 1 });

describe('legacy models', () => {
	it('Seedream 3.0 t2i sends seed and guidance_scale with an explicit WxH size', async () => {
		const result = await api.run({
			resource: 'image',
			operation: 'generate',
			mode: 'sync',
			model: 'doubao-seedream-3-0-t2i-250415',
			prompt: 'A paper crane',
			customSize: '768x512',
			options: { seed: 42, guidanceScale: 3.5 },
		});
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toEqual({
			model: 'doubao-seedream-3-0-t2i-250415',
			prompt: 'A paper crane',
			size: '768x512',
			seed: 42,
			guidance_scale: 3.5,
		});
		expect(result.items[0][0].json).toMatchObject({ model: 'doubao-seedream-3-0-t2i-250415', size: '768x512' });
	});

	it('SeedEdit 3.0 i2i sends its reference image and guidance_scale; the alias is mapped and reported', async () => {
		const inputItems = [await binaryItem({}, [{ propertyName: 'data', data: photo, mimeType: 'image/jpeg', fileName: 'photo.jpg' }])];
		const result = await api.run(
			{
				resource: 'image',
				operation: 'edit',
				mode: 'sync',
				model: '={{ "doubao-seededit-3.0-i2i" }}',
				prompt: 'Make it a watercolour',
				customSize: '1024x1024',
				size: 'custom',
				referenceBinaryProperties: 'data',
				referenceUrls: '',
				options: { guidanceScale: 5.5 },
			},
			{ inputItems },
		);
		expect(result.error).toBeUndefined();
		expect(api.mock.requests[0].body).toMatchObject({
			model: 'doubao-seededit-3-0-i2i-250628',
			guidance_scale: 5.5,
			image: `data:image/jpeg;base64,${photo.toString('base64')}`,
		});
		expect(result.items[0][0].json).toMatchObject({ model: 'doubao-seededit-3-0-i2i-250628', model_requested: 'doubao-seededit-3.0-i2i' });
	});

	it('when the API has retired them, its answer comes back as an API error after one request', async () => {
		api.mock.setOptions({ acceptLegacyModels: false });
		const result = await api.run({
			resource: 'image',
			operation: 'generate',
			mode: 'sync',
			model: 'doubao-seedream-3-0-t2i-250415',
			prompt: 'A paper crane',
			customSize: '1024x1024',
		});
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('400');
		expect(api.mock.stats.creates).toBe(1);
		expect(api.mock.stats.jobsCreated).toBe(0);
	});
});
