// Mutation testing (`npm run test:mutation`, docs/mutation-testing.md): how strong the unit and
// integration tests are on the code where a bug costs money (a paid task lost, a create request
// sent twice) or loses data (an image not stored, a callback that resumes twice or never).
// Runs outside CI.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// Which test files reached which mutant in the initial run (test/mutation/recordCoverage.cjs), read by
// the test sequencer (test/mutation/testFiles.cjs). Stryker's worker processes inherit the variable.
if (!process.env.SEEDREAM_MUTATION_MAP) {
	process.env.SEEDREAM_MUTATION_MAP = resolve('reports/mutation/test-files.jsonl');
	mkdirSync(dirname(process.env.SEEDREAM_MUTATION_MAP), { recursive: true });
	rmSync(process.env.SEEDREAM_MUTATION_MAP, { force: true });
}
// Time per mutant and test file (test/mutation/runner.cjs).
if (!process.env.SEEDREAM_MUTATION_TIMING) {
	process.env.SEEDREAM_MUTATION_TIMING = resolve('reports/mutation/timing.jsonl');
	rmSync(process.env.SEEDREAM_MUTATION_TIMING, { force: true });
}

/** Jest's unit/integration set minus the suites that exercise none of these modules. */
const ignoredSuites = [
	'/node_modules/',
	'/test/e2e/', // real n8n
	'/test/ui/', // real n8n in Chromium
	'/test/scale/', // real n8n in queue mode
	'/test/mock/', // the mock API alone
	'/test/scripts/', // the n8n installer
	'/test/docs/', // README drift: a frozen copy, not behaviour (see docs/mutation-testing.md)
	'/test/release/', // the package, workflows and publish guard: none of the mutated modules
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	packageManager: 'npm',
	testRunner: 'jest',
	jest: {
		projectType: 'custom',
		configFile: 'jest.config.js',
		config: {
			testPathIgnorePatterns: ignoredSuites,
			setupFilesAfterEnv: ['<rootDir>/test/mutation/recordCoverage.cjs'],
			testSequencer: '<rootDir>/test/mutation/testFiles.cjs',
			// Starts no further test file once the mutant is killed (test/mutation/runner.cjs).
			runner: '<rootDir>/test/mutation/runner.cjs',
			// Stryker's environment wrapper resolves this from the project folder; it does not expand <rootDir>.
			testEnvironment: './test/mutation/environment.cjs',
		},
		// Jest's related-test search sees only test/ (its roots) and would miss most suites.
		enableFindRelatedTests: false,
	},
	coverageAnalysis: 'perTest',
	mutate: [
		// The transport, except the adaptive limiter: it decides how many requests run at once, not
		// whether a paid create is repeated or an image lost (docs/mutation-testing.md).
		'nodes/Seedream/transport/**/*.ts',
		'!nodes/Seedream/transport/adaptiveConcurrency.ts',
		'nodes/Seedream/shared/taskState.ts',
		'nodes/Seedream/shared/taskResult.ts',
		'nodes/Seedream/shared/taskIds.ts',
		'nodes/Seedream/jobs/imageRequest.ts',
		'nodes/Seedream/jobs/callbackStore.ts',
		'nodes/Seedream/capabilities.ts',
		// The trigger's secret and repeat checks only: secretsMatch, claim, and webhook() up to the
		// point where a callback has been accepted and marked seen (the output shaping after it is not).
		'nodes/Seedream/shared/webhook.ts:11-16',
		'nodes/SeedreamTrigger/SeedreamTrigger.node.ts:28-37',
		'nodes/SeedreamTrigger/SeedreamTrigger.node.ts:115-172',
	],
	// Four Jest processes on 2 cores: much of a mutant run waits on the mock API and on retry and poll
	// timers (a worker uses about half a core), so two would leave the cores idle.
	concurrency: 4,
	// The initial run is the whole selected set with coverage; on a busy machine it takes minutes.
	dryRunTimeoutMinutes: 30,
	// Stryker's time limit for a mutant counts only the covering tests' time, not loading each test
	// file (n8n-core, several seconds on a busy machine): with a small margin, a mutant that survives
	// 20 files was reported as "timed out", i.e. killed. A mutant that hangs a test is failed by Jest's
	// 30-second test timeout first, so the generous margin costs little.
	timeoutMS: 120000,
	// Only what the sandbox needs; the rest (builds, caches, the real-n8n suites) stays out of it.
	ignorePatterns: [
		'dist',
		'.build',
		'.n8n-cache',
		'coverage',
		'demo-output',
		'reports',
		'docs/images',
		'test/e2e',
		'test/ui',
		'test/scale',
		'*.tgz',
	],
	tempDirName: '.stryker-tmp',
	cleanTempDir: 'always',
	// Re-runs test only the mutants whose code or covering tests changed.
	incremental: true,
	incrementalFile: 'reports/mutation/incremental.json',
	plugins: ['@stryker-mutator/jest-runner', './test/mutation/survivorLog.mjs'],
	reporters: ['clear-text', 'progress', 'html', 'json', 'survivor-log'],
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
	thresholds: { high: 90, low: 80, break: 90 },
};
