// Runs workflows in a real n8n process with this package installed the way n8n installs
// community packages (the npm tarball unpacked into <user folder>/.n8n/nodes/node_modules).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');

const { ensureN8n } = require('./install.cjs');

const PACKAGE_DIR = resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-seedream';
/** Node and credential type names as n8n registers them for an installed community package. */
const NODE_TYPE = `${PACKAGE_NAME}.seedream`;
const TRIGGER_TYPE = `${PACKAGE_NAME}.seedreamTrigger`;

let packedTarball;

/** `npm pack` of the built package (once per process): what users install. */
function packPackage() {
	if (packedTarball) return packedTarball;
	const outDir = mkdtempSync(join(tmpdir(), 'seedream-pack-'));
	const result = spawnSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: PACKAGE_DIR, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
	packedTarball = join(outDir, result.stdout.trim().split('\n').pop());
	return packedTarball;
}

/** Unpacks the tarball into the user folder as n8n's community package installer does. */
function installPackageInto(userFolder) {
	const tarball = packPackage();
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
	if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	// n8n strips these before installing a community package.
	const manifestPath = join(target, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } }, null, 2));
	return target;
}

/** A TCP port that is free on loopback right now. */
function freePort() {
	return new Promise((resolvePromise, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolvePromise(port));
		});
	});
}

function makeUserFolder() {
	return mkdtempSync(join(tmpdir(), 'seedream-n8n-'));
}

/**
 * Environment for a quiet, local n8n, set up like a user's machine: the user folder is also the
 * home folder (HOME) and the working directory (see `n8nCwd`), as in n8n's Docker image
 * (/home/node). File access stays n8n's default: in 2.x only `~/.n8n-files`, i.e.
 * `<user folder>/.n8n-files`; a test reads what the examples wrote there.
 */
function n8nEnv(runtime, userFolder, extra = {}) {
	const env = {
		...process.env,
		PATH: `${dirname(runtime.nodeBin)}:${process.env.PATH}`,
		HOME: userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'seedream-e2e-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		DB_SQLITE_POOL_SIZE: '1',
		...extra,
	};
	delete env.npm_config_nodedir;
	// Under jest NODE_ENV is "test", which makes n8n silence its CLI output.
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	return env;
}

/** n8n's working directory: the home folder, where relative file paths resolve (Docker: WORKDIR /home/node). */
function n8nCwd(env) {
	return env.HOME;
}

/**
 * Runs an n8n CLI command without blocking this process: tests host the mock API in-process,
 * and a blocked event loop would leave n8n's requests unanswered.
 */
