import {
	API_LIMITS,
	DEFAULT_MODEL_ID,
	findModel,
	MODELS,
	supports,
	type ModelCapabilities,
} from '../capabilities';

/**
 * What an AI agent reads about the Seedream tool: the tool description and the descriptions of
 * its `$fromAI()` arguments. All of it is written from the capability table, so a model or a
 * size added there reaches every agent without a second edit (test/nodes/Seedream/tool.test.ts
 * checks that the shipped examples use exactly these texts). The texts go inside single-quoted
 * `$fromAI('key', '…')` calls, so they hold no quotes or backslashes.
 */

/** Models an agent may pick: the current ones (legacy models may already be gone, contract §1.3). */
export function agentModels(): ModelCapabilities[] {
	return MODELS.filter((model) => !model.legacy && !model.requiresReferenceImage);
}

const count = (value: number) => value.toLocaleString('en-US');

/** "2K, 3K, 4K or WIDTHxHEIGHT with 3,686,400 to 16,777,216 pixels" for one model. */
function sizesOf(model: ModelCapabilities): string {
	const custom = model.customSize
		? `WIDTHxHEIGHT with ${count(model.pixelRange.min)} to ${count(model.pixelRange.max)} pixels`
		: '';
	return [model.sizePresets.join(', '), custom].filter(Boolean).join(' or ');
}

/** Every name an agent may use for a model: its id, older ids, aliases. */
function namesOf(model: ModelCapabilities): string {
	const others = [...model.alternateIds, ...model.aliases];
	return others.length ? `${model.id} (also ${others.join(', ')})` : model.id;
}

function setModels(): string[] {
	return agentModels()
		.filter((model) => supports(model, 'imageSet'))
		.map((model) => model.id);
}

/**
 * Descriptions of the tool's `$fromAI()` arguments, by argument key. With `fixedModel` (a tool
 * whose Model is set in the workflow) the size text names that model's sizes only.
 */
export function toolArgumentDescriptions(
	fixedModel?: string,
): Record<'prompt' | 'model' | 'size' | 'max_images' | 'task_ids', string> {
	const fixed = fixedModel === undefined ? undefined : findModel(fixedModel);
	const sizeModels = fixed ? [fixed] : agentModels();
	return {
		prompt:
			'What the image shows: subject, setting, style, lighting and any text to render. Name the aspect ratio here (e.g. 16:9 banner); size only sets the resolution.',
		model: `Seedream model id or alias: ${agentModels().map(namesOf).join('; ')}. Default ${DEFAULT_MODEL_ID}.`,
		size: `Resolution; valid values ${fixed ? 'for' : 'depend on'} the model: ${sizeModels
			.map((model) => `${model.id}: ${sizesOf(model)}`)
			.join('; ')}. WIDTHxHEIGHT such as 2560x1440 sets the aspect ratio too (at most 1:${API_LIMITS.maxAspectRatio}); a preset is square unless the prompt names a ratio.`,
		max_images: `How many images to make: 1 for one image, 2 to ${API_LIMITS.maxImagesPerSet} for a set of related images with shared characters and style (the model may return fewer). Sets work with ${setModels().join(', ')} only.`,
		task_ids:
			'Task IDs returned by the Seedream image tool with status pending, comma-separated (up to 50). The answer lists the images of each finished task.',
	};
}

/**
 * The description of the image tool, for the node's tool variant and the examples. `model`: the
 * Model is set in the workflow (only its sizes are named); `submitOnly`: the tool runs in Submit
 * Only mode (answers with task ids to collect later).
 */
export function toolDescription({
	model,
	submitOnly = false,
}: { model?: string; submitOnly?: boolean } = {}): string {
	const fixed = model === undefined ? undefined : findModel(model);
	const models = fixed
		? `Model ${fixed.id}; sizes ${sizesOf(fixed)}`
		: `Models and the sizes each accepts: ${agentModels()
				.map((entry) => `${namesOf(entry)}: sizes ${sizesOf(entry)}`)
				.join('; ')}`;
	const answer = submitOnly
		? [
				'Starts a ByteDance Seedream image job from a text prompt and answers at once with JSON {status: pending, task_id, model}; pass the task_id to the Seedream task tool to get the image URLs when the job is done.',
				'Use it for slow jobs (Seedream 5.0 Pro takes about 2 min per image, image sets longer) that would outlast a tool call.',
			]
		: [
				'Creates images with ByteDance Seedream from a text prompt and returns JSON with the image URLs: {status, task_id, model, image_count, images: [{url, size}]}, never image data.',
				'It waits until the images exist (about 20 s to 2 min; Seedream 5.0 Pro about 2 min per image).',
			];
	return [
		...answer,
		`${models}.`,
		'On bad input it returns an error saying which values are valid, and nothing is paid; on a failed job the reason and the task_id. Call it once per image or image set.',
	].join(' ');
}

/** The description of the task tool (Task → Wait for Completion) in the examples. */
export function taskToolDescription(): string {
	return 'Collects the images of Seedream jobs started earlier (status pending): pass their task_ids. Waits until they finish and returns JSON per task: {status: succeeded, task_id, model, image_count, images: [{url, size}]}, or status failed with the reason, or status pending when still running (call it again later).';
}
