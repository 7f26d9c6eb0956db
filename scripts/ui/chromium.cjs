// Debian's Chromium for the editor suite: playwright-core drives it, no browser is downloaded
// (the machines reach only the npm registry and Debian's packages). Installed when missing.
'use strict';
const { spawnSync } = require('node:child_process');

const CHROMIUM = process.env.SEEDREAM_CHROMIUM || '/usr/bin/chromium';

function chromiumVersion() {
	const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 60_000 });
	const match = /Chromium [0-9.]+/.exec(result.stdout ?? '');
	return result.status === 0 && match ? match[0] : undefined;
}

/** Returns the Chromium path after checking it starts; installs Debian's package first if needed. */
function ensureChromium(log = (line) => process.stderr.write(`${line}\n`)) {
	const found = chromiumVersion();
	if (found) return { executablePath: CHROMIUM, version: found };
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(`${CHROMIUM} is missing and this is not root: install Debian's "chromium" package (apt-get install chromium).`);
	}
	const started = Date.now();
	log("Installing Debian's chromium package (first run only)…");
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium']]) {
		const result = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 });
		if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${(result.stderr || result.stdout).slice(-3000)}`);
	}
	const version = chromiumVersion();
	if (!version) throw new Error(`Chromium was installed but ${CHROMIUM} --version does not answer`);
	log(`${version} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
	return { executablePath: CHROMIUM, version };
}

/** What a headless Chromium needs here: root, no GPU, and no background calls to a closed network. */
const CHROMIUM_ARGS = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

module.exports = { CHROMIUM_ARGS, ensureChromium };

if (require.main === module) console.log(JSON.stringify(ensureChromium()));
