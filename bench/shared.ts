// Types and small helpers shared by the bench orchestrator (run.ts) and its child runner (runner.ts).

/** What the orchestrator asks a child process to do. */
export type Job =
	| {
			kind: 'node';
			baseUrl: string;
			parameters: Record<string, unknown>;
			prompts: string[];
			/** Parameters of a small run made first, so module loading and JIT are not timed. */
			warmup?: Record<string, unknown>;
			/** Check that every output item carries a stored binary. */
			expectImages: number;
	  }
	| {
			kind: 'bare';
			baseUrl: string;
			bodies: Array<Record<string, unknown>>;
			concurrency: number;
			warmupBody: Record<string, unknown>;
	  }
	| { kind: 'download'; urls: string[] };

export interface MemoryFigures {
	/** RSS after warm-up and a full GC, just before the measured run. */
	baselineBytes: number;
	/** Highest RSS sampled (every 2 ms) during the measured run. */
	peakBytes: number;
	/** Kernel's high-water mark for the whole child (includes start-up). */
	maxRssBytes: number;
}

export interface JobResult {
	/** Date.now() when the measured part started and ended. */
	startedAt: number;
	endedAt: number;
	wallMs: number;
	memory: MemoryFigures;
	/** node: output items; bare/download: files written or fetched. */
	count: number;
	/** node: bytes of all stored binaries; bare: mean file size; download: size of the file. */
	bytes: number;
	/** Per-URL times of a download job. */
	timesMs?: number[];
	error?: string;
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

export const median = (values: number[]) => percentile(values, 50);

export const MB = 1024 * 1024;
