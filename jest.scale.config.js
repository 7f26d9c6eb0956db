/** Queue-mode tests: Postgres, Redis and several real n8n processes (scripts/n8n/cluster.cjs). */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/scale'],
	testMatch: ['**/*.scale.test.ts'],
	testTimeout: 900000,
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
};
