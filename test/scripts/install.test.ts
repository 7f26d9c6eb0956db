/**
 * The n8n installer used by the end-to-end suites and the demo. A fake `npm` on PATH stands in for the
 * registry so the install flow (settings passed to npm, verification, stamp) runs in a second.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const installer = require('../../scripts/n8n/install.cjs');

/**
 * A fake npm whose `install` lays out an n8n 1.x runtime. FAKE_DRIVER=built adds a loadable sqlite3
 * stub; FAKE_DRIVER=unbuilt adds one whose native binding is missing (what a skipped install script leaves).
 */
const FAKE_NPM = `#!/usr/bin/env bash
set -e
echo "$npm_config_ignore_scripts" > "$FAKE_LOG"
mkdir -p node_modules/n8n/bin node_modules/sqlite3
printf '#!/usr/bin/env node\\nconsole.log("%s")\\n' "$FAKE_VERSION" > node_modules/n8n/bin/n8n
echo '{"name":"sqlite3","version":"5.1.7"}' > node_modules/sqlite3/package.json
if [ "$FAKE_DRIVER" = built ]; then
  echo 'exports.Database = class { get(sql, cb) { cb(null, { version: "3.45.0" }); } close() {} };' > node_modules/sqlite3/index.js
else
  echo 'throw new Error("Could not locate the bindings file node_sqlite3.node");' > node_modules/sqlite3/index.js
fi
`;

describe('scripts/n8n/install.cjs', () => {
	const saved = { ...process.env };
	let cache: string;
	let log: string;

	beforeEach(() => {
		cache = mkdtempSync(join(tmpdir(), 'seedream-install-test-'));
		const bin = join(cache, 'bin');
		mkdirSync(bin);
		writeFileSync(join(bin, 'npm'), FAKE_NPM);
		chmodSync(join(bin, 'npm'), 0o755);
		log = join(cache, 'npm-settings.log');
		Object.assign(process.env, {
			PATH: `${bin}:${saved.PATH}`,
			SEEDREAM_N8N_CACHE: cache,
			FAKE_LOG: log,
			FAKE_VERSION: installer.LINES[1].n8n,
			// What `npm run` exports from this project's .npmrc (ignore-scripts=true).
			npm_config_ignore_scripts: 'true',
		});
	});
	afterEach(() => {
		process.env = { ...saved };
		rmSync(cache, { recursive: true, force: true });
	});

	const quiet = () => undefined;

	it('gives the 1.x install its own npm settings whatever the caller exported, and stamps what it verified', async () => {
		process.env.FAKE_DRIVER = 'built';
		const runtime = await installer.ensureN8n({ line: 1, log: quiet });
		expect(readFileSync(log, 'utf8').trim()).toBe('false');
		const stamp = JSON.parse(readFileSync(join(runtime.n8nDir, '.installed'), 'utf8'));
		expect(stamp).toMatchObject({
			format: installer.STAMP_FORMAT,
			n8n: installer.LINES[1].n8n,
			node: 'system',
			verified: { n8n: installer.LINES[1].n8n, driver: { sqlite: '3.45.0', module: '5.1.7' } },
		});
	});

	it('removes an install whose database driver does not load and says what is missing, without a stamp', async () => {
		process.env.FAKE_DRIVER = 'unbuilt';
		await expect(installer.ensureN8n({ line: 1, log: quiet })).rejects.toThrow(
			/did not work and was removed: its database driver \(sqlite3\) does not load .*bindings file/,
		);
		expect(existsSync(join(cache, `n8n-${installer.LINES[1].n8n}`))).toBe(false);
	});

	it('refuses an install whose n8n prints another version', async () => {
		process.env.FAKE_DRIVER = 'built';
		process.env.FAKE_VERSION = '0.0.1';
		await expect(installer.ensureN8n({ line: 1, log: quiet })).rejects.toThrow(
			/`n8n --version` printed "0.0.1", expected 1\.122\.5/,
		);
	});

	it('installs again over a cache stamped by an older installer, and over a stamped cache that broke since', async () => {
		process.env.FAKE_DRIVER = 'built';
		const dir = join(cache, `n8n-${installer.LINES[1].n8n}`);
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, '.installed'), `${installer.LINES[1].n8n}/system-node`);
		await installer.ensureN8n({ line: 1, log: quiet });
		expect(existsSync(log)).toBe(true);

		rmSync(log);
		await installer.ensureN8n({ line: 1, log: quiet });
		expect(existsSync(log)).toBe(false); // verified stamp and a loadable driver: no reinstall

		writeFileSync(join(dir, 'node_modules', 'sqlite3', 'index.js'), 'throw new Error("gone");');
		await installer.ensureN8n({ line: 1, log: quiet });
		expect(existsSync(log)).toBe(true);
	});

	it('drops inherited npm settings that change an install and keeps the connection settings', () => {
		const env = installer.npmEnv(
			{ npm_config_ignore_scripts: 'false' },
			{
				PATH: '/bin',
				npm_config_ignore_scripts: 'true',
				npm_config_nodedir: '/usr',
				NPM_CONFIG_OMIT: 'dev',
				npm_config_registry: 'http://registry.local/',
				npm_config_cafile: '/etc/ca.pem',
				npm_package_name: 'n8n-nodes-seedream',
				npm_lifecycle_event: 'test:e2e',
			},
		);
		expect(env).toMatchObject({ PATH: '/bin', npm_config_ignore_scripts: 'false', npm_config_registry: 'http://registry.local/', npm_config_cafile: '/etc/ca.pem' });
		for (const dropped of ['npm_config_nodedir', 'NPM_CONFIG_OMIT', 'npm_package_name', 'npm_lifecycle_event']) {
			expect(env).not.toHaveProperty(dropped);
		}
	});
});
