// Mutation runs only (stryker.config.mjs adds it to Jest's setupFilesAfterEnv; `npm test` never loads it).
// During Stryker's initial run it notes, per test file, the mutants that file's tests reached, so that
// testFiles.cjs can run each mutant against those files only. Without it, Jest would load all ~30 test
// files (n8n-core each time) for every mutant to apply Stryker's test-name filter.
/* global afterEach, afterAll, expect */
const { appendFileSync } = require('node:fs');

const namespace = globalThis.__strykerGlobalNamespace__ ?? '__stryker__';
const mapFile = process.env.SEEDREAM_MUTATION_MAP;
const context = globalThis[namespace];
const initialRun = mapFile && context && process.env.__STRYKER_ACTIVE_MUTANT__ === undefined;

if (initialRun) {
	// Set before the test file is loaded: its duration includes loading n8n (testFiles.cjs runs the
	// quickest files first).
	const started = Date.now();
	const names = new Set();
	afterEach(() => {
		names.add(expect.getState().currentTestName);
	});
	afterAll(() => {
		const coverage = context.mutantCoverage ?? {};
		const mutants = new Set();
		for (const name of names) for (const id of Object.keys(coverage.perTest?.[name] ?? {})) mutants.add(id);
		const record = {
			file: expect.getState().testPath,
			mutants: [...mutants],
			staticMutants: Object.keys(coverage.static ?? {}),
			ms: Date.now() - started,
		};
		appendFileSync(mapFile, `${JSON.stringify(record)}\n`);
	});
}
