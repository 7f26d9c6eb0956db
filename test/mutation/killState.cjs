// Mutation runs only: which mutant has already been killed in this Stryker worker process. Shared by
// the test environment (environment.cjs, which records a kill and skips the file's remaining tests)
// and the test runner (runner.cjs, which then starts no further test file). Both are loaded natively
// by Jest in the same process, since Stryker runs Jest in band.
let killed;

module.exports = {
	markKilled(mutant) {
		killed = mutant;
	},
	isKilled(mutant) {
		return mutant !== undefined && killed === mutant;
	},
};
