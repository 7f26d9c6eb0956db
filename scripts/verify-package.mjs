// Verified-community-node readiness, offline, on what users install: `npm pack`s the built
// package into a temp folder, unpacks it, and runs
//   1. the lint n8n's scanner (@n8n/scan-community-package) applies, with inline config
//      disabled: the community-nodes `recommended` preset, `no-console`, and the
//      eslint-plugin-n8n-nodes-base community/nodes/credentials rule sets, over the source
//      (package.json, nodes/, credentials/) and over the tarball (**/*.js, package.json);
//   2. the checks the verification guidelines list that lint does not cover: no runtime
//      dependencies, every registered node and credential loads from the tarball, codex file
//      with categories and documentation links, light and dark SVG icons, credential
//      documentation URL, and no process.env / fs / child_process / console in shipped code;
//   3. the threat categories of the YARA rules n8n's newer scanner runs on the tarball (GuardDog's
//      rules, in n8n-io/n8n scanner/rules/guarddog, through @virustotal/yara-x), with our own
//      patterns: only allowed modules required, no install scripts or non-registry dependency
//      specs, no dynamic code loading or obfuscation (eval, computed require/import, char-code
//      strings, hex-escape runs, invisible or bidi Unicode, minified lines), no links to hosts
//      outside the API, its console, the docs and placeholders, only text files shipped.
//      The rules themselves cannot run here: the npm registry's newest scanner (0.32.0) predates
//      them, they are published only on GitHub and PyPI (GuardDog), and copying them in is not
//      ours to do. docs/releasing.md lists what runs where.
// The scanner's full run cannot happen for an unpublished package: it reads the npm registry,
// needs an npm provenance attestation and downloads the attested GitHub commit. Its own lint
// function (it pins its own plugin versions) is run on both legs as well: by default from the
// pinned SCANNER_VERSION, installed from the npm registry into the cache folder the n8n
// installs use (first run only); `--scanner=<dir>` uses an installed copy, `--scanner=none`
// skips it (offline).
//
// Usage: node scripts/verify-package.mjs [--scanner=<dir>|none] [--keep]   (build dist first)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const scannerArg = args.find((arg) => arg.startsWith('--scanner='))?.slice('--scanner='.length);
const keep = args.includes('--keep');
const SCANNER_VERSION = '0.32.0';

/** The pinned official scanner, installed once into the cache folder (scripts are not run). */
function installedScanner() {
	const require = createRequire(import.meta.url);
	const { cacheRoot } = require('./n8n/install.cjs');
	const dir = join(cacheRoot(), `scan-community-package-${SCANNER_VERSION}`);
	const packageDir = join(dir, 'node_modules', '@n8n', 'scan-community-package');
	if (existsSync(join(packageDir, 'scanner', 'scanner.mjs'))) return packageDir;
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'seedream-scanner', private: true }));
	console.log(`Installing @n8n/scan-community-package@${SCANNER_VERSION} into ${dir} (first run only)…`);
	// --ignore-scripts: its preinstall insists on pnpm.
	const install = spawnSync(
		'npm',
		['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', `@n8n/scan-community-package@${SCANNER_VERSION}`],
		{ cwd: dir, encoding: 'utf8' },
	);
	if (install.status !== 0) {
		console.error(`Installing the scanner failed (offline? use --scanner=none):\n${install.stderr}`);
		process.exit(2);
	}
	return packageDir;
}
const scannerDir = scannerArg === 'none' ? undefined : scannerArg ?? installedScanner();

const failures = [];
const passed = [];
function check(ok, label, detail = '') {
	(ok ? passed : failures).push(detail ? `${label}: ${detail}` : label);
}

function files(dir, test) {
	const found = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (name === 'node_modules') continue;
		if (statSync(path).isDirectory()) found.push(...files(path, test));
		else if (test(path)) found.push(path);
	}
	return found;
}

// --- pack and unpack --------------------------------------------------------------------------
if (!existsSync(join(root, 'dist'))) {
	console.error('dist/ is missing: run `npm run build` first.');
	process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'seedream-verify-'));
const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
if (pack.status !== 0) {
	console.error(`npm pack failed:\n${pack.stderr}`);
	process.exit(2);
}
const tarball = join(work, pack.stdout.trim().split('\n').pop());
const unpacked = join(work, 'package');
const untar = spawnSync('tar', ['-xzf', tarball, '-C', work], { encoding: 'utf8' });
if (untar.status !== 0) {
	console.error(`tar failed:\n${untar.stderr}`);
	process.exit(2);
}
const shipped = files(unpacked, () => true).map((path) => relative(unpacked, path));
console.log(`Packed ${relative(work, tarball)} (${shipped.length} files) into ${work}`);

// --- 1. the scanner's lint ----------------------------------------------------------------------
const scanConfig = [
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: ['**/*.json', '**/*.ts'], languageOptions: { parser: tseslint.parser } },
];

async function lint(cwd, list, label) {
	const eslint = new ESLint({ cwd, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: scanConfig });
	const results = await eslint.lintFiles(list);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	if (errors + warnings > 0) {
		const formatter = await eslint.loadFormatter('stylish');
		console.log(await formatter.format(results));
	}
	check(errors === 0, `lint ${label}`, `${results.length} files, ${errors} errors, ${warnings} warnings`);
}

