// Lint for the code that is never shipped: tests, the mock API, the bench and the scripts.
// package.json "files" ships only dist/, so n8n's verification rules (Cloud globals and imports,
// no-console) do not apply here: these programs start servers, read files, time things and print.
// The root eslint.config.mjs must stay n8n-node's two-line default (that is what
// `n8n-node cloud-support` checks), so each of these folders holds an eslint.config.mjs that
// re-exports this file, and `npm run lint` runs ESLint with config lookup from each file's folder
// (ESLINT_FLAGS=unstable_config_lookup_from_file; the default lookup in ESLint 10).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['**/*.js', '**/*.mjs', '**/*.cjs'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		rules: { 'prefer-spread': 'off', 'no-console': 'off' },
	},
);
