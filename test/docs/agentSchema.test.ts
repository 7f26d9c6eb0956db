/**
 * README's AI section shows the schema an agent sees. Its parameter descriptions are generated from the capability
 * table, so the copy in the README must be exactly what the generator writes today (a new model or preset that the
 * README does not show fails here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { toolArgumentDescriptions } from '../../nodes/Seedream/descriptions/tool.description';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README AI section', () => {
	it('shows the Generate_Image schema with the descriptions the node generates', () => {
		const block = /`Generate_Image` takes:\n\n```json\n([\s\S]*?)\n```/.exec(readme);
		expect(block).not.toBeNull();
		const schema = JSON.parse(block![1]) as { required: string[]; properties: Record<string, { description: string }> };
		const generated = toolArgumentDescriptions();
		expect(schema.required).toEqual(['prompt']);
		expect(Object.keys(schema.properties).sort()).toEqual(['max_images', 'model', 'prompt', 'size']);
		for (const key of ['prompt', 'model', 'size', 'max_images'] as const) {
			expect(schema.properties[key].description).toBe(generated[key]);
		}
	});
});
