// Mutation runs only: which mutant has already been killed in this Stryker worker process. Shared by
// the test environment (environment.cjs, which records a kill and skips the file's remaining tests)
// and the test runner (runner.cjs, which then starts no further test file). Kept on `process`, not in
// this module: Stryker loads the environment from the project folder and Jest loads the runner from
// the sandbox, so each has its own copy of this module (both run in the same process, in band).
const KILLED = Symbol.for('n8n-nodes-seedream.mutation.killedMutant');

module.exports = {
	markKilled(mutant) {
		process[KILLED] = mutant;
	},
	isKilled(mutant) {
		return mutant !== undefined && process[KILLED] === mutant;
	},
};
