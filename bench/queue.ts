// Queue-mode workloads of `npm run bench`: the node in real n8n 2.41.1 workers (Postgres, Redis,
// main, webhook processor, workers: scripts/n8n/cluster.cjs), every execution started by a
// production webhook call, the mock API in this process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { request } from 'undici';

import { startMockServer, type MockOptions, type MockServer } from '../mock/server';
import { chain, flow, seedream, CREDENTIAL_ID, type Workflow } from '../test/scale/workflows';
import { startSink } from '../test/scale/helpers';
import { MB } from './shared';

/** The repository root: compiled into .build/, relative paths to scripts/ differ from the source's. */
function repoRoot(): string {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'n8n-nodes-seedream') return dir;
	}
	throw new Error('repository root not found');
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require(join(repoRoot(), 'scripts', 'n8n', 'cluster.cjs'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require(join(repoRoot(), 'scripts', 'n8n', 'runtime.cjs'));

export interface Figure {
	name: string;
	value: number;
	unit: string;
	target?: string;
	pass?: boolean;
}

export interface WorkloadReport {
	name: string;
	setup: string;
	figures: Figure[];
	notes: string[];
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (text: string) => process.stderr.write(`  ${text}\n`);

type Proc = { name: string; pid: number; stop: () => Promise<void>; start: () => Promise<unknown> };
type Cluster = { balancer: { url: string }; workers: Proc[]; stop: () => Promise<void> };

/** RSS of one process from /proc (cheap enough to sample every 10 ms). */
function rss(pid: number): number {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

async function withCluster<T>(mockOptions: MockOptions, clusterOptions: Record<string, unknown>, work: (c: Cluster, mock: MockServer, sinkPort: number) => Promise<T>): Promise<T> {
	const mock = await startMockServer(mockOptions);
	const sink = await startSink(await runtime.freePort(), { decode: false });
	let c: Cluster | undefined;
	try {
		c = (await cluster.startCluster({
			credentials: [{ id: CREDENTIAL_ID, name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
			log,
			...clusterOptions,
		})) as Cluster;
		return await work(c, mock, sink.port);
	} finally {
		await c?.stop();
		await sink.close();
		await mock.close();
	}
}

async function fire(c: Cluster, path: string, body: unknown): Promise<void> {
	const answer = await request(`${c.balancer.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await answer.body.text();
	if (answer.statusCode !== 200) throw new Error(`webhook ${path} answered ${answer.statusCode}`);
}

async function allFinished(c: Cluster, workflowId: string, count: number, timeoutMs = 600_000): Promise<Array<{ status: string }>> {
	const started = Date.now();
	for (;;) {
		const rows = (cluster.executions(c, workflowId) as Array<{ status: string }>).filter((row) => !['new', 'running', 'waiting'].includes(row.status));
		if (rows.length >= count) return rows;
		if (Date.now() - started > timeoutMs) throw new Error(`only ${rows.length} of ${count} executions finished`);
		await sleep(100);
	}
}

/** Peak RSS of a worker for the 15 × 4K image set, in one binary data mode. */
async function memoryIn(binaryMode: string, images: number): Promise<{ baseline: number; peak: number; downloads: number }> {
	const model = 'doubao-seedream-5-0-lite-260128';
	return await withCluster({ jpegNoise: 0.8 }, { binaryMode, webhooks: 1, workers: 1 }, async (c, mock, sinkPort) => {
		const set = (maxImages: number, size: string) =>
			seedream('Seedream', { resource: 'image', operation: 'generate', mode: 'sync', model, prompt: '={{ $json.prompt }}', size, options: { outputFormat: 'png', maxImages } });
		const nodes = flow('memory', sinkPort, [set(images, '4K')]).nodes.slice(0, -1);
		const warm = flow('memwarm', sinkPort, [set(2, '2K')]).nodes.slice(0, -1);
		const [run, warmup] = (await cluster.createWorkflows(c, [chain('bench memory', nodes), chain('bench memory warm-up', warm)])) as Workflow[];
		// The mock encodes each 4K image once (about 1 s each): not part of the figure.
		const warmCreate = await request(`${mock.url}/seedream/images`, {
			method: 'POST',
			headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
			body: JSON.stringify({ model, prompt: 'warmup', size: '4K', output_format: 'png', sequential_image_generation: 'auto', sequential_image_generation_options: { max_images: images } }),
		});
		const warmed = (await warmCreate.body.json()) as { data?: Array<{ image_url?: string }> };
		for (const item of warmed.data ?? []) if (item.image_url) await (await request(item.image_url)).body.arrayBuffer();
		// A first execution loads the node and the database paths; the baseline is taken after it.
		await fire(c, 'scale-memwarm', { prompts: ['warm-up'] });
		await allFinished(c, warmup.id!, 1);
		await sleep(3000);
		const worker = c.workers[0];
		const idle: number[] = [];
		for (let i = 0; i < 20; i++) {
			idle.push(rss(worker.pid));
			await sleep(50);
		}
		const baseline = idle.sort((a, b) => a - b)[Math.floor(idle.length / 2)];
		let peak = 0;
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				peak = Math.max(peak, rss(worker.pid));
				await sleep(10);
			}
		})();
		const downloadsBefore = mock.stats.downloads;
		await fire(c, 'scale-memory', { prompts: ['A catalogue of 4K product photos'] });
		const [row] = await allFinished(c, run.id!, 1);
		sampling = false;
		await sampler;
		if (row.status !== 'success') throw new Error(`memory run ended ${row.status}`);
		return { baseline, peak, downloads: mock.stats.downloads - downloadsBefore };
	});
}

export async function queueMemory(quick: boolean): Promise<WorkloadReport> {
	const images = quick ? 8 : 15;
	const figures: Figure[] = [];
	const notes: string[] = [];
	for (const mode of ['database', 'filesystem']) {
		const { baseline, peak, downloads } = await memoryIn(mode, images);
		const growth = peak - baseline;
		figures.push(
			{ name: `${mode}: worker idle RSS`, value: round(baseline / MB, 1), unit: 'MB' },
			{ name: `${mode}: worker peak RSS growth`, value: round(growth / MB, 1), unit: 'MB', target: '≤ 64', pass: growth <= 64 * MB },
		);
		if (downloads !== images) notes.push(`${mode}: ${downloads} image downloads for ${images} images`);
	}
	notes.push('Worker RSS sampled every 10 ms from /proc after a warm-up execution; no forced GC is possible in a real worker, so growth includes garbage not yet collected.');
	return {
		name: 'Queue: memory',
		setup: `one execution, image set of ${images} × 4096×4096 PNG, started by a webhook, in a 2.41.1 worker (1 main, 1 webhook processor, 1 worker) with binary mode database, then filesystem`,
		figures,
		notes,
	};
}

/** 20 webhook-started executions × 5 images, 2 s mock latency: 1 worker, then 2. */
export async function queueThroughput(quick: boolean): Promise<WorkloadReport> {
	const executions = quick ? 10 : 20;
	const latencyMs = 2000;
	return await withCluster({ generationDelayMs: latencyMs }, { binaryMode: 'database', webhooks: 2, workers: 2 }, async (c, _mock, sinkPort) => {
		const nodes = flow('throughput', sinkPort, [seedream('Seedream', { resource: 'image', operation: 'generate', mode: 'sync', model: 'doubao-seedream-4-0-250828', prompt: '={{ $json.prompt }}', size: '1K', options: {} })]).nodes.slice(0, -1);
		const [workflow] = (await cluster.createWorkflows(c, [chain('bench throughput', nodes)])) as Workflow[];
		const prompts = Array.from({ length: 5 }, (_, n) => `throughput image ${n}`);
		let done = 0;
		const round1 = async (): Promise<number> => {
			const started = Date.now();
			await Promise.all(Array.from({ length: executions }, () => fire(c, 'scale-throughput', { prompts })));
			const rows = await allFinished(c, workflow.id!, done + executions);
			done += executions;
			const failed = rows.filter((row) => row.status !== 'success').length;
			if (failed) throw new Error(`${failed} throughput executions failed`);
			return Date.now() - started;
		};
		await c.workers[1].stop();
		const oneMs = await round1();
		await c.workers[1].start();
		const twoMs = await round1();
		const perMinute = (ms: number) => round((executions / ms) * 60_000, 1);
		const ratio = round(oneMs / twoMs, 2);
		return {
			name: 'Queue: throughput',
			setup: `${executions} executions started at once by webhook calls (through 2 webhook processors), 5 sync images each (concurrency 5), ${latencyMs / 1000} s mock latency, binary mode database, worker concurrency 10`,
			figures: [
				{ name: '1 worker: executions per minute', value: perMinute(oneMs), unit: '/min' },
				{ name: '1 worker: wall time', value: round(oneMs / 1000), unit: 's' },
				{ name: '2 workers: executions per minute', value: perMinute(twoMs), unit: '/min' },
				{ name: '2 workers: wall time', value: round(twoMs / 1000), unit: 's' },
				{ name: '2 workers ÷ 1 worker', value: ratio, unit: '×' },
			],
			notes: ['Wall time from the first webhook call to the last execution stored as finished in Postgres. All processes share 2 cores, so the ratio shows CPU contention as much as queue scaling.'],
		};
	});
}
