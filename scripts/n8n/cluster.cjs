// n8n in queue mode on one machine, without Docker: Postgres and Redis from Debian's packages
// (installed when missing), one main, webhook processors and workers, all on 127.0.0.1 with free
// ports and every file in temp folders. Used by the scale suite and the bench.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { request: httpRequest, createServer: createHttpServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const runtime = require('./runtime.cjs');

const PG_ROOT = '/usr/lib/postgresql';
const POLICY_RC = '/usr/sbin/policy-rc.d';

function which(command) {
	const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : undefined;
}

function postgresBinDir() {
	if (!existsSync(PG_ROOT)) return undefined;
	const versions = readdirSync(PG_ROOT)
		.filter((name) => existsSync(join(PG_ROOT, name, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(PG_ROOT, versions[0], 'bin') : undefined;
}

function check(command, args) {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
	return result.stdout.trim();
}

/**
 * Postgres and Redis binaries, installed with apt-get when missing (root only). Debian starts the
 * services a package installs unless policy-rc.d refuses; a temporary one that refuses keeps the
 * machine free of system services the suite did not ask for.
 */
function ensureQueueServices({ log = () => {} } = {}) {
	let installMs = 0;
	if (!postgresBinDir() || !which('redis-server') || !which('redis-cli') || !which('psql')) {
		if (typeof process.getuid === 'function' && process.getuid() !== 0) {
			throw new Error('Postgres or Redis is missing; run as root (apt-get install -y postgresql redis-server) or install them first');
		}
		const started = Date.now();
		const ownPolicy = !existsSync(POLICY_RC);
		if (ownPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
		try {
			log('apt-get install postgresql redis-server …');
			const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
			for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql', 'redis-server']]) {
				const result = spawnSync('apt-get', args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
				if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${(result.stdout + result.stderr).slice(-3000)}`);
			}
		} finally {
			if (ownPolicy) rmSync(POLICY_RC, { force: true });
		}
		installMs = Date.now() - started;
		log(`installed in ${(installMs / 1000).toFixed(1)} s`);
	}
	const pgBin = postgresBinDir();
	if (!pgBin) throw new Error('initdb not found after installing postgresql');
	return {
		pgBin,
		redisBin: which('redis-server'),
		psqlBin: which('psql'),
		installMs,
		versions: { postgres: check(join(pgBin, 'postgres'), ['--version']), redis: check(which('redis-server'), ['--version']) },
	};
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Postgres refuses to run as root: as root its commands run as the `postgres` user. */
function pgCommand(bin, args) {
	return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function runPg(bin, args) {
	const [command, fullArgs] = pgCommand(bin, args);
	const result = spawnSync(command, fullArgs, { encoding: 'utf8', timeout: 60_000 });
	if (result.status !== 0) throw new Error(`${bin} failed: ${result.stderr || result.stdout}`);
	return result.stdout;
}

function ownedByPostgres(path) {
	if (!asRoot) return;
	const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
	const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
	chownSync(path, Number(ids.stdout.trim()), Number(group.stdout.trim()));
}

/** A private Postgres cluster in `root` on 127.0.0.1:`port` with a database `n8n`. */
async function startPostgres({ services, root, port }) {
	const dataDir = join(root, 'pgdata');
	const socketDir = join(root, 'pgsock');
	mkdirSync(socketDir);
	const password = randomBytes(12).toString('hex');
	const pwFile = join(root, 'pgpass');
	writeFileSync(pwFile, password);
	for (const path of [root, socketDir, pwFile]) ownedByPostgres(path);
	runPg(join(services.pgBin, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8']);
	const logFile = join(root, 'postgres.log');
	runPg(join(services.pgBin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-o', `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start']);
	const pg = {
		port,
		password,
		psql(sql) {
			const result = spawnSync(services.psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'n8n', '-At', '-F', '\t', '-c', sql], {
				encoding: 'utf8',
				env: { ...process.env, PGPASSWORD: password },
				maxBuffer: 256 * 1024 * 1024,
			});
			if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
			return result.stdout;
		},
		stop() {
			try {
				runPg(join(services.pgBin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// already down
			}
		},
	};
	const create = spawnSync(services.psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres', '-c', 'CREATE DATABASE n8n'], {
		encoding: 'utf8',
		env: { ...process.env, PGPASSWORD: password },
	});
	if (create.status !== 0) throw new Error(`CREATE DATABASE failed: ${create.stderr}`);
	return pg;
}

async function startRedis({ services, root, port }) {
	const dir = join(root, 'redis');
	mkdirSync(dir);
	const pidFile = join(dir, 'redis.pid');
	check(services.redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', dir, '--pidfile', pidFile, '--logfile', join(dir, 'redis.log')]);
	// The pid file can exist before its number is written, and process.kill(0) would signal this
	// whole process group: wait for a real pid.
	const deadline = Date.now() + 10_000;
	let pid = 0;
	while (!(pid > 0)) {
		if (Date.now() > deadline) throw new Error('redis-server did not start');
		await sleep(50);
		pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
	}
	return {
		port,
		pid,
		stop() {
			try {
				if (pid > 0) process.kill(pid, 'SIGKILL');
			} catch {
				// already down
			}
		},
	};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The binary data modes a cluster can run in (n8n 2.41's `N8N_DEFAULT_BINARY_DATA_MODE`, without s3). */
const BINARY_MODES = ['database', 'filesystem'];

/** What each role prints once it serves (the notes' "n8n ready on" comes too early). */
const READY = {
	main: 'Editor is now accessible',
	webhook: 'Webhook listener waiting for requests',
	worker: 'n8n worker is now ready',
};

/**
 * One n8n process. `restart()` starts the same role with the same ports again, as a supervisor
 * would after a crash or a deploy.
 */
function n8nProcess({ rt, role, name, env, args, logDir }) {
	const logFile = logDir ? join(logDir, `${name}.log`) : undefined;
	const proc = {
		logFile,
		role,
		name,
		env,
		child: undefined,
		log: '',
		output: () => proc.log,
		async start() {
			const child = spawn(rt.nodeBin, [rt.n8nBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
			proc.child = child;
			const mark = proc.log.length;
			const keep = (chunk) => {
				proc.log += chunk;
				if (logFile) appendFileSync(logFile, chunk);
			};
			child.stdout.on('data', keep);
			child.stderr.on('data', keep);
			const deadline = Date.now() + 180_000;
			while (!proc.log.slice(mark).includes(READY[role])) {
				if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited early:\n${proc.log.slice(-4000)}`);
				if (Date.now() > deadline) throw new Error(`${name} did not become ready:\n${proc.log.slice(-4000)}`);
				await sleep(100);
			}
			return proc;
		},
		get pid() {
			return proc.child?.pid;
		},
		alive: () => Boolean(proc.child && proc.child.exitCode === null && proc.child.signalCode === null),
		/** A crash: no shutdown, no chance to save anything. */
		kill9() {
			if (proc.alive()) proc.child.kill('SIGKILL');
		},
		async stop() {
			if (!proc.alive()) return;
			const child = proc.child;
			child.kill('SIGTERM');
			await new Promise((r) => {
				const timer = setTimeout(() => {
					child.kill('SIGKILL');
					r();
				}, 30_000);
				child.once('exit', () => {
					clearTimeout(timer);
					r();
				});
			});
		},
		async restart() {
			await proc.stop();
			return await proc.start();
		},
	};
	return proc;
}

/**
 * The load balancer in front of the webhook processors that WEBHOOK_URL points at: round robin,
 * skipping processors that refuse the connection (down or restarting), as a health-checked
 * balancer would. Records which processor answered each request.
 */
async function startBalancer({ targets, port }) {
	let next = 0;
	const routed = [];
	// Paths starting with one of `sticky` always go to the same processor (while it is up), as a
	// balancer with sticky routing by path does.
	const balancer = { inFlight: 0, sticky: [] };
	const server = createHttpServer((req, res) => {
		balancer.inFlight++;
		res.once('close', () => balancer.inFlight--);
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const prefix = balancer.sticky.find((p) => req.url.startsWith(p));
			const attempt = (tries) => {
				const pinned = prefix && tries === 0 ? [...prefix].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) : undefined;
				const target = targets()[(pinned ?? next++) % targets().length];
				const upstream = httpRequest(
					{ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target.port}` } },
					(answer) => {
						// The start of each answer is kept: a callback's answer says whether it resumed.
						const entry = { path: req.url, target: target.name, status: answer.statusCode, at: Date.now(), body: '' };
						routed.push(entry);
						answer.on('data', (chunk) => {
							if (entry.body.length < 2000) entry.body += chunk;
						});
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					},
				);
				upstream.on('error', () => {
					if (tries + 1 < targets().length * 2) return setTimeout(() => attempt(tries + 1), 100);
					routed.push({ path: req.url, target: 'none', status: 502, at: Date.now() });
					res.writeHead(502);
					res.end('no webhook processor reachable');
				});
				upstream.end(body);
			};
			attempt(0);
		});
	});
	await new Promise((r) => server.listen(port, '127.0.0.1', r));
	return Object.assign(balancer, { port, url: `http://127.0.0.1:${port}`, routed, close: () => new Promise((r) => server.close(() => r())) });
}

/**
 * Starts Postgres, Redis and n8n in queue mode: one main, `webhooks` webhook processors, `workers`
 * workers, sharing one user folder (every process needs the community package installed), one
 * encryption key and `binaryMode`. Credentials are imported before start; workflows are created
 * and activated over main's REST API, which registers their webhooks for every process at once.
 */
async function startCluster({ binaryMode = 'database', webhooks = 2, workers = 2, credentials = [], env = {}, workerEnv = {}, log = () => {}, services } = {}) {
	if (!BINARY_MODES.includes(binaryMode)) throw new Error(`Unknown binary data mode "${binaryMode}" (known: ${BINARY_MODES.join(', ')})`);
	services ??= ensureQueueServices({ log });
	const rt = await runtime.ensureN8n({ log, line: 2 });
	const root = mkdtempSync(join(tmpdir(), 'seedream-queue-'));
	const userFolder = join(root, 'n8n');
	mkdirSync(userFolder);
	// SEEDREAM_SCALE_LOGS keeps every process's output after the run (the temp folder is removed).
	const logDir = process.env.SEEDREAM_SCALE_LOGS ? join(process.env.SEEDREAM_SCALE_LOGS, `${binaryMode}-${Date.now()}`) : undefined;
	if (logDir) mkdirSync(logDir, { recursive: true });
	const cluster = { root, userFolder, services, processes: [], binaryMode, logDir };
	live.add(cluster);
	try {
		cluster.pg = await startPostgres({ services, root, port: await runtime.freePort() });
		cluster.redis = await startRedis({ services, root, port: await runtime.freePort() });
		runtime.installPackageInto(userFolder);
		const mainPort = await runtime.freePort();
		const webhookPorts = [];
		for (let i = 0; i < webhooks; i++) webhookPorts.push(await runtime.freePort());
		cluster.balancer = await startBalancer({ port: await runtime.freePort(), targets: () => cluster.processes.filter((p) => p.role === 'webhook') });
		const shared = runtime.n8nEnv(rt, userFolder, {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(cluster.pg.port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: cluster.pg.password,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(cluster.redis.port),
			N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
			WEBHOOK_URL: `${cluster.balancer.url}/`,
			N8N_ENCRYPTION_KEY: 'seedream-queue-encryption-key',
			N8N_LOG_LEVEL: 'info',
			QUEUE_HEALTH_CHECK_ACTIVE: 'false',
			...env,
		});
		delete shared.DB_SQLITE_POOL_SIZE;
		cluster.env = shared;
		if (credentials.length) {
			const file = join(root, 'credentials.json');
			writeFileSync(file, JSON.stringify(credentials));
			// Also runs the migrations, so the processes below start on a ready schema.
			await runN8nCli(rt, ['import:credentials', `--input=${file}`], { ...shared, N8N_RUNNERS_BROKER_PORT: String(await runtime.freePort()) });
		}
		const add = async (role, name, port, extra, args) => {
			const proc = n8nProcess({
				rt,
				role,
				name,
				args,
				logDir,
				env: { ...shared, ...(port ? { N8N_PORT: String(port) } : {}), N8N_RUNNERS_BROKER_PORT: String(await runtime.freePort()), ...extra },
			});
			proc.port = port;
			cluster.processes.push(proc);
			return proc;
		};
		cluster.main = await add('main', 'main', mainPort, {}, ['start']);
		await cluster.main.start();
		cluster.url = `http://127.0.0.1:${mainPort}`;
		cluster.webhookProcessors = [];
		for (let i = 0; i < webhooks; i++) cluster.webhookProcessors.push(await add('webhook', `webhook-${i + 1}`, webhookPorts[i], {}, ['webhook']));
		cluster.workers = [];
		for (let i = 0; i < workers; i++) cluster.workers.push(await add('worker', `worker-${i + 1}`, undefined, workerEnv, ['worker']));
		// Start-up is CPU-bound on 2 cores: one at a time is not slower and logs stay readable.
		for (const proc of [...cluster.webhookProcessors, ...cluster.workers]) await proc.start();
	} catch (error) {
		await stopCluster(cluster);
		throw error;
	}
	cluster.server = { url: cluster.url };
	cluster.stop = () => stopCluster(cluster);
	return cluster;
}

/** Clusters not stopped yet: an aborted run (Ctrl-C, a jest timeout) must not leave them behind. */
const live = new Set();
process.once('exit', () => {
	for (const cluster of live) {
		for (const proc of cluster.processes ?? []) if (proc.alive()) proc.child.kill('SIGKILL');
		cluster.redis?.stop();
		cluster.pg?.stop();
	}
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

async function stopCluster(cluster) {
	live.delete(cluster);
	await Promise.all((cluster.processes ?? []).map((proc) => proc.stop().catch(() => {})));
	await cluster.balancer?.close().catch(() => {});
	cluster.redis?.stop();
	cluster.pg?.stop();
	if (cluster.root && !process.env.SEEDREAM_KEEP_CLUSTER) rmSync(cluster.root, { recursive: true, force: true });
}

function runN8nCli(rt, args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(rt.nodeBin, [rt.n8nBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (out += c));
		child.once('close', (status) => (status === 0 ? resolve(out) : reject(new Error(`n8n ${args.join(' ')} failed (${status}):\n${out.slice(-3000)}`))));
	});
}

/** Creates workflows over main's REST API (activating those marked active) as the owner. */
async function createWorkflows(cluster, workflows) {
	const cookie = await runtime.ownerSession(cluster.server);
	const created = [];
	for (const workflow of workflows) {
		const { id: _id, versionId: _v, active, ...definition } = workflow;
		const made = await rest(cluster, 'POST', '/workflows', { settings: {}, ...definition, active: false }, cookie);
		if (active) await rest(cluster, 'POST', `/workflows/${made.id}/activate`, { versionId: made.versionId }, cookie);
		created.push({ ...workflow, id: made.id, versionId: made.versionId });
	}
	return created;
}

async function rest(cluster, method, path, body, cookie) {
	cookie ??= await runtime.ownerSession(cluster.server);
	const response = await fetch(`${cluster.url}/rest${path}`, {
		method,
		headers: { 'content-type': 'application/json', cookie },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`n8n ${method} /rest${path} answered ${response.status}: ${text.slice(0, 500)}`);
	return JSON.parse(text).data;
}

/** Executions as stored in Postgres: what every process sees. */
function executions(cluster, workflowId) {
	const where = workflowId ? `WHERE "workflowId" = '${workflowId.replace(/'/g, '')}'` : '';
	return cluster.pg
		.psql(`SELECT id, "workflowId", status, finished, mode FROM execution_entity ${where} ORDER BY id`)
		.split('\n')
		.filter(Boolean)
		.map((row) => {
			const [id, wf, status, finished, mode] = row.split('\t');
			return { id: Number(id), workflowId: wf, status, finished: finished === 't', mode };
		});
}

/** The run data n8n saved for an execution (its `flatted` format, read with n8n's own copy). */
function executionData(cluster, executionId, rt) {
	const text = cluster.pg.psql(`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`).trim();
	if (!text) return undefined;
	const flatted = require(require.resolve('flatted', { paths: [rt.n8nDir, join(rt.n8nDir, 'node_modules', 'n8n')] }));
	return flatted.parse(text);
}

function customData(cluster, executionId) {
	return Object.fromEntries(
		cluster.pg
			.psql(`SELECT key, value FROM execution_metadata WHERE "executionId" = ${Number(executionId)}`)
			.split('\n')
			.filter(Boolean)
			.map((row) => row.split('\t')),
	);
}

/**
 * What keeps the cluster from being quiet, as readable lines (none: quiet): executions that are
 * new, running or waiting (except `exceptIds`), jobs in the Bull queue in Redis (n8n's queue
 * "jobs" under the default prefix "bull": waiting, active, delayed, paused) and requests the
 * balancer has not answered yet.
 */
function busy(cluster, { exceptIds = [] } = {}) {
	const lines = [];
	const skip = new Set(exceptIds.map(Number));
	for (const row of executions(cluster)) {
		if (['new', 'running', 'waiting'].includes(row.status) && !skip.has(row.id)) lines.push(`execution ${row.id} ${row.status}`);
	}
	const counts = redisCli(cluster, ['EVAL', "return {redis.call('LLEN', 'bull:jobs:wait'), redis.call('LLEN', 'bull:jobs:active'), redis.call('ZCARD', 'bull:jobs:delayed'), redis.call('LLEN', 'bull:jobs:paused')}", '0'])
		.split('\n')
		.filter(Boolean)
		.map(Number);
	['waiting', 'active', 'delayed', 'paused'].forEach((state, index) => {
		if (counts[index] > 0) lines.push(`${counts[index]} Bull job(s) ${state}`);
	});
	if (cluster.balancer?.inFlight > 0) lines.push(`${cluster.balancer.inFlight} request(s) in flight at the balancer`);
	return lines;
}

function redisCli(cluster, args) {
	const bin = which('redis-cli');
	if (!bin) throw new Error('redis-cli not found (Debian package redis-tools, installed with redis-server)');
	// Not a terminal: redis-cli prints one plain value per line.
	return check(bin, ['-h', '127.0.0.1', '-p', String(cluster.redis.port), ...args]);
}

/**
 * Where the cluster's binary data went: rows of Postgres' `binary_data` table and files under
 * the shared storage folder, each counted per execution id.
 */
function binaryStorage(cluster) {
	const rows = {};
	for (const line of cluster.pg.psql(`SELECT "sourceId", count(*) FROM binary_data WHERE "sourceType" = 'execution' GROUP BY "sourceId"`).split('\n').filter(Boolean)) {
		const [id, count] = line.split('\t');
		rows[id] = Number(count);
	}
	const totalRows = Number(cluster.pg.psql('SELECT count(*) FROM binary_data').trim());
	const fileIds = new Set(cluster.pg.psql('SELECT "fileId" FROM binary_data').split('\n').filter(Boolean));
	const storage = join(cluster.userFolder, '.n8n', 'storage');
	/** Whether a binary id n8n stored in run data names bytes that exist where its mode keeps them. */
	const holds = (id) => {
		const [mode, rest] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
		if (mode === 'database') return fileIds.has(rest);
		if (mode === 'filesystem-v2') return existsSync(join(storage, rest));
		return false;
	};
	const files = {};
	const workflowsDir = join(cluster.userFolder, '.n8n', 'storage', 'workflows');
	if (existsSync(workflowsDir)) {
		for (const workflowId of readdirSync(workflowsDir)) {
			const executionsDir = join(workflowsDir, workflowId, 'executions');
			if (!existsSync(executionsDir)) continue;
			for (const executionId of readdirSync(executionsDir)) {
				const dir = join(executionsDir, executionId, 'binary_data');
				const count = existsSync(dir) ? readdirSync(dir).filter((name) => !name.endsWith('.metadata')).length : 0;
				if (count) files[executionId] = (files[executionId] ?? 0) + count;
			}
		}
	}
	return { rows, totalRows, files, holds };
}

/** Peak-sampled RSS of a process and its children (the task runner), in bytes. */
function treeRss(pid) {
	const result = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
	const rows = result.stdout
		.split('\n')
		.filter(Boolean)
		.map((line) => line.trim().split(/\s+/).map(Number));
	const own = rows.find(([p]) => p === pid);
	return { self: (own?.[2] ?? 0) * 1024, children: rows.filter(([, parent]) => parent === pid).reduce((sum, [, , rss]) => sum + rss * 1024, 0) };
}

module.exports = { BINARY_MODES, ensureQueueServices, startCluster, createWorkflows, rest, executions, executionData, customData, busy, binaryStorage, treeRss, sleep };
