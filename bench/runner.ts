// Child process of the bench: runs one job (the Seedream node through n8n-core, a bare undici
// client, or plain downloads) and reports its timing and memory. One process per job keeps the
// RSS figures free of the mock API (which runs in the parent) and of earlier jobs.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { INodeExecutionData } from 'n8n-workflow';
import { Agent, request } from 'undici';

import { SeedreamApi } from '../credentials/SeedreamApi.credentials';
import { Seedream } from '../nodes/Seedream/Seedream.node';
import { cleanupBinaryStorage, readBinary, runNode } from '../test/helpers/n8n';
import type { Job, JobResult, MemoryFigures } from './shared';

const TOKEN = 'test-token';

function startSampler() {
	let peak = process.memoryUsage.rss();
	const timer = setInterval(() => {
		const rss = process.memoryUsage.rss();
		if (rss > peak) peak = rss;
	}, 2);
	return {
		stop(): number {
			clearInterval(timer);
			return Math.max(peak, process.memoryUsage.rss());
		},
	};
}

async function settle(): Promise<number> {
	const gc = (globalThis as { gc?: () => void }).gc;
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return process.memoryUsage.rss();
}

/** Runs `work` between a GC'd baseline and its end, sampling RSS all along. */
async function measured(
	work: () => Promise<Omit<JobResult, 'startedAt' | 'endedAt' | 'wallMs' | 'memory'>>,
): Promise<JobResult> {
	const baselineBytes = await settle();
	const sampler = startSampler();
	const startedAt = Date.now();
	const started = performance.now();
	let outcome: Omit<JobResult, 'startedAt' | 'endedAt' | 'wallMs' | 'memory'>;
	try {
		outcome = await work();
	} catch (error) {
		outcome = { count: 0, bytes: 0, error: error instanceof Error ? error.message : String(error) };
	}
	const wallMs = performance.now() - started;
	const endedAt = Date.now();
	const memory: MemoryFigures = {
		baselineBytes,
		peakBytes: sampler.stop(),
		maxRssBytes: process.resourceUsage().maxRSS * 1024,
	};
	return { ...outcome, startedAt, endedAt, wallMs, memory };
}

async function runSeedream(
	baseUrl: string,
	parameters: Record<string, unknown>,
	prompts: string[],
) {
	return await runNode({
		nodeType: new Seedream(),
		credentialTypes: [new SeedreamApi()],
		credentials: { seedreamApi: { apiToken: TOKEN, baseUrl } },
		parameters: { ...parameters, prompt: '={{ $json.prompt }}' } as never,
		inputItems: prompts.map((prompt): INodeExecutionData => ({ json: { prompt } })),
	});
}

async function nodeJob(job: Extract<Job, { kind: 'node' }>): Promise<JobResult> {
	if (job.warmup) {
		const warm = await runSeedream(job.baseUrl, job.warmup, ['warmup']);
		if (warm.error) throw new Error(`warm-up run failed: ${warm.error.message}`);
	}
	let items: INodeExecutionData[] = [];
	const result = await measured(async () => {
		const run = await runSeedream(job.baseUrl, job.parameters, job.prompts);
		if (run.error) throw new Error(`${run.error.message} ${run.error.description ?? ''}`);
		items = run.items[0] ?? [];
		return { count: items.length, bytes: 0 };
	});
	// Checked after the measurement: reading a binary back loads it into memory.
	const withBinary = items.filter((item) => item.binary?.data);
	if (!result.error && (items.length !== job.expectImages || withBinary.length !== items.length)) {
		result.error = `expected ${job.expectImages} items with binary data, got ${items.length} items, ${withBinary.length} with binary`;
	}
	// Total stored bytes, read back after the measurement (reading loads each file into memory).
	for (const item of withBinary) result.bytes += (await readBinary(item.binary!.data)).length;
	return result;
}

/** What a hand-written client would do: create, then stream each image URL into a file. */
async function bareJob(job: Extract<Job, { kind: 'bare' }>): Promise<JobResult> {
	const dir = mkdtempSync(join(tmpdir(), 'seedream-bench-bare-'));
	const dispatcher = new Agent({ connections: job.concurrency });
	let fileNo = 0;
	let bytes = 0;
	const generate = async (body: Record<string, unknown>) => {
		const create = await request(`${job.baseUrl}/seedream/images`, {
			method: 'POST',
			dispatcher,
			headers: {
				authorization: `Bearer ${TOKEN}`,
				'content-type': 'application/json',
				accept: 'application/json',
			},
			body: JSON.stringify(body),
			headersTimeout: 600_000,
			bodyTimeout: 600_000,
		});
		const answer = (await create.body.json()) as { data?: Array<{ image_url?: string }> };
		if (create.statusCode !== 200) throw new Error(`create answered ${create.statusCode}`);
		for (const item of answer.data ?? []) {
			if (!item.image_url) continue;
			const image = await request(item.image_url, { dispatcher });
			if (image.statusCode !== 200) throw new Error(`download answered ${image.statusCode}`);
			const file = join(dir, `image-${fileNo++}.jpg`);
			let size = 0;
			image.body.on('data', (chunk: Buffer) => (size += chunk.length));
			await pipeline(image.body, createWriteStream(file));
			bytes += size;
		}
	};
	try {
		await generate(job.warmupBody);
		fileNo = 0;
		bytes = 0;
		return await measured(async () => {
			let next = 0;
			const lane = async () => {
				while (next < job.bodies.length) await generate(job.bodies[next++]);
			};
			await Promise.all(Array.from({ length: Math.min(job.concurrency, job.bodies.length) }, lane));
			return { count: fileNo, bytes: Math.round(bytes / Math.max(1, fileNo)) };
		});
	} finally {
		await dispatcher.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Times plain sequential GETs: what one image's transfer costs with nothing else running. */
async function downloadJob(job: Extract<Job, { kind: 'download' }>): Promise<JobResult> {
	const timesMs: number[] = [];
	let bytes = 0;
	const result = await measured(async () => {
		for (const url of job.urls) {
			const started = performance.now();
			const response = await request(url);
			let size = 0;
			await pipeline(
				response.body,
				new Writable({
					write(chunk: Buffer, _encoding, done) {
						size += chunk.length;
						done();
					},
				}),
			);
			timesMs.push(performance.now() - started);
			bytes = size;
		}
		return { count: job.urls.length, bytes };
	});
	return { ...result, timesMs };
}

process.once('message', (job: Job) => {
	const run =
		job.kind === 'node' ? nodeJob(job) : job.kind === 'bare' ? bareJob(job) : downloadJob(job);
	run
		.catch(
			(error: Error): JobResult => ({
				startedAt: 0,
				endedAt: 0,
				wallMs: 0,
				memory: { baselineBytes: 0, peakBytes: 0, maxRssBytes: 0 },
				count: 0,
				bytes: 0,
				error: error.stack ?? error.message,
			}),
		)
		.then((result) => {
			cleanupBinaryStorage();
			process.send!(result, () => process.exit(0));
		});
});
