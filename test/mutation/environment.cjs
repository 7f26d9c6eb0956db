// Mutation runs only (stryker.config.mjs sets it as Jest's test environment; `npm test` never loads it).
// Jest's own bail is switched off by Stryker, so every covering test would still run after the first one
// that killed the mutant. This environment skips the rest of the mutant's tests, across test files (they
// run in one process, in band), once one has failed: the mutant is killed either way.
const { TestEnvironment } = require('jest-environment-node');

let killed;

class StopAtFirstKill extends TestEnvironment {
	async handleTestEvent(event) {
		const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
		if (mutant === undefined) return;
		if (event.name === 'test_fn_failure' || event.name === 'hook_failure') killed = mutant;
		else if (event.name === 'test_start' && killed === mutant) event.test.mode = 'skip';
	}
}

module.exports = StopAtFirstKill;
