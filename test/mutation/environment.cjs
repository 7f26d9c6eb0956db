// Mutation runs only (stryker.config.mjs sets it as Jest's test environment; `npm test` never loads it).
// 1. Jest's own bail is switched off by Stryker, so every covering test would still run after the first
//    one that killed the mutant. This environment skips the rest of the mutant's tests in the file once
//    one has failed (the mutant is killed either way); runner.cjs then starts no further file.
// 2. Stryker refuses to start when a test fails in its initial run. The tests below assert wall-clock
//    behaviour (polling rounds within a time) that a busy machine breaks; they still run in `npm test`.
const { TestEnvironment } = require('jest-environment-node');

const { isKilled, markKilled } = require('./killState.cjs');

const WALL_CLOCK_TESTS = [
	'Submit and Poll Until Done polls all pending tasks in one retrieve_batch per round and emits binaries like sync, in input order',
];

class StopAtFirstKill extends TestEnvironment {
	async handleTestEvent(event) {
		if (event.name === 'test_start' && WALL_CLOCK_TESTS.includes(fullName(event.test))) {
			event.test.mode = 'skip';
			return;
		}
		// A skipped test gets no test_done, so Stryker's per-test coverage would charge everything that
		// runs next (the following files' module loading too) to it: end its turn here.
		if (event.name === 'test_skip') {
			const stryker = this.global[this.global.__strykerGlobalNamespace__ ?? '__stryker__'];
			if (stryker) stryker.currentTestId = undefined;
		}
		const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
		if (mutant === undefined) return;
		if (event.name === 'test_fn_failure' || event.name === 'hook_failure') markKilled(mutant);
		else if (event.name === 'test_start' && isKilled(mutant)) event.test.mode = 'skip';
	}
}

function fullName(test) {
	const names = [];
	for (let block = test; block && block.parent; block = block.parent) names.unshift(block.name);
	return names.join(' ');
}

module.exports = StopAtFirstKill;
