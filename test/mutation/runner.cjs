// Mutation runs only (stryker.config.mjs sets it as Jest's test runner; `npm test` never loads it).
// Jest's in-band runner, one test file at a time, that starts no further file once the active mutant
// has been killed. Skipping the remaining tests (environment.cjs) is not enough: each file would still
// be loaded, with n8n-workflow and n8n-core (700–1,800 modules), before its tests are skipped. A mutant
// reached by 20 files and killed in the first one would pay for 19 more module loads.
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');

const TestRunner = require('jest-runner').default;

const { isKilled } = require('./killState.cjs');

/** Where each mutant's time per test file goes, to see what a run spends its time on. */
const TIMING_LOG = process.env.SEEDREAM_MUTATION_TIMING;

class StopAfterKill extends TestRunner {
	async runTests(tests, watcher, options) {
		if (!options.serial) return await super.runTests(tests, watcher, options);
		const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
		for (const test of tests) {
			// Files never started leave no result: Stryker reads the failed test of the killing file.
			if (isKilled(mutant)) return;
			const started = Date.now();
			await super.runTests([test], watcher, options);
			if (TIMING_LOG && mutant !== undefined) {
				const file = relative(test.context.config.rootDir, test.path);
				const record = { mutant, file, ms: Date.now() - started, killed: isKilled(mutant) };
				appendFileSync(TIMING_LOG, `${JSON.stringify(record)}\n`);
			}
		}
	}
}

module.exports = StopAfterKill;