function runN8n(runtime, args, env, timeoutMs = 300_000) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], { env, cwd: n8nCwd(env), stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', reject);
		child.once('close', (status, signal) => {
			clearTimeout(timer);
			if (status === 0) return resolvePromise({ stdout, stderr });
			reject(new Error(`n8n ${args.join(' ')} failed (${status ?? signal}):\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
		});
	});
}

/** Installs the package into a user folder and imports the credentials: what every run starts with. */
async function prepareUserFolder({ credentials, userFolder, env, log, line }) {
	const runtime = await ensureN8n({ log, line });
	installPackageInto(userFolder);
	const fullEnv = n8nEnv(runtime, userFolder, env);
	const workDir = join(userFolder, 'import');
	mkdirSync(workDir, { recursive: true });
	if (credentials.length) {
		const credentialsFile = join(workDir, 'credentials.json');
		writeFileSync(credentialsFile, JSON.stringify(credentials));
		await runN8n(runtime, ['import:credentials', `--input=${credentialsFile}`], fullEnv);
	}
	return { runtime, fullEnv, workDir };
}

/** A workflow as `n8n import:workflow` takes it: the definition as given plus an id to run it by. */
function withIdentity(workflow) {
	return { id: randomUUID().replace(/-/g, '').slice(0, 16), versionId: randomUUID(), active: false, settings: {}, ...workflow };
}

/**
 * A user's n8n before it runs anything: the package installed, credentials and any number of
 * workflows imported into one user folder (two CLI calls, however many workflows). Returns the
 * user folder and the workflows with their ids, for `executeWorkflow`.
 */
async function prepareInstance({ workflows = [], credentials = [], env = {}, userFolder = makeUserFolder(), log = () => {}, line }) {
	const { runtime, fullEnv, workDir } = await prepareUserFolder({ credentials, userFolder, env, log, line });
	const imported = workflows.map(withIdentity);
	if (imported.length) {
		const dir = join(workDir, 'workflows');
		mkdirSync(dir, { recursive: true });
		for (const workflow of imported) writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify(workflow));
		await runN8n(runtime, ['import:workflow', '--separate', `--input=${dir}`], fullEnv);
	}
	return { userFolder, workflows: imported, line };
}

/** Runs a workflow already imported into a user folder with `n8n execute`, as `runWorkflow` does. */
async function executeWorkflow({ userFolder, id, env = {}, log = () => {}, line }) {
	const runtime = await ensureN8n({ log, line });
	// Each n8n starts a task-runner broker; a fixed port would collide between parallel runs.
	const fullEnv = n8nEnv(runtime, userFolder, { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env });
	const started = Date.now();
	const result = await runN8n(runtime, ['execute', `--id=${id}`, '--rawOutput'], fullEnv, 900_000);
	return { ...parseRun(result), userFolder, durationMs: Date.now() - started };
}

/**
 * Imports credentials and a workflow into a fresh user folder and runs it with `n8n execute`.
 * Returns the parsed run (`run.data.resultData.runData`), stdout and stderr.
 */
async function runWorkflow({ workflow, credentials = [], env = {}, userFolder = makeUserFolder(), log = () => {}, line }) {
	// Each n8n starts a task-runner broker; a fixed port would collide between parallel runs.
	const brokerEnv = { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env };
	const { runtime, fullEnv, workDir } = await prepareUserFolder({ credentials, userFolder, env: brokerEnv, log, line });
	const withIds = withIdentity(workflow);
	const workflowFile = join(workDir, 'workflow.json');
	writeFileSync(workflowFile, JSON.stringify(withIds));
	await runN8n(runtime, ['import:workflow', `--input=${workflowFile}`], fullEnv);
	const started = Date.now();
	const result = await runN8n(runtime, ['execute', `--id=${withIds.id}`, '--rawOutput'], fullEnv, 900_000);
	return { ...parseRun(result), userFolder, durationMs: Date.now() - started };
}

/** The run object `n8n execute --rawOutput` printed. */
function parseRun(result) {
	const text = result.stdout;
	// Log lines may precede the JSON; the run object starts with its "data" key.
	const marker = text.indexOf('{\n  "data"');
	const start = marker >= 0 ? marker : text.indexOf('{');
	if (start < 0) throw new Error(`n8n printed no run data:\n${text.slice(-3000)}\n${result.stderr.slice(-3000)}`);
	const run = parseLeadingJson(text.slice(start));
	return { run, stdout: text, stderr: result.stderr };
}

/**
 * Parses the JSON document at the start of `text`. n8n may print log lines after the run
 * (for example when its task runner shuts down), so anything after the document is ignored.
 */
function parseLeadingJson(text) {
	try {
		return JSON.parse(text);
	} catch (error) {
		const match = /after JSON at position (\d+)/.exec(error.message);
		if (!match) throw error;
		return JSON.parse(text.slice(0, Number(match[1])));
	}
}

/** Output items of a node in a finished run. */
function nodeOutput(run, nodeName, outputIndex = 0) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`);
	return runs[0]?.data?.main?.[outputIndex] ?? [];
}

function runError(run) {
	return run?.data?.resultData?.error;
}


/** Starts `n8n start` on loopback; resolves when its REST API answers. */
async function startN8nServer({ userFolder = makeUserFolder(), port = 5678, env = {}, log = () => {}, line } = {}) {
	const runtime = await ensureN8n({ log, line });
	installPackageInto(userFolder);
	const fullEnv = n8nEnv(runtime, userFolder, { N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()), WEBHOOK_URL: `http://127.0.0.1:${port}/`, ...env });
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], { env: fullEnv, cwd: n8nCwd(fullEnv), stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n exited early:\n${output.slice(-3000)}`);
		try {
			// /healthz answers before the editor's REST routes exist, and while the database is
			// migrated every route answers 200 with a plain-text "starting up" page.
			const response = await fetch(`http://127.0.0.1:${port}/rest/settings`);
			if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`n8n did not become healthy:\n${output.slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		url: `http://127.0.0.1:${port}`,
		userFolder,
		output: () => output,
		stop: async () => {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((r) => {
				const timer = setTimeout(() => {
					child.kill('SIGKILL');
					r();
				}, 15_000);
				child.once('exit', () => {
					clearTimeout(timer);
					r();
				});
			});
		},
	};
}

/**
 * Imports credentials and workflows into a user folder (before `n8n start`), and publishes
 * (activates) those marked `active: true`. Returns the workflows with their ids.
 */
async function importWorkflows({ workflows, credentials = [], userFolder, env = {}, log = () => {}, line }) {
	const { runtime, fullEnv, workDir } = await prepareUserFolder({ credentials, userFolder, env, log, line });
	const imported = workflows.map((workflow) => ({ ...withIdentity(workflow), active: false }));
	// One import for all (each CLI call boots n8n), then a publish per active workflow.
	const dir = join(workDir, 'workflows');
	mkdirSync(dir, { recursive: true });
	for (const workflow of imported) writeFileSync(join(dir, `workflow-${workflow.id}.json`), JSON.stringify(workflow));
	if (imported.length) await runN8n(runtime, ['import:workflow', '--separate', `--input=${dir}`], fullEnv);
	for (const [index, workflow] of workflows.entries()) {
		if (workflow.active) await runN8n(runtime, ['publish:workflow', `--id=${imported[index].id}`], fullEnv);
	}
	return imported.map((workflow, index) => ({ ...workflow, active: Boolean(workflows[index].active) }));
}

/**
 * Reads executions straight from the instance's SQLite database (n8n's REST API needs a login)
 * with the Node.js that runs n8n: its `node:sqlite` (Node 22+), else the `sqlite3` add-on that
 * n8n 1.x installs. Returns `[{ id, workflowId, status, finished }]`.
 */
async function listExecutions({ userFolder, line }) {
	return await queryDatabase({ userFolder, line, sql: 'SELECT id, workflowId, status, finished FROM execution_entity ORDER BY id' });
}

/** An execution's custom data (`execution_metadata`): `{ key: value }`. */
async function executionCustomData({ userFolder, line, executionId }) {
	const rows = await queryDatabase({ userFolder, line, sql: `SELECT key, value FROM execution_metadata WHERE executionId = ${Number(executionId)}` });
	return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/** Rows of a read-only query on the instance's SQLite database. */
async function queryDatabase({ userFolder, line, sql }) {
	const runtime = await ensureN8n({ line });
	const script = `
		const [dbFile, sqlite3Path, sql] = process.argv.slice(1);
		let builtin;
		try { builtin = require('node:sqlite'); } catch {}
		if (builtin) {
			const db = new builtin.DatabaseSync(dbFile, { readOnly: true });
			process.stdout.write(JSON.stringify(db.prepare(sql).all()));
		} else {
			const sqlite3 = require(sqlite3Path);
			const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY);
			db.all(sql, (error, rows) => {
				if (error) throw error;
				process.stdout.write(JSON.stringify(rows));
				db.close();
			});
		}`;
	const dbFile = join(userFolder, '.n8n', 'database.sqlite');
	const sqlite3Path = join(runtime.n8nDir, 'node_modules', 'sqlite3');
	return await new Promise((resolvePromise, reject) => {
		const child = spawn(runtime.nodeBin, ['--no-warnings', '-e', script, dbFile, sqlite3Path, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.once('error', reject);
		child.once('close', (status) => {
			if (status !== 0) return reject(new Error(`reading executions failed: ${stderr}`));
			resolvePromise(JSON.parse(stdout || '[]'));
		});
	});
}

const OWNER = { email: 'owner@seedream-e2e.test', firstName: 'Seedream', lastName: 'E2E', password: 'Seedream-e2e-1' };

/** A JSON request to n8n's editor REST API; returns the `data` of the answer. */
async function restCall(server, method, path, body, cookie) {
	const response = await fetch(`${server.url}/rest${path}`, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`n8n ${method} /rest${path} answered ${response.status}: ${text.slice(0, 500)}`);
	let parsed;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new Error(`n8n ${method} /rest${path} answered ${response.status} with no JSON: ${text.slice(0, 500)}`);
	}
	return { data: parsed.data, cookie: response.headers.get('set-cookie')?.split(';')[0] };
}

/** Logs in to the editor as the instance owner (set up on first use); returns the session cookie. */
async function ownerSession(server) {
	if (!server.ownerCookie) {
		const { data: settings } = await restCall(server, 'GET', '/settings');
		if (settings?.userManagement?.showSetupOnFirstLoad !== false) await restCall(server, 'POST', '/owner/setup', OWNER);
		const { cookie } = await restCall(server, 'POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		server.ownerCookie = cookie;
	}
	return server.ownerCookie;
}

/**
 * Creates and activates workflows through the editor's REST API, as the instance owner (set up
 * on first use). n8n 1.x needs this: activating a CLI-imported workflow fails there, because the
 * import writes no workflow_history row for the active version to point at. These are n8n's
 * internal endpoints (what the editor calls), stable across 1.x.
 */
async function createWorkflowsOverRest(server, workflows) {
	const cookie = await ownerSession(server);
	const created = [];
	for (const workflow of workflows) {
		const { id: _id, versionId: _versionId, active, ...definition } = workflow;
		const { data } = await restCall(server, 'POST', '/workflows', { settings: {}, ...definition, active: false }, cookie);
		if (active) await restCall(server, 'POST', `/workflows/${data.id}/activate`, { versionId: data.versionId }, cookie);
		created.push({ ...workflow, id: data.id, versionId: data.versionId });
	}
	return created;
}

/**
 * `n8n start` on loopback with credentials and workflows, those marked `active: true` activated,
 * the way each line allows: 2.x imports and publishes them from the CLI before it starts (and
 * registers their webhooks shortly after start-up); 1.x gets them through its REST API once
 * running. Resolves when every webhook of the active workflows is registered, with the server
 * and the workflows as stored (their ids).
 */
async function startServerWithWorkflows({ workflows, credentials = [], userFolder = makeUserFolder(), port, env = {}, log = () => {}, line }) {
	const runtime = await ensureN8n({ log, line });
	const serverEnv = { N8N_LOG_LEVEL: 'debug', ...env };
	let stored;
	if (runtime.line >= 2) {
		stored = await importWorkflows({ workflows, credentials, userFolder, env: serverEnv, log, line });
	} else {
		await prepareUserFolder({ credentials, userFolder, env: serverEnv, log, line });
	}
	const server = await startN8nServer({ userFolder, port: port ?? (await freePort()), env: serverEnv, log, line });
	try {
		if (runtime.line < 2) {
			// Activation over REST registers the webhooks before it answers.
			stored = await createWorkflowsOverRest(server, workflows);
		} else {
			// 2.x publishes imported workflows asynchronously (an outbox polled after start-up).
			const webhookNodes = workflows.filter((workflow) => workflow.active).flatMap((workflow) => workflow.nodes.filter((node) => node.webhookId));
			const deadline = Date.now() + 120_000;
			for (const node of webhookNodes) {
				while (!server.output().includes(`Added webhook "${node.name}"`)) {
					if (Date.now() > deadline) throw new Error(`n8n did not register the webhook of "${node.name}":\n${server.output().slice(-3000)}`);
					await new Promise((r) => setTimeout(r, 250));
				}
			}
		}
	} catch (error) {
		await server.stop();
		throw error;
	}
	return { server, workflows: stored };
}

module.exports = {
	PACKAGE_DIR,
	importWorkflows,
	listExecutions,
	executionCustomData,
	PACKAGE_NAME,
	NODE_TYPE,
	TRIGGER_TYPE,
	ensureN8n,
	packPackage,
	installPackageInto,
	makeUserFolder,
	freePort,
	n8nEnv,
	runWorkflow,
	prepareInstance,
	executeWorkflow,
	nodeOutput,
	runError,
	startN8nServer,
	startServerWithWorkflows,
	ownerSession,
};
