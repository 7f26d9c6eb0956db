/**
 * Negative checks ("no second run", "nothing resumed") are only as good as the wait before them:
 * after a fixed sleep a slow duplicate run still passes. These helpers wait until the system is
 * quiet instead, and count what the stored run data shows. Shared by the end-to-end callback suite
 * (one `n8n start`) and the queue-mode suite (test/scale).
 */

/** Every probe lists what is still busy ("execution 12 running", "1 callback in flight"); none: quiet. */
export type BusyProbe = () => string[] | Promise<string[]>;

/**
 * Resolves once every probe reports nothing busy on `confirmations` polls in a row, `intervalMs`
 * apart: one quiet poll can fall into the gap between a webhook's answer and the execution it
 * starts. Fails with what was still busy after `timeoutMs`. Returns how long it waited.
 */
export async function waitUntilQuiet(
	what: string,
	probes: BusyProbe[],
	{ timeoutMs = 120_000, intervalMs = 250, confirmations = 3, context = () => '' }: { timeoutMs?: number; intervalMs?: number; confirmations?: number; context?: () => string } = {},
): Promise<number> {
	const started = Date.now();
	let quietPolls = 0;
	for (;;) {
		const busy = (await Promise.all(probes.map(async (probe) => await probe()))).flat();
		quietPolls = busy.length === 0 ? quietPolls + 1 : 0;
		if (quietPolls >= confirmations) return Date.now() - started;
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not quiet after ${timeoutMs} ms: ${busy.join('; ')}\n${context()}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** The mock's callbacks not answered yet (a delivery without a status is in flight). */
export function callbacksInFlight(callbacks: Array<{ status?: number }>, expected?: number): string[] {
	const open = callbacks.filter((delivery) => delivery.status === undefined).length;
	const lines = open ? [`${open} callback(s) in flight`] : [];
	if (expected !== undefined && callbacks.length < expected) lines.push(`${callbacks.length} of ${expected} callbacks sent`);
	return lines;
}

interface StoredRun {
	data?: { main?: Array<Array<unknown> | null> };
}

/**
 * How often each node ran in an execution's stored run data, and how many items each run put out
 * on its first output: `{ Seedream: [6], Report: [6] }` is one run of each with six items.
 */
export function runCounts(runData: Record<string, StoredRun[] | undefined> | undefined): Record<string, number[]> {
	return Object.fromEntries(Object.entries(runData ?? {}).map(([node, runs]) => [node, (runs ?? []).map((run) => run.data?.main?.[0]?.length ?? 0)]));
}
