/**
 * The node's capability table against the mock's fixture of API facts (mock/contract.ts). The two
 * are written apart, both from docs/api-contract.md, so a wrong fact has to be wrong in both to pass.
 * A difference here means one of them misreads the contract: check the section the fixture cites.
 */
import {
	CONTRACT_LIMITS,
	CONTRACT_MODELS,
	type ContractModel,
	type ModelField,
} from '../../mock/contract';
import {
	API_LIMITS,
	MODELS,
	type ModelCapabilities,
	type ModelFeature,
} from '../../nodes/Seedream/capabilities';

/** The node names features after its options, the fixture after the API's body fields. */
const FIELD_OF: Record<ModelFeature, ModelField> = {
	referenceImages: 'image',
	imageSet: 'sequential_image_generation',
	stream: 'stream',
	outputFormat: 'output_format',
	webSearch: 'tools',
	optimizePrompt: 'optimize_prompt_options',
	background: 'background',
	layerDecomposition: 'layer_decomposition',
	seed: 'seed',
	guidanceScale: 'guidance_scale',
};

/**
 * Facts the node's table states but the contract does not document (fixture value null). They are
 * not compared until the contract has them; the list makes sure no other fact slips out of the check.
 */
const UNDOCUMENTED = [
	'doubao-seedream-3-0-t2i-250415 pixelRange',
	'doubao-seededit-3-0-i2i-250628 pixelRange',
	'doubao-seededit-3-0-i2i-250628 maxReferenceImages',
];

const sorted = (values: readonly string[]) => [...values].sort();

function pairs(): Array<[string, ModelCapabilities, ContractModel]> {
	return CONTRACT_MODELS.map((fixture) => {
		const node = MODELS.find((model) => model.id === fixture.id);
		return [fixture.id, node!, fixture];
	});
}

describe('the node capability table agrees with the contract fixture', () => {
	it('lists the same models, in the order the API lists them (§1.3)', () => {
		expect(MODELS.map((model) => model.id)).toEqual(CONTRACT_MODELS.map((model) => model.id));
	});

	it('leaves out only the facts the contract does not document', () => {
		const gaps = CONTRACT_MODELS.flatMap((model) => [
			...(model.pixels === null ? [`${model.id} pixelRange`] : []),
			...(model.maxReferences === null ? [`${model.id} maxReferenceImages`] : []),
		]);
		expect(gaps).toEqual(UNDOCUMENTED);
	});

	describe.each(pairs())('%s', (_id, node, fixture) => {
		it('names: older ids, aliases, retired (§1.3)', () => {
			expect({
				olderIds: node.alternateIds,
				aliases: sorted(node.aliases),
				retired: node.legacy,
			}).toEqual({
				olderIds: fixture.olderIds,
				aliases: sorted(fixture.aliases),
				retired: fixture.retired,
			});
		});

		it('sizes: presets, WxH, pixel range, aspect ratio (§1.5, §4)', () => {
			expect(sorted(node.sizePresets)).toEqual(sorted(fixture.presets));
			// §1.4: every model takes an explicit WxH.
			expect(node.customSize).toBe(true);
			expect(node.maxAspectRatio).toBe(fixture.maxAspectRatio);
			if (fixture.pixels) expect(node.pixelRange).toEqual(fixture.pixels);
		});

		it('reference images: how many, and whether one is required (§1.5, §4)', () => {
			if (fixture.maxReferences !== null)
				expect(node.maxReferenceImages).toBe(fixture.maxReferences);
			expect(node.requiresReferenceImage).toBe(fixture.requiresReference);
		});

		it('model-dependent fields and prompt optimisation modes (§1.5)', () => {
			expect(sorted(node.features.map((feature) => FIELD_OF[feature]))).toEqual(
				sorted(fixture.fields),
			);
			expect(sorted(node.optimizePromptModes)).toEqual(sorted(fixture.optimizeModes));
		});

		it('layer decomposition sizes (§1.5)', () => {
			expect(sorted(node.layerDecompositionSizes)).toEqual(sorted(fixture.decompositionSizes));
		});

		it('legacy numeric parameters: ranges and defaults (§1.4 rule 9, §1.5)', () => {
			// The node's range check relies on a range being there exactly when the feature is.
			expect(node.seed !== undefined).toBe(node.features.includes('seed'));
			expect(node.guidanceScale !== undefined).toBe(node.features.includes('guidanceScale'));
			expect({ seed: node.seed, guidanceScale: node.guidanceScale }).toEqual({
				seed: fixture.seed,
				guidanceScale: fixture.guidanceScale,
			});
		});
	});

	it('the limits common to every model (§1.4, §2.4, §4)', () => {
		const shared = Object.fromEntries(
			Object.keys(API_LIMITS).map((key) => [
				key,
				CONTRACT_LIMITS[key as keyof typeof CONTRACT_LIMITS],
			]),
		);
		expect(API_LIMITS).toEqual(shared);
	});
});
