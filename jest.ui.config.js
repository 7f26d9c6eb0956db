/** The n8n editor in a real browser: `n8n start` with the packed node, Debian's Chromium via playwright-core. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.ui.test.ts'],
	testTimeout: 900000,
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
};
