/**
 * Shared by the queue-mode test files and the bench: the sink Report nodes post to, small waiting
 * helpers, the binary data modes to run (SEEDREAM_SCALE_BINARY_MODES) and one running cluster per
 * mode for a describe block (describeEachBinaryMode, useQueueCluster).
 */
import type { afterAll as AfterAll, beforeAll as BeforeAll, describe as Describe, it as It } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { decodeImage } from '../../mock/images';
import { waitUntilQuiet, type BusyProbe } from '../helpers/quiet';

/**
 * scripts/n8n/*.cjs, loaded when first needed: the bench runs a compiled copy of this file from
 * .build/, two folders further from them, and uses only the sink.
 */
function script(name: 'cluster' | 'runtime') {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const file = join(dir, 'scripts', 'n8n', `${name}.cjs`);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		if (existsSync(file)) return require(file);
	}
	throw new Error(`scripts/n8n/${name}.cjs not found above ${__dirname}`);
}

export interface Report {
	scenario: string;
	exec: number;
	item: number;
	source: number | undefined;
	task: string;
	bytes: number;
	width: number;
	height: number;
	at: number;
}

export interface Sink {
	port: number;
	reports: Report[];
	of(scenario: string, exec?: number): Report[];
	close(): Promise<void>;
}

export async function startSink(port: number, { decode = true }: { decode?: boolean } = {}): Promise<Sink> {
	const reports: Report[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://sink');
			const body = Buffer.concat(chunks);
			let width = 0;
			let height = 0;
			if (decode) {
				try {
					({ width, height } = decodeImage(body));
				} catch {
					// not an image: width 0 fails the test that expects one
				}
			}
			const source = url.searchParams.get('source');
			reports.push({
				scenario: url.searchParams.get('scenario') ?? '',
				exec: Number(url.searchParams.get('exec')),
				item: Number(url.searchParams.get('item')),
				source: source === '-' || source === null ? undefined : Number(source),
				task: url.searchParams.get('task') ?? '',
				bytes: body.length,
				width,
				height,
				at: Date.now(),
			});
			res.setHeader('content-type', 'application/json');
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		port,
		reports,
		of: (scenario, exec) => reports.filter((r) => r.scenario === scenario && (exec === undefined || r.exec === exec)),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000, context: () => string = () => ''): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.text();
	let json: unknown = text;
	try {
		json = JSON.parse(text);
	} catch {
		// keep the text
	}
	return { status: response.status, json };
}

export type BinaryMode = 'database' | 'filesystem';

/**
 * The modes SEEDREAM_SCALE_BINARY_MODES names, in its order (default: every mode). An unknown,
 * empty or repeated entry throws, so the test file fails to load; a known mode left out is
 * returned in `leftOut`, and describeEachBinaryMode turns it into a failing test: no run passes
 * while silently proving one mode only. Narrow a development run with `-t` instead.
 */
export function binaryModesToRun(value: string | undefined = process.env.SEEDREAM_SCALE_BINARY_MODES): { run: BinaryMode[]; leftOut: BinaryMode[] } {
	const BINARY_MODES: readonly BinaryMode[] = script('cluster').BINARY_MODES;
	if (value === undefined) return { run: [...BINARY_MODES], leftOut: [] };
	const entries = value.split(',').map((entry) => entry.trim());
	for (const entry of entries) {
		if (!(BINARY_MODES as readonly string[]).includes(entry)) {
			throw new Error(`SEEDREAM_SCALE_BINARY_MODES="${value}": "${entry}" is not a binary data mode (known: ${BINARY_MODES.join(', ')})`);
		}
	}
	if (new Set(entries).size !== entries.length) throw new Error(`SEEDREAM_SCALE_BINARY_MODES="${value}" names a mode twice`);
	const run = entries as BinaryMode[];
	return { run, leftOut: BINARY_MODES.filter((mode) => !run.includes(mode)) };
}

/** A process of the cluster (scripts/n8n/cluster.cjs n8nProcess). */
export interface ClusterProcess {
	name: string;
	role: string;
	port?: number;
	pid: number;
	output(): string;
	kill9(): void;
	start(): Promise<unknown>;
	stop(): Promise<void>;
	restart(): Promise<unknown>;
	alive(): boolean;
}

export interface Routed {
	path: string;
	target: string;
	status: number;
	at: number;
	/** The start of the answer's body. */
	body: string;
}

export interface Cluster {
	url: string;
	userFolder: string;
	binaryMode: BinaryMode;
	/** Round robin, but paths starting with an entry of `sticky` always go to one processor. */
	balancer: { url: string; routed: Routed[]; inFlight: number; sticky: string[] };
	main: ClusterProcess;
	webhookProcessors: Array<ClusterProcess & { port: number }>;
	workers: ClusterProcess[];
	processes: ClusterProcess[];
	stop(): Promise<void>;
}

export interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
}

/** What startCluster takes besides the mode (scripts/n8n/cluster.cjs). */
export interface ClusterOptions {
	credentials?: Array<Record<string, unknown>>;
	env?: Record<string, string>;
	workerEnv?: Record<string, string>;
	webhooks?: number;
	workers?: number;
	log?: (text: string) => void;
}

/** One running cluster in one binary data mode, started and stopped by useQueueCluster. */
export interface QueueCluster {
	readonly mode: BinaryMode;
	/** The running cluster (throws before beforeAll started it). */
	readonly cluster: Cluster;
	executions(workflowId?: string): ExecutionRow[];
	/** The run data n8n stored for an execution (its `resultData` and `executionData`). */
	executionData(executionId: number): { resultData?: { runData?: Record<string, unknown[]> } } | undefined;
	/** Executions new/running/waiting (but `exceptIds`), Bull jobs in Redis, balancer requests in flight. */
	busy(options?: { exceptIds?: number[] }): string[];
	/** Until busy() and every extra probe report nothing, several polls in a row (test/helpers/quiet.ts). */
	waitUntilQuiet(what: string, options?: { exceptIds?: number[]; probes?: BusyProbe[]; timeoutMs?: number }): Promise<number>;
	/** Binary rows in Postgres and files in the shared storage folder, per execution id. */
	binaryStorage(): { rows: Record<string, number>; totalRows: number; files: Record<string, number>; holds(binaryId: string): boolean };
	/** The tail of every process's output, for failure messages. */
	context(): string;
}

const jestGlobals = () => globalThis as unknown as { describe: typeof Describe; it: typeof It; beforeAll: typeof BeforeAll; afterAll: typeof AfterAll };
const log = (text: string) => process.stdout.write(`${text}\n`);
let services: unknown;

/**
 * Starts one queue-mode cluster in `mode` in a beforeAll of the current describe block (after the
 * beforeAll hooks registered before this call, so a mock server started there can be named in
 * `options`, which is read only then) and stops it in afterAll. Postgres and Redis binaries are
 * checked (and installed as root when missing) once per test file.
 */
export function useQueueCluster(mode: BinaryMode, options: () => ClusterOptions | Promise<ClusterOptions> = () => ({})): QueueCluster {
	const { beforeAll, afterAll } = jestGlobals();
	const cluster = script('cluster');
	let running: Cluster | undefined;
	const handle: QueueCluster = {
		mode,
		get cluster() {
			if (!running) throw new Error(`the ${mode} cluster is not running`);
			return running;
		},
		executions: (workflowId) => cluster.executions(handle.cluster, workflowId),
		executionData: (executionId) => cluster.executionData(handle.cluster, executionId, runtimeN8n),
		busy: (busyOptions) => cluster.busy(handle.cluster, busyOptions),
		waitUntilQuiet: async (what, { exceptIds, probes = [], timeoutMs } = {}) =>
			await waitUntilQuiet(what, [() => handle.busy({ exceptIds }), ...probes], { timeoutMs, context: handle.context }),
		binaryStorage: () => cluster.binaryStorage(handle.cluster),
		context: () => (running ? running.processes.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n') : 'no cluster'),
	};
	let runtimeN8n: unknown;
	beforeAll(async () => {
		const started = Date.now();
		services ??= cluster.ensureQueueServices({ log });
		runtimeN8n = await script('runtime').ensureN8n({ line: 2 });
		running = await cluster.startCluster({ log, ...(await options()), services, binaryMode: mode });
		log(`${mode} cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		// Start-up is CPU-bound: over 10 minutes were seen on a 2-core machine shared by several suites.
	}, 900_000);
	afterAll(async () => {
		await running?.stop();
		running = undefined;
	});
	return handle;
}

/**
 * describe.each over the binary modes SEEDREAM_SCALE_BINARY_MODES names (binaryModesToRun); `body`
 * registers the block's hooks and tests, usually starting with useQueueCluster(mode, …). A mode
 * the variable leaves out becomes a failing test, so such a run never passes.
 */
export function describeEachBinaryMode(title: string, body: (mode: BinaryMode) => void): void {
	const { describe, it } = jestGlobals();
	const { run, leftOut } = binaryModesToRun();
	for (const mode of run) describe(`${title}, binary data mode "${mode}"`, () => body(mode));
	for (const mode of leftOut) {
		describe(`${title}, binary data mode "${mode}"`, () => {
			it('runs (SEEDREAM_SCALE_BINARY_MODES left it out)', () => {
				throw new Error(`SEEDREAM_SCALE_BINARY_MODES="${process.env.SEEDREAM_SCALE_BINARY_MODES}" leaves out "${mode}": this run does not prove every binary data mode. Narrow a development run with -t instead.`);
			});
		});
	}
}
