/**
 * Which end-to-end test file runs which shipped example, without a list that goes stale: a test
 * file that runs examples declares them with `claimExamples([...])` (a literal list, so the
 * examples suite can read every file's claim from its source without running it) and names each
 * test of an example with `exampleTest('<file>.json', …)`. The examples suite then checks that
 * every file in examples/ is claimed by exactly one test file, which has a test for it.
 * Examples are only ever loaded as shipped (`shippedExample`): a test cannot patch one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const REPO_DIR = resolve(__dirname, '..', '..');
export const EXAMPLES_DIR = join(REPO_DIR, 'examples');
const TEST_DIR = join(REPO_DIR, 'test');

/** The claim of one test file: `exampleTest` accepts only the files it lists. */
export function claimExamples(files: readonly string[]) {
	const claimed = new Set(files);
	return {
		/** A test of a claimed example; its title starts with the example's file name. */
		exampleTest(file: string, title: string, fn: () => Promise<void>, timeoutMs?: number): void {
			if (!claimed.has(file)) throw new Error(`${file} is not in this test file's claimExamples([...])`);
			it(`${file}: ${title}`, fn, timeoutMs);
		},
	};
}

/** An example exactly as shipped, frozen: what `n8n import:workflow` gets from the file. */
export function shippedExample(file: string): Readonly<Record<string, unknown>> {
	const freeze = <T>(value: T): T => {
		if (value && typeof value === 'object') {
			Object.values(value).forEach(freeze);
			Object.freeze(value);
		}
		return value;
	};
	return freeze(JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<string, unknown>);
}

function testFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return testFiles(path);
		return entry.name.endsWith('.test.ts') ? [path] : [];
	});
}

const CLAIM = /claimExamples\(\s*\[([^\]]*)\]/g;
const EXAMPLE_TEST = /exampleTest\(\s*['"`]([^'"`]+\.json)['"`]/g;
const quoted = (text: string) => [...text.matchAll(/['"`]([^'"`]+)['"`]/g)].map((match) => match[1]);

/**
 * What is wrong with the examples' coverage, in words (empty when every file in examples/ is
 * claimed by exactly one test file that has an `exampleTest` for it, and every claim names a file
 * that exists).
 */
export function exampleCoverageProblems(): string[] {
	const examples = readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json'));
	const claims = new Map<string, string[]>();
	const tested = new Map<string, Set<string>>();
	for (const path of testFiles(TEST_DIR)) {
		const source = readFileSync(path, 'utf8');
		const file = relative(REPO_DIR, path);
		for (const match of source.matchAll(CLAIM)) {
			for (const example of quoted(match[1])) claims.set(example, [...(claims.get(example) ?? []), file]);
		}
		tested.set(file, new Set([...source.matchAll(EXAMPLE_TEST)].map((match) => match[1])));
	}
	const problems: string[] = [];
	for (const example of examples) {
		const by = claims.get(example) ?? [];
		if (by.length === 0) problems.push(`examples/${example} is claimed by no test file: add it to a claimExamples([...]) and give it an exampleTest`);
		if (by.length > 1) problems.push(`examples/${example} is claimed by ${by.length} test files: ${by.join(', ')}`);
		for (const file of by) {
			if (!tested.get(file)?.has(example)) problems.push(`${file} claims examples/${example} but has no exampleTest('${example}', …)`);
		}
	}
	for (const [example, by] of claims) {
		if (!examples.includes(example)) problems.push(`${by.join(', ')} claims examples/${example}, which does not exist`);
	}
	return problems;
}
