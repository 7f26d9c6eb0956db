/**
 * The report of the fault suites: one row per fault, printed when a suite file ends
 * (`npm run test:faults`). Written to stdout directly: jest forwards a worker's stdout as is.
 */
export interface FaultRow {
	fault: string;
	outcome: string;
	/** POST /seedream/images requests that reached the mock. */
	creates: number;
	/** Where the task id went, or why there is none. */
	taskId: string;
}

/** What a row's test returns; the create count is read from the mock afterwards unless given. */
export type RowResult = Omit<FaultRow, 'fault' | 'creates'> & { creates?: number };

export const TASK_ID = {
	output: 'yes (output)',
	error: 'yes (error)',
	both: 'yes (output and error)',
	noJob: 'n/a (no job)',
	/** The answer that would carry the id was lost: the error points to where the job can be found. */
	lost: 'not received; error names trace id + console',
	lostNoTrace: 'not received; error points to console',
} as const;

/** `creates` reads the mock's create counter after a row's test (rows may give their own count). */
export function faultTable(title: string, creates: () => number) {
	const rows: FaultRow[] = [];
	afterAll(() => {
		if (rows.length === 0) return;
		const header: FaultRow = {
			fault: 'fault',
			outcome: 'outcome',
			creates: Number.NaN,
			taskId: 'task id kept',
		};
		const cells = (row: FaultRow) => [
			row.fault,
			row.outcome,
			Number.isNaN(row.creates) ? 'creates sent' : String(row.creates),
			row.taskId,
		];
		const all = [header, ...rows].map(cells);
		const widths = all[0].map((_, column) => Math.max(...all.map((line) => line[column].length)));
		const line = (values: string[]) =>
			`| ${values.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
		const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
		const text = [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
		process.stdout.write(`\n${title} (${rows.length} rows)\n${text}\n\n`);
	});
	const add = (row: FaultRow) => {
		rows.push(row);
	};
	return {
		rows,
		add,
		/** One row as one test: the test runs the fault, the row records its outcome and the creates sent. */
		row(fault: string, run: () => Promise<RowResult>): void {
			it(fault, async () => {
				const result = await run();
				add({ fault, ...result, creates: result.creates ?? creates() });
			});
		},
	};
}
