/** README's per-model parameter table must be exactly what the capability table renders. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MODELS } from '../../nodes/Seedream/capabilities';
import { renderModelTable, TABLE_END, TABLE_START } from '../../scripts/model-table';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README model table', () => {
	it('has the generated table between its markers, unchanged (regenerate: node .build/scripts/model-table.js)', () => {
		const start = readme.indexOf(TABLE_START);
		const end = readme.indexOf(TABLE_END);
		expect({ start: start >= 0, end: end > start }).toEqual({ start: true, end: true });
		const section = readme.slice(start + TABLE_START.length, end).trim();
		expect(section).toBe(renderModelTable());
	});

	it('renders a column for every model and a row for every parameter the table varies', () => {
		const [header, , ...rows] = renderModelTable().split('\n');
		for (const model of MODELS) expect(header).toContain(model.displayName);
		const parameters = rows.map((row) => row.split(' | ')[0]);
		for (const name of ['size', 'max_images', 'stream', 'output_format', 'tools', 'optimize_prompt_options.mode', 'background', 'layer_decomposition', 'seed', 'guidance_scale', 'response_format', 'watermark']) {
			expect(parameters.some((parameter) => parameter.includes(`\`${name}`) || parameter.includes(`${name}\``))).toBe(true);
		}
	});
});