const sourceFiles = [join(root, 'package.json'), ...['nodes', 'credentials'].flatMap((dir) => files(join(root, dir), (path) => /\.(js|ts|json)$/.test(path)))];
await lint(root, sourceFiles, 'source (package.json, nodes/, credentials/)');
const tarballFiles = files(unpacked, (path) => path.endsWith('.js')).concat(join(unpacked, 'package.json'));
await lint(unpacked, tarballFiles, 'tarball (**/*.js, package.json)');

if (scannerDir) {
	const scanner = await import(pathToFileURL(join(resolve(scannerDir), 'scanner', 'scanner.mjs')).href);
	const patterns = scanner.SOURCE_FILE_PATTERNS ?? ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
	const source = await scanner.analyzePackage(root, patterns);
	check(source.passed, 'official scanner lint, source leg', source.message ?? 'passed');
	if (source.details) console.log(source.details);
	const dist = await scanner.analyzePackage(unpacked, ['**/*.js', 'package.json']);
	check(dist.passed, 'official scanner lint, tarball leg', dist.message ?? 'passed');
	if (dist.details) console.log(dist.details);
}

// --- 2. what lint does not cover ------------------------------------------------------------------
const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
check(!manifest.dependencies || Object.keys(manifest.dependencies).length === 0, 'no runtime dependencies');
check(
	JSON.stringify(manifest.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }),
	'peerDependencies is only n8n-workflow "*"',
);
check(manifest.license === 'MIT', 'license MIT');
check((manifest.keywords ?? []).includes('n8n-community-node-package'), 'keyword n8n-community-node-package');
const unexpected = shipped.filter(
	(path) => path !== 'package.json' && path !== manifest.main && !/^(dist\/|README|LICENSE|CHANGELOG)/.test(path),
);
check(unexpected.length === 0, 'tarball holds only dist/, the main entry and docs', unexpected.join(', '));

