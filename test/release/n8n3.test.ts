/**
 * Ready for n8n 3.x, shown from the source (n8n 3.x ships only as a Docker image; these machines
 * run 2.41.1 and 1.122.5). Each item of n8n-docs `docs/changelog/v30-breaking-changes.md` that could
 * touch this package, checked against what we ship and what we tell users to build
 * (docs/compatibility.md has the full list, including the items that need no test):
 * - nodes API version: n8n 3.x raises N8N_NODES_API_VERSION to 3 and still loads packages that
 *   declare 1 (n8n-io/n8n#38567); 1.x and 2.x refuse a package that declares more than 1;
 * - removed helpers: `$getPairedItem`, the Code node's `$evaluateExpression()`, and the request
 *   helpers n8n deprecated long ago (`helpers.request*`);
 * - the in-memory binary data mode is gone: binaries are read through getBinaryDataBuffer (any
 *   mode), never from an item's base64 `data`;
 * - manual executions always run on workers in queue mode: node code keeps no process state
 *   between executions and reads no environment (lint and npm run verify check the latter);
 * - removed nodes (Function, Function Item, Item Lists, AI Transform, LangChain Code, AI Agent v1)
 *   and Execute Workflow's "Run once for each item" mode: none in the examples, the queue-mode
 *   workflows (the hand-off recipe) or the docs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { handoff, scaleWorkflows, type WorkflowNode } from '../scale/workflows';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function filesUnder(dir: string, test: (path: string) => boolean): string[] {
	return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return filesUnder(path, test);
		return test(path) ? [path] : [];
	});
}

/** What 3.0 removes, as it would appear in node code. */
const REMOVED_IN_CODE: Array<[RegExp, string]> = [
	[/\$getPairedItem\b/, '$getPairedItem (removed expression helper)'],
	[/\$evaluateExpression\s*\(/, "the Code node's $evaluateExpression()"],
	[/\bhelpers\.(request|requestWithAuthentication|requestOAuth1|requestOAuth2)\s*(\(|\.call\b)/, 'the deprecated request helpers'],
	[/Buffer\.from\([^)]*\.data\b[^)]*['"]base64['"]\)/, "an item's in-memory base64 binary data (getBinaryDataBuffer reads every mode)"],
	[/\bBINARY_ENCODING\b/, "an item's in-memory base64 binary data"],
	[/OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS|N8N_DEFAULT_BINARY_DATA_MODE/, 'an n8n setting 3.0 removes or changes'],
];

/** Node types 3.0 removes; AI Agent only in version 1. */
const REMOVED_NODES = new Set([
	'n8n-nodes-base.function',
	'n8n-nodes-base.functionItem',
	'n8n-nodes-base.itemLists',
	'n8n-nodes-base.aiTransform',
	'@n8n/n8n-nodes-langchain.code',
]);

type Node = Pick<WorkflowNode, 'name' | 'type' | 'typeVersion' | 'parameters'>;

function workflowProblems(where: string, nodes: Node[]): string[] {
	const problems: string[] = [];
	for (const node of nodes) {
		if (REMOVED_NODES.has(node.type)) problems.push(`${where}: ${node.name} is a ${node.type} node, removed in n8n 3.0`);
		if (node.type === '@n8n/n8n-nodes-langchain.agent' && node.typeVersion < 2) problems.push(`${where}: ${node.name} is AI Agent v1, removed in n8n 3.0`);
		if (node.type === 'n8n-nodes-base.executeWorkflow' && node.parameters.mode !== 'once') {
			problems.push(`${where}: ${node.name} runs Execute Workflow in mode "${String(node.parameters.mode ?? 'once (default)')}"; n8n 3.0 keeps only "Run once with all items" (mode: once, set it explicitly)`);
		}
		const code = JSON.stringify(node.parameters);
		for (const [pattern, what] of REMOVED_IN_CODE.slice(0, 2)) if (pattern.test(code)) problems.push(`${where}: ${node.name} uses ${what}`);
	}
	return problems;
}

describe('n8n 3.x readiness (v30 breaking changes)', () => {
	it('declares nodes API version 1: loads on 1.x and 2.x (which refuse more) and on 3.x (which accepts up to 3)', () => {
		expect((JSON.parse(read('package.json')) as { n8n: { n8nNodesApiVersion: number } }).n8n.n8nNodesApiVersion).toBe(1);
	});

	it('shipped code uses nothing 3.0 removes', () => {
		const sources = [...filesUnder('nodes', (path) => path.endsWith('.ts')), ...filesUnder('credentials', (path) => path.endsWith('.ts'))];
		expect(sources.length).toBeGreaterThan(20);
		const problems = sources.flatMap((path) =>
			REMOVED_IN_CODE.filter(([pattern]) => pattern.test(read(path))).map(([, what]) => `${path}: ${what}`),
		);
		expect(problems).toEqual([]);
		// Reference images from a previous node are read in every binary mode, not from item JSON.
		expect(read('nodes/Seedream/jobs/references.ts')).toContain('helpers.getBinaryDataBuffer(');
	});

	it('the example workflows use no removed node or mode', () => {
		const examples = filesUnder('examples', (path) => path.endsWith('.json'));
		expect(examples.length).toBeGreaterThan(5);
		const problems = examples.flatMap((path) => workflowProblems(path, (JSON.parse(read(path)) as { nodes: Node[] }).nodes));
		expect(problems).toEqual([]);
	});

	it('the queue-mode workflows, the hand-off recipe included, use Execute Workflow in "Run once with all items"', () => {
		const workflows = { ...scaleWorkflows(0, '/nonexistent'), handoffParent: handoff('child') };
		const executeWorkflow = Object.values(workflows).flatMap((workflow) => workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.executeWorkflow'));
		expect(executeWorkflow.length).toBeGreaterThan(0);
		expect(Object.entries(workflows).flatMap(([name, workflow]) => workflowProblems(name, workflow.nodes))).toEqual([]);
	});

	it('README and docs do not recommend what 3.0 removes', () => {
		const problems: string[] = [];
		for (const path of ['README.md', ...filesUnder('docs', (file) => file.endsWith('.md'))]) {
			read(path)
				.split('\n')
				.forEach((line, index) => {
					// A line that tells of the removal (docs/compatibility.md) recommends nothing.
					if (/\b(removed|loses|no longer)\b/i.test(line)) return;
					if (/execute workflow/i.test(line) && /(run )?once for each item/i.test(line)) problems.push(`${path}:${index + 1}: Execute Workflow "Run once for each item"`);
					if (/N8N_DEFAULT_BINARY_DATA_MODE=default\b/.test(line)) problems.push(`${path}:${index + 1}: the in-memory binary mode`);
					if (/OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=/.test(line)) problems.push(`${path}:${index + 1}: OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS (removed)`);
				});
		}
		expect(problems).toEqual([]);
	});

	it('each check fires on what it forbids', () => {
		const node = (type: string, parameters: Record<string, unknown> = {}, typeVersion = 1): Node => ({ name: 'N', type, typeVersion, parameters });
		expect(workflowProblems('w', [node('n8n-nodes-base.executeWorkflow', { mode: 'each' })])).toEqual([expect.stringContaining('mode "each"')]);
		expect(workflowProblems('w', [node('n8n-nodes-base.executeWorkflow')])).toEqual([expect.stringContaining('once (default)')]);
		expect(workflowProblems('w', [node('n8n-nodes-base.functionItem')])).toEqual([expect.stringContaining('removed in n8n 3.0')]);
		expect(workflowProblems('w', [node('@n8n/n8n-nodes-langchain.agent', {}, 1)])).toEqual([expect.stringContaining('AI Agent v1')]);
		expect(workflowProblems('w', [node('n8n-nodes-base.code', { jsCode: 'return $getPairedItem()' })])).toEqual([expect.stringContaining('$getPairedItem')]);
		const inCode = (text: string) => REMOVED_IN_CODE.filter(([pattern]) => pattern.test(text)).length;
		expect(inCode("const bytes = Buffer.from(item.binary.data.data, 'base64');")).toBe(1);
		expect(inCode('await this.helpers.requestWithAuthentication.call(this, "x", {})')).toBe(1);
		expect(inCode('await context.helpers.getBinaryDataBuffer(itemIndex, property)')).toBe(0);
	});
});
