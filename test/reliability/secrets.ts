/** Finds secrets in whatever a run leaves behind: output, errors with their causes, logs. */

/**
 * Every string reachable from a value: own properties enumerable or not (an Error's message,
 * stack and cause), through objects, arrays, maps and buffers' text, without looping on cycles.
 */
export function allText(value: unknown): string {
	const seen = new WeakSet<object>();
	const parts: string[] = [];
	let budget = 200_000;
	const walk = (current: unknown, depth: number) => {
		if (budget-- <= 0 || depth > 12) return;
		if (typeof current === 'string') return void parts.push(current);
		if (typeof current === 'number' || typeof current === 'boolean') return;
		if (!current || (typeof current !== 'object' && typeof current !== 'function')) return;
		if (seen.has(current)) return;
		seen.add(current);
		if (Buffer.isBuffer(current)) return void parts.push(current.toString('latin1'));
		if (current instanceof Map) {
			for (const [key, entry] of current) {
				walk(key, depth + 1);
				walk(entry, depth + 1);
			}
			return;
		}
		for (const key of Object.getOwnPropertyNames(current)) {
			parts.push(key);
			let entry: unknown;
			try {
				entry = (current as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			walk(entry, depth + 1);
		}
	};
	walk(value, 0);
	return parts.join('\n');
}