// Shipped code: the guidelines forbid environment variables, file access and console logging.
const forbidden = [
	[/\bprocess\.env\b/, 'process.env'],
	[/require\("(node:)?fs(\/promises)?"\)|from ['"](node:)?fs['"]/, 'fs'],
	[/require\("(node:)?child_process"\)/, 'child_process'],
	[/\bconsole\.[a-z]+\(/, 'console'],
	[/\beval\(|new Function\(/, 'eval'],
];
for (const path of files(join(unpacked, 'dist'), (file) => file.endsWith('.js'))) {
	const text = readFileSync(path, 'utf8');
	for (const [pattern, name] of forbidden) {
		if (pattern.test(text)) check(false, `no ${name} in shipped code`, relative(unpacked, path));
	}
}
check(true, 'shipped .js scanned for process.env, fs, child_process, console, eval');

// Load what n8n loads, from the tarball, with n8n-workflow provided as n8n provides it.
mkdirSync(join(unpacked, 'node_modules'), { recursive: true });
symlinkSync(join(root, 'node_modules', 'n8n-workflow'), join(unpacked, 'node_modules', 'n8n-workflow'), 'dir');
const load = createRequire(join(unpacked, 'package.json'));
const exported = (path) => Object.values(load(join(unpacked, path)))[0];
const isHttpsUrl = (value) => typeof value === 'string' && /^https:\/\/\S+$/.test(value);

for (const path of manifest.n8n?.nodes ?? []) {
	check(existsSync(join(unpacked, path)), `node file ${path} is in the tarball`);
	const NodeClass = exported(path);
	const description = new NodeClass().description;
	const label = description.name;
	const icons = typeof description.icon === 'object' ? description.icon : { light: description.icon };
	for (const theme of ['light', 'dark']) {
		const icon = icons?.[theme];
		const file = typeof icon === 'string' && icon.startsWith('file:') ? join(unpacked, dirname(path), icon.slice(5)) : undefined;
		check(Boolean(file && file.endsWith('.svg') && existsSync(file) && readFileSync(file, 'utf8').includes('<svg')), `${label}: ${theme} SVG icon`, icon);
	}
	const codexPath = join(unpacked, path.replace(/\.js$/, '.json'));
	if (!existsSync(codexPath)) {
		check(false, `${label}: codex ${relative(unpacked, codexPath)}`, 'missing');
		continue;
	}
	const codex = JSON.parse(readFileSync(codexPath, 'utf8'));
	check(codex.node === `${manifest.name}.${label}`, `${label}: codex node id`, codex.node);
	check(Array.isArray(codex.categories) && codex.categories.length > 0, `${label}: codex categories`, (codex.categories ?? []).join(', '));
	const docs = codex.resources?.primaryDocumentation ?? [];
	check(docs.length > 0 && docs.every((doc) => isHttpsUrl(doc.url)), `${label}: codex documentation links`, docs.map((doc) => doc.url).join(', '));
	const isTrigger = (description.group ?? []).includes('trigger');
	if (!isTrigger) check(Boolean(description.usableAsTool), `${label}: usableAsTool`);
}

for (const path of manifest.n8n?.credentials ?? []) {
	check(existsSync(join(unpacked, path)), `credential file ${path} is in the tarball`);
	const credential = new (exported(path))();
	check(isHttpsUrl(credential.documentationUrl), `${credential.name}: documentationUrl`, credential.documentationUrl);
	check(Boolean(credential.test), `${credential.name}: credential test`);
	check(Boolean(credential.icon), `${credential.name}: icon`, JSON.stringify(credential.icon));
}

// --- 3. the scanner's YARA threat categories, with our own patterns ------------------------------
// Modules n8n Cloud lets community code import (@n8n/eslint-plugin-community-nodes
// no-restricted-imports), plus n8n-workflow and relative files.
const allowedModules = /^(\.{1,2}\/|n8n-workflow$|(node:)?crypto$|lodash(\/|$)|moment$|p-limit$|luxon$|zod$)/;
// Hosts shipped code may name: the API and its console, the documentation, and placeholders.
const allowedHosts = new Set(['api.acedata.cloud', 'platform.acedata.cloud', 'github.com', 'example.com', 'n8n.example.com']);
const repositoryPath = new URL(manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')).pathname;
const threats = [
	[/\bnew\s+Function\s*\(|\beval\s*\(|\bsetTimeout\s*\(\s*['"`]/, 'dynamic code evaluation'],
	[/\brequire\s*\(\s*[^'")\s]/, 'require of a computed module name'],
	[/String\.fromCharCode\s*\(\s*[^)]*,[^)]*,/, 'strings built from char codes'],
	[/(\\x[0-9a-f]{2}){8,}/i, 'a run of hex escapes'],
	[/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/, 'invisible or bidirectional Unicode'],
	[/\b(atob|unescape)\s*\(/, 'atob/unescape decoding'],
];
let threatFiles = 0;
for (const path of shipped.filter((file) => /\.(js|json|d\.ts|map)$/.test(file) || file === 'package.json')) {
	const text = readFileSync(join(unpacked, path), 'utf8');
	threatFiles += 1;
	const scanned = path.endsWith('.map') ? '' : text; // source maps embed sources as strings; the .js is scanned
	for (const [pattern, name] of threats) if (pattern.test(scanned)) check(false, `no ${name} in the tarball`, path);
	if (path.endsWith('.js')) {
		for (const [, module] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
			if (!allowedModules.test(module)) check(false, 'shipped code requires only n8n-workflow, crypto and its own files', `${path}: ${module}`);
		}
		if (/\bimport\s*\(/.test(text)) check(false, 'no dynamic import() in shipped code', path); // .d.ts type imports are types only
		const longest = Math.max(...text.split('\n').map((line) => line.length));
		if (longest > 1000) check(false, 'no minified or mangled lines (over 1000 characters)', `${path}: ${longest}`);
	}
	if (!path.endsWith('.map')) {
		for (const [match] of text.matchAll(/\bhttps?:\/\/[^\s'"`)<>\\]+/g)) {
			const url = match.replace(/[.,;:]+$/, ''); // sentence punctuation after a link
			let parsed;
			try {
				parsed = new URL(url);
			} catch {
				continue;
			}
			const ok = allowedHosts.has(parsed.hostname) && (parsed.hostname !== 'github.com' || parsed.pathname.startsWith(repositoryPath));
			if (!ok) check(false, 'links only to the API, its console, this repository and placeholders', `${path}: ${url}`);
		}
		if (/https?:\/\/(\d{1,3}\.){3}\d{1,3}\b/.test(text)) check(false, 'no URL with a raw IP address', path);
	}
}
const lifecycle = Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?(install|uninstall)$|^prepare$|^(pre|post)pack$/.test(name));
check(lifecycle.length === 0, 'no install-time lifecycle scripts in the published package.json', lifecycle.join(', '));
const specs = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies'].flatMap((field) =>
	Object.entries(manifest[field] ?? {}).map(([name, spec]) => `${name}@${spec}`),
);
const remote = specs.filter((spec) => /@(https?:|git(\+\w+)?:|github:|file:|link:|npm:)/.test(spec));
check(remote.length === 0, 'no dependency fetched from a URL, git or a local path', remote.join(', '));
const binaries = shipped.filter((path) => !/\.(js|d\.ts|js\.map|json|svg|md)$/.test(path) && !/^(LICENSE|README|CHANGELOG)/.test(path));
check(binaries.length === 0, 'ships only text files (no binaries, archives or executables)', binaries.join(', '));
check(threatFiles > 0, `YARA threat categories checked with our own patterns on ${threatFiles} files`);

// --- report ------------------------------------------------------------------------------------
for (const line of passed) console.log(`ok    ${line}`);
for (const line of failures) console.log(`FAIL  ${line}`);
console.log(
	'\nNot checked before publishing: npm provenance (publish.yml publishes with it) and the scan of the attested GitHub commit, which need the package on npm; GuardDog\'s YARA rules themselves (not on the npm registry: section 3 checks their threat categories).',
);
if (!keep) rmSync(work, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
