/**
 * What every shipped example must have to run as imported into a stock n8n (the end-to-end
 * examples suite runs them; this catches the mistakes before an n8n is started): the execution
 * order the editor gives new workflows, a setup note, and file paths inside the folder n8n 2.x
 * allows by default, relative to n8n's home folder. And no text sends users to the custom-data
 * keys the callback pause stores its task IDs in: the Task operations read them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '..', '..');
const examplesDir = join(repo, 'examples');
const files = readdirSync(examplesDir).filter((name) => name.endsWith('.json'));

interface Node {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	notes?: string;
}
const load = (file: string) =>
	JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as { settings?: { executionOrder?: string }; nodes: Node[] };

/** Every text file under a folder. */
function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
	);
}

describe('shipped examples', () => {
	it.each(files)('%s: execution order v1, a setup note, files only under .n8n-files/seedream/', (file) => {
		const workflow = load(file);
		expect(workflow.settings?.executionOrder).toBe('v1');
		const notes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(notes).toHaveLength(1);
		expect(String(notes[0].parameters.content)).toMatch(/credential/i);
		for (const node of workflow.nodes.filter((candidate) => candidate.type === 'n8n-nodes-base.readWriteFile')) {
			const path = String(node.parameters.fileName ?? node.parameters.fileSelector).replace(/^=/, '');
			expect([node.name, path]).toEqual([node.name, expect.stringMatching(/^\.n8n-files\/seedream\/[^/]+$/)]);
			// A setup note says where that folder is and that it must be created.
			expect(String(notes[0].parameters.content)).toMatch(/mkdir -p ~\/\.n8n-files\/seedream/);
		}
	});

	it('no example, node description or hint points users at the custom-data keys', () => {
		const texts = [
			...files.map((file) => join(examplesDir, file)),
			...sources(join(repo, 'nodes')).filter((path) => !path.endsWith('callbackStore.ts')),
		];
		const offenders = texts.filter((path) => /customData\.get\(|seedream_task_ids/.test(readFileSync(path, 'utf8')));
		expect(offenders).toEqual([]);
	});
});
