// Mutation runs only (stryker.config.mjs sets it as Jest's test runner; `npm test` never loads it).
// Jest's in-band runner, one test file at a time, that starts no further file once the active mutant
// has been killed. Skipping the remaining tests (environment.cjs) is not enough: each file would still
// be loaded, with n8n-workflow and n8n-core (700–1,800 modules), before its tests are skipped. A mutant
// reached by 20 files and killed in the first one would pay for 19 more module loads.
const TestRunner = require('jest-runner').default;

const { isKilled } = require('./killState.cjs');

class StopAfterKill extends TestRunner {
	async runTests(tests, watcher, options) {
		if (!options.serial) return await super.runTests(tests, watcher, options);
		for (const test of tests) {
			// Files never started leave no result: Stryker reads the failed test of the killing file.
			if (isKilled(process.env.__STRYKER_ACTIVE_MUTANT__)) return;
			await super.runTests([test], watcher, options);
		}
	}
}

module.exports = StopAfterKill;
