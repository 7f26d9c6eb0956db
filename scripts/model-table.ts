/**
 * Renders README's per-model parameter table from the capability table, so the docs cannot drift
 * from what the UI shows and the validation checks. `node .build/scripts/model-table.js` prints it;
 * test/docs/modelTable.test.ts fails when README's copy differs.
 */
import {
	API_LIMITS,
	GENERIC_CAPABILITIES,
	MODELS,
	supports,
	type ModelCapabilities,
	type ModelFeature,
} from '../nodes/Seedream/capabilities';

export const TABLE_START = '<!-- model-table:start -->';
export const TABLE_END = '<!-- model-table:end -->';

const YES = '✔';
const NO = '—';

function thousands(value: number): string {
	return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function code(values: string[]): string {
	return values.map((value) => `\`${value}\``).join(', ');
}

function feature(name: ModelFeature, detail = ''): (model: ModelCapabilities) => string {
	return (model) => (supports(model, name) ? `${YES}${detail}` : NO);
}

interface Row {
	parameter: string;
	cell: (model: ModelCapabilities) => string;
}

const ROWS: Row[] = [
	{
		parameter: '`model` sent',
		cell: (model) => (model.id ? `\`${model.id}\`` : 'as typed'),
	},
	{
		parameter: 'Alias (mapped to the id above)',
		cell: (model) => code(model.aliases) || NO,
	},
	{
		parameter: 'Older id (sent as is)',
		cell: (model) => code(model.alternateIds) || NO,
	},
	{
		parameter: '`size` presets',
		cell: (model) => (model.sizePresets.length ? model.sizePresets.join(', ') : 'none (`WxH` only)'),
	},
	{
		parameter: '`size` as `WxH`: pixels (width × height)',
		cell: (model) =>
			model.customSize
				? `${thousands(model.pixelRange.min)} – ${thousands(model.pixelRange.max)}, aspect ≤ 1:${model.maxAspectRatio}`
				: NO,
	},
	{
		parameter: 'Reference images (`image`)',
		cell: (model) =>
			model.maxReferenceImages === 0
				? NO
				: model.requiresReferenceImage
					? `required, ${model.maxReferenceImages === 1 ? 'exactly 1' : `1–${model.maxReferenceImages}`}`
					: `up to ${model.maxReferenceImages}`,
	},
	{
		parameter: 'Image set (`sequential_image_generation`, `max_images`)',
		cell: feature('imageSet', ` 1–${API_LIMITS.maxImagesPerSet}, references + images ≤ ${API_LIMITS.maxReferencePlusGenerated}`),
	},
	{ parameter: 'Streaming (`stream`)', cell: feature('stream') },
	{ parameter: '`output_format` (jpeg, png)', cell: feature('outputFormat') },
	{ parameter: 'Web search (`tools`)', cell: feature('webSearch') },
	{
		parameter: 'Prompt optimization (`optimize_prompt_options.mode`)',
		cell: (model) =>
			supports(model, 'optimizePrompt') && model.optimizePromptModes.length
				? model.optimizePromptModes.join(', ')
				: NO,
	},
	{
		parameter: '`background` (Edit, one PNG reference)',
		cell: feature('background', ' transparent (PNG output), opaque'),
	},
	{
		parameter: '`layer_decomposition` (Decompose Layers)',
		cell: (model) =>
			supports(model, 'layerDecomposition')
				? `${YES} sizes ${model.layerDecompositionSizes.join(', ')}`
				: NO,
	},
	{
		parameter: '`seed`',
		cell: (model) =>
			supports(model, 'seed') && model.seed
				? `${model.seed.min} – ${thousands(model.seed.max)}, default ${model.seed.default}`
				: NO,
	},
	{
		parameter: '`guidance_scale`',
		cell: (model) =>
			supports(model, 'guidanceScale') && model.guidanceScale
				? `${model.guidanceScale.min} – ${model.guidanceScale.max}, default ${model.guidanceScale.default}`
				: NO,
	},
	{ parameter: '`response_format` (url, b64_json), `watermark`', cell: () => YES },
	{ parameter: 'Modes: one call, submit and poll, submit only', cell: () => YES },
];

/** The Markdown table: one column per model (legacy ones marked), plus the custom model id. */
export function renderModelTable(): string {
	const columns: Array<{ title: string; model: ModelCapabilities }> = [
		...MODELS.map((model) => ({ title: model.displayName, model })),
		{ title: 'Custom model ID', model: GENERIC_CAPABILITIES },
	];
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
	return [
		line(['Parameter', ...columns.map((column) => column.title)]),
		line(['---', ...columns.map(() => '---')]),
		...ROWS.map((row) => line([row.parameter, ...columns.map((column) => row.cell(column.model))])),
	].join('\n');
}

/** The README section between the markers, exactly as it should read. */
export function renderModelSection(): string {
	return `${TABLE_START}\n${renderModelTable()}\n${TABLE_END}`;
}

if (require.main === module) {
	process.stdout.write(`${renderModelSection()}\n`);
}
