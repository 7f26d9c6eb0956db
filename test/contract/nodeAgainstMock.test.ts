/**
 * Whatever the node's capability table lets through, the mock (which knows the API only from
 * mock/contract.ts) must accept: a preset, pixel range, reference count or option the table allows
 * by mistake fails here with the API's 400, as it would against the real API.
 */
import type { INodeParameters } from 'n8n-workflow';

import { MODELS, supports, type ModelCapabilities } from '../../nodes/Seedream/capabilities';
import { generateParameters, useMockApi } from '../helpers/seedream';

// The retired models are accepted only when the mock simulates the API before 2026-08-05.
const api = useMockApi({ acceptLegacyModels: true });

/** A case: its name, the node parameters, and what the create body must contain. */
type Request = [string, INodeParameters, Record<string, unknown>];

const sizeParameters = (model: ModelCapabilities, size: string) =>
	model.sizePresets.length ? { size: 'custom', customSize: size } : { customSize: size };

/** A WxH near the bound the node's table gives, inside it: the smallest or largest square-ish size. */
function boundarySize(pixels: number, side: 'min' | 'max'): string {
	const round = side === 'min' ? Math.ceil : Math.floor;
	const width = round(Math.sqrt(pixels));
	return `${width}x${round(pixels / width)}`;
}

const urls = (count: number) =>
	Array.from({ length: count }, (_, index) => `https://example.com/${index}.png`);

const references = (count: number) => ({
	operation: 'edit',
	referenceBinaryProperties: '',
	referenceUrls: urls(count).join('\n'),
});

function requestsFor(model: ModelCapabilities): Request[] {
	// A model without presets needs a WxH on every request; one that edits only needs an image.
	const common = {
		model: model.id,
		mode: 'submitOnly',
		...(model.sizePresets.length ? {} : { customSize: model.defaultSize }),
		...(model.requiresReferenceImage ? references(1) : {}),
	};
	const request = (
		name: string,
		extra: INodeParameters,
		sent: Record<string, unknown>,
	): Request => [name, generateParameters({ ...common, ...extra }), { model: model.id, ...sent }];
	const requests: Request[] = [
		...model.sizePresets.map((preset) =>
			request(`preset ${preset}`, { size: preset }, { size: preset }),
		),
		...(['min', 'max'] as const).map((side) => {
			const size = boundarySize(model.pixelRange[side], side);
			return request(`${side} WxH ${size}`, sizeParameters(model, size), { size });
		}),
		...model.optimizePromptModes.map((mode) =>
			request(
				`optimize ${mode}`,
				{ options: { optimizePromptMode: mode } },
				{ optimize_prompt_options: { mode } },
			),
		),
	];
	if (model.maxReferenceImages > 0)
		requests.push(
			request(`${model.maxReferenceImages} references`, references(model.maxReferenceImages), {
				// One reference goes as a string, several as an array (contract §1.4).
				image: model.maxReferenceImages === 1 ? urls(1)[0] : urls(model.maxReferenceImages),
			}),
		);
	if (supports(model, 'outputFormat'))
		requests.push(
			request('output format png', { options: { outputFormat: 'png' } }, { output_format: 'png' }),
		);
	if (supports(model, 'webSearch'))
		requests.push(
			request('web search', { options: { webSearch: true } }, { tools: [{ type: 'web_search' }] }),
		);
	if (supports(model, 'imageSet'))
		requests.push(
			request(
				'15 images',
				{ options: { maxImages: 15 } },
				{ sequential_image_generation_options: { max_images: 15 } },
			),
		);
	const numeric = [
		['seed', 'seed', model.seed],
		['guidanceScale', 'guidance_scale', model.guidanceScale],
	] as const;
	for (const [option, field, range] of numeric) {
		if (range)
			requests.push(
				...[range.min, range.max].map((value) =>
					request(`${option} ${value}`, { options: { [option]: value } }, { [field]: value }),
				),
			);
	}
	return requests;
}

const cases = MODELS.flatMap((model) =>
	requestsFor(model).map((request) => [model.id, ...request] as const),
);

describe('what the node table allows, the contract mock accepts', () => {
	it.each(cases)('%s: %s', async (_model, _name, parameters, sent) => {
		const result = await api.run(parameters);
		expect(result.error?.message).toBeUndefined();
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 1 });
		expect(
			api.mock.requests.find((request) => request.path === '/seedream/images')?.body,
		).toMatchObject(sent);
	});
});
