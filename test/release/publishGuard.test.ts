/**
 * A plain `npm publish` outside the publish workflow is refused (docs/releasing.md), by npm itself
 * (package.json publishConfig.provenance: npm cannot attest a laptop publish) and, whenever
 * lifecycle scripts run, by scripts/release-guard.mjs with a message that says how to release.
 *
 * npm runs for real in a copy of the project's package.json, .npmrc and guard, pointed at a
 * loopback registry that records every request: if a lock failed, the "publish" would land there
 * and the test would see it. Nothing here talks to registry.npmjs.org.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const PUBLISH_REF = 'n8n-nodes-seedream/n8n-nodes-seedream/.github/workflows/publish.yml@refs/tags/v0.1.0';

let dir: string;
let registry: Server;
let registryUrl: string;
const requests: string[] = [];

/** The caller's environment without anything npm, GitHub Actions or a CI sets: a maintainer's shell. */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(npm_|GITHUB_|ACTIONS_|RUNNER_|CI$)/i.test(key)) continue;
		env[key] = value;
	}
	return { ...env, npm_config_update_notifier: 'false', ...extra };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		execFile(file, args, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({ code, output: `${stdout}${stderr}` });
		});
	});
}

const npmPublish = (args: string[], env = shellEnv()) =>
	run('npm', ['publish', `--registry=${registryUrl}`, `--${registryUrl.replace(/^http:/, '')}:_authToken=not-a-token`, ...args], env);

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'seedream-publish-guard-'));
	mkdirSync(join(dir, 'scripts'));
	for (const file of ['package.json', '.npmrc', 'scripts/release-guard.mjs']) copyFileSync(join(root, file), join(dir, file));
	registry = createServer((request, response) => {
		requests.push(`${request.method} ${request.url}`);
		request.resume();
		// npm asks for the package's metadata first: "not published yet". A PUT would be the publish.
		response.writeHead(request.method === 'GET' ? 404 : 500, { 'content-type': 'application/json' }).end('{}');
	});
	await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
	registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
});

afterAll(async () => {
	await new Promise((resolve) => registry.close(resolve));
	rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
	// Whatever was refused, nothing reached the registry.
	expect(requests.filter((request) => request.startsWith('PUT'))).toEqual([]);
});

describe('npm publish outside .github/workflows/publish.yml', () => {
	it('is refused by npm as the project is set up (.npmrc ignore-scripts): no provenance outside CI', async () => {
		const result = await npmPublish([]);
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Automatic provenance generation not supported for provider: null');
	});

	it('is refused by the release guard, with how to release, when lifecycle scripts run', async () => {
		const result = await npmPublish(['--ignore-scripts=false']);
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Refusing to publish n8n-nodes-seedream: this is not a GitHub Actions run');
		expect(result.output).toContain('push the tag');
		expect(result.output).toContain('docs/releasing.md');
	});

	it('is refused in a GitHub Actions job without id-token: write', async () => {
		const result = await npmPublish([], shellEnv({ GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW_REF: PUBLISH_REF }));
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Provenance generation in GitHub Actions requires "write" access to the "id-token" permission');
	});
});

describe('scripts/release-guard.mjs', () => {
	const guard = (env: Record<string, string>) => run(process.execPath, [join(dir, 'scripts', 'release-guard.mjs')], shellEnv(env));
	const publishJob = { GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW_REF: PUBLISH_REF, npm_config_provenance: 'true' };

	it('lets publish.yml publish with provenance', async () => {
		expect(await guard(publishJob)).toEqual({ code: 0, output: '' });
	});

	it.each([
		['GITHUB_ACTIONS', 'this is not a GitHub Actions run'],
		['GITHUB_WORKFLOW_REF', 'the run is not .github/workflows/publish.yml'],
		['npm_config_provenance', 'provenance is off'],
	])('refuses without %s', async (missing, reason) => {
		const env: Record<string, string> = { ...publishJob };
		delete env[missing];
		const result = await guard(env);
		expect(result.code).toBe(1);
		expect(result.output).toContain(reason);
	});

	it('refuses another workflow of the repository (npm Trusted Publishing names publish.yml)', async () => {
		const result = await guard({ ...publishJob, GITHUB_WORKFLOW_REF: PUBLISH_REF.replace('publish.yml', 'ci.yml') });
		expect(result.code).toBe(1);
	});
});
