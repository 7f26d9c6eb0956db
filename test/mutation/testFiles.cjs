// Mutation runs only: Jest's test sequencer for stryker.config.mjs. For the mutant under test
// (Stryker names it in __STRYKER_ACTIVE_MUTANT__) it keeps the test files whose tests reached it in
// the initial run (recorded by recordCoverage.cjs); Stryker's own test-name filter then picks the tests
// inside them. A mutant of module-level code (a "static" mutant: the capability table, hint texts,
// code lists) is reached while any test file loads; it runs against STATIC_SUITES, the suites that check
// those tables and constants, not the whole set (see docs/mutation-testing.md).
const { existsSync, readFileSync, statSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const STATIC_SUITES = [
	'/test/contract/',
	'/test/nodes/Seedream/description.test.ts',
	'/test/nodes/Seedream/transport/',
	'/test/nodes/Seedream/shared/',
	'/test/nodes/Seedream/jobs/',
	'/test/nodes/Seedream/taskState.test.ts',
	'/test/nodes/Seedream/actions/image/validation.test.ts',
	'/test/nodes/SeedreamTrigger/',
	'/test/reliability/badInput.test.ts',
];

/**
 * How many of a mutant's covering test files run, quickest first. A mutant that survives runs every
 * file it gets, and the request path is reached by some 25 files, most of which start n8n-core and
 * the mock API: uncapped, a survivor costs minutes and a full run takes hours on 2 cores. The unit
 * suites, which come first, do almost all the killing; a mutant only a later file would kill is
 * reported as surviving, so the score is a lower bound. SEEDREAM_MUTATION_ALL_FILES=1 runs every
 * covering file (docs/mutation-testing.md).
 */
const QUICKEST_FILES = 6;
const ALL_FILES = process.env.SEEDREAM_MUTATION_ALL_FILES === '1';

let loaded = { mtimeMs: -1, files: new Map(), staticMutants: new Set(), durations: new Map() };

function coverageMap() {
	const mapFile = process.env.SEEDREAM_MUTATION_MAP;
	if (!mapFile || !existsSync(mapFile)) return undefined;
	const { mtimeMs } = statSync(mapFile);
	if (mtimeMs !== loaded.mtimeMs) {
		const files = new Map();
		const staticMutants = new Set();
		const durations = new Map();
		for (const line of readFileSync(mapFile, 'utf8').split('\n')) {
			if (!line.trim()) continue;
			const record = JSON.parse(line);
			durations.set(relativePath(record.file), record.ms);
			for (const id of record.staticMutants) staticMutants.add(id);
			for (const id of record.mutants) {
				if (!files.has(id)) files.set(id, new Set());
				files.get(id).add(relativePath(record.file));
			}
		}
		loaded = { mtimeMs, files, staticMutants, durations };
	}
	return loaded;
}

const inN8n = new Map();

/** 1 for a suite that runs the node through n8n-core (the test helpers that start it), else 0. */
function runsInN8n(path) {
	if (!inN8n.has(path)) {
		inN8n.set(
			path,
			/helpers\/(seedream|n8n|callback)['"]/.test(readFileSync(path, 'utf8')) ? 1 : 0,
		);
	}
	return inN8n.get(path);
}

function relativePath(path) {
	return path.replace(/^.*?\/test\//, '/test/');
}

class MutantTestFiles extends Sequencer {
	sort(tests) {
		const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
		const map = mutant === undefined ? undefined : coverageMap();
		if (!map) return super.sort(tests);
		// Unit suites before the ones that run the node in n8n-core against the mock API, each group
		// quickest first (durations of the initial run, which a busy machine blurs, hence the groups),
		// so a kill comes early: runner.cjs then starts no further file.
		const relative = (test) => relativePath(test.path);
		const duration = (test) => map.durations.get(relative(test)) ?? Number.MAX_SAFE_INTEGER;
		const sorted = [...tests].sort(
			(a, b) => runsInN8n(a.path) - runsInN8n(b.path) || duration(a) - duration(b),
		);
		const files = map.files.get(mutant) ?? new Set();
		const isStatic = map.staticMutants.has(mutant);
		if (!isStatic && files.size === 0) return sorted;
		const selected = sorted.filter(
			(test) =>
				files.has(relative(test)) ||
				(isStatic && STATIC_SUITES.some((suite) => relative(test).startsWith(suite))),
		);
		// A static mutant has no per-test coverage: it gets every static suite, since only some of them
		// check the table or constant it changed (the quickest six often check none).
		return ALL_FILES || isStatic ? selected : selected.slice(0, QUICKEST_FILES);
	}
}

module.exports = MutantTestFiles;
