/**
 * Runs `worker` over `inputs` with at most `limit` in flight and returns every outcome in input
 * order. Nothing is abandoned when one input fails: the others may already be paid jobs.
 */
export async function settleWithConcurrency<T, R>(
	inputs: T[],
	limit: number,
	worker: (input: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
	const outcomes = new Array<PromiseSettledResult<R>>(inputs.length);
	let next = 0;
	const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, inputs.length));
	const runLane = async () => {
		while (next < inputs.length) {
			const index = next++;
			try {
				outcomes[index] = { status: 'fulfilled', value: await worker(inputs[index], index) };
			} catch (reason) {
				outcomes[index] = { status: 'rejected', reason };
			}
		}
	};
	await Promise.all(Array.from({ length: lanes }, runLane));
	return outcomes;
}
