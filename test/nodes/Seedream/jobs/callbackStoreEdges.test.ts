/**
 * Where a paused node keeps its paid task ids (execution custom data, n8n's 512-character values and
 * 10-key limit) and which callback URLs the internet cannot reach: the edges of each rule.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	callbackUrlFromResumeUrl,
	chunkKey,
	chunkTaskIds,
	CUSTOM_DATA_KEY_LIMIT,
	executionCustomData,
	executionResumeUrl,
	isLocalUrl,
	pausedTasks,
	readStoredTaskIds,
	TASK_IDS_KEY,
} from '../../../../nodes/Seedream/jobs/callbackStore';

const store = (all: Record<string, unknown>) => ({ getAll: () => all, get: (key: string) => all[key], set: () => undefined, setAll: () => undefined });

describe('custom data of a paused node', () => {
	it('names the first chunk seedream_task_ids and the next ones _2, _3 …', () => {
		expect([0, 1, 9].map(chunkKey)).toEqual([TASK_IDS_KEY, `${TASK_IDS_KEY}_2`, `${TASK_IDS_KEY}_10`]);
		expect(CUSTOM_DATA_KEY_LIMIT).toBe(10);
	});

	it('fills a chunk up to exactly 480 characters, commas included, then starts the next', () => {
		const id = 'x'.repeat(95); // 5 ids and 4 commas: 479 characters
		expect(chunkTaskIds([id, id, id, id, id])).toEqual([[id, id, id, id, id].join(',')]);
		const longer = 'x'.repeat(96); // 5 ids and 4 commas: 484 characters
		expect(chunkTaskIds([longer, longer, longer, longer, longer])).toEqual([
			[longer, longer, longer, longer].join(','),
			longer,
		]);
		const exact = ['x'.repeat(160), 'y'.repeat(159), 'z'.repeat(159)]; // 160 + 1 + 159 + 1 + 159 = 480
		expect(chunkTaskIds(exact)).toEqual([exact.join(',')]);
		expect(chunkTaskIds([undefined, '', 'a'])).toEqual(['-,-,a']);
		expect(chunkTaskIds([])).toEqual(['']);
	});

	it('counts every comma of a chunk: many short ids fill it to 472 characters (43 ids), not past 480', () => {
		const ids = Array.from({ length: 60 }, (_, index) => `task-${String(index).padStart(5, '0')}`); // 10 characters each
		const chunks = chunkTaskIds(ids);
		expect(chunks.map((chunk) => [chunk.length, chunk.split(',').length])).toEqual([
			[472, 43],
			[186, 17],
		]);
		expect(readStoredTaskIds(store({ [chunkKey(0)]: chunks[0], [chunkKey(1)]: chunks[1] }) as never)).toEqual(ids);
	});

	it('puts an id longer than a chunk into its own chunk, with no empty chunk before it (that would read back as no ids)', () => {
		const long = 'x'.repeat(500);
		expect(chunkTaskIds([long])).toEqual([long]);
		expect(chunkTaskIds([long, 'a'])).toEqual([long, 'a']);
	});

	it('lists the submitted tasks of the paused node with their item positions, and how many items it had', () => {
		const context = (all: Record<string, unknown>) => ({ customData: store(all) }) as unknown as IExecuteFunctions;
		expect(pausedTasks(context({ [TASK_IDS_KEY]: 'a,-,b', [chunkKey(1)]: '-' }))).toEqual({
			tasks: [
				{ itemIndex: 0, taskId: 'a' },
				{ itemIndex: 2, taskId: 'b' },
			],
			itemCount: 4,
		});
		expect(pausedTasks(context({}))).toBeUndefined();
		expect(pausedTasks({ evaluateExpression: () => undefined } as unknown as IExecuteFunctions)).toBeUndefined();
	});

	it('reads ids back, "-" and blanks as not submitted, stops at the first missing chunk and at the key limit', () => {
		expect(readStoredTaskIds(store({ [TASK_IDS_KEY]: 'a, -,,b', [chunkKey(1)]: 'c' }) as never)).toEqual(['a', undefined, undefined, 'b', 'c']);
		expect(readStoredTaskIds(store({ [TASK_IDS_KEY]: 'a', [chunkKey(2)]: 'skipped' }) as never)).toEqual(['a']);
		expect(readStoredTaskIds(store({ [TASK_IDS_KEY]: 'a', [chunkKey(1)]: '' , [chunkKey(2)]: 'c'}) as never)).toEqual(['a']);
		const all: Record<string, string> = {};
		for (let index = 0; index < 12; index++) all[chunkKey(index)] = `t${index}`;
		expect(readStoredTaskIds(store(all) as never)).toEqual(Array.from({ length: 10 }, (_, index) => `t${index}`));
		expect(readStoredTaskIds(store({ [TASK_IDS_KEY]: '' }) as never)).toBeUndefined();
		expect(readStoredTaskIds(store({ [TASK_IDS_KEY]: 5 }) as never)).toBeUndefined();
	});

	it('finds custom data on the context (n8n 2.x) or through $execution.customData (n8n 1.x), else none', () => {
		const data = store({});
		const expressions: string[] = [];
		const viaExpression = { evaluateExpression: (expression: string) => (expressions.push(expression), data) };
		expect(executionCustomData({ customData: data } as unknown as IExecuteFunctions)).toBe(data);
		expect(executionCustomData(viaExpression as unknown as IExecuteFunctions)).toBe(data);
		expect(expressions).toEqual(['{{ $execution.customData }}']);
		const throwing = {
			get customData(): never {
				throw new Error('no run data');
			},
			evaluateExpression: () => data,
		};
		expect(executionCustomData(throwing as unknown as IExecuteFunctions)).toBe(data);
		const none = { customData: { getAll: () => ({}) }, evaluateExpression: () => ({ set: () => undefined }) };
		expect(executionCustomData(none as unknown as IExecuteFunctions)).toBeUndefined();
		const failing = { evaluateExpression: () => { throw new Error('unknown $execution.customData'); } };
		expect(executionCustomData(failing as unknown as IExecuteFunctions)).toBeUndefined();
	});

	it('reads the resume URL through $execution.resumeUrl, empty when n8n has none', () => {
		const asked: string[] = [];
		const context = (value: unknown) => ({ evaluateExpression: (expression: string) => (asked.push(expression), value) }) as unknown as IExecuteFunctions;
		expect(executionResumeUrl(context('http://h/webhook-waiting/1'))).toBe('http://h/webhook-waiting/1');
		expect(executionResumeUrl(context(undefined))).toBe('');
		expect(asked[0]).toBe('{{ $execution.resumeUrl }}');
	});
});

describe('callback URLs', () => {
	it('drops trailing slashes before the webhook path and keeps the whole query', () => {
		expect(callbackUrlFromResumeUrl('https://h/webhook-waiting/42//?signature=abc&x=1')).toBe('https://h/webhook-waiting/42/seedream-callback?signature=abc&x=1');
	});

	it('treats each private or loopback host form as unreachable, and the neighbours of those ranges as reachable', () => {
		const local = ['http://app.localhost/x', 'http://0.0.0.0/x', 'http://LOCALHOST/x', 'http://printer.local/x', 'http://172.16.0.1/x', 'http://172.31.255.1/x'];
		const reachable = ['http://172.15.0.1/x', 'http://11.0.0.1/x', 'http://192.169.0.1/x', 'http://128.0.0.1/x', 'http://a.127.example.com/x', 'http://localhost.example.com/x', 'http://x.10.example/x', 'http://my-local.example/x', 'http://0.0.0.1/x', 'http://a.172.20.example.com/x', 'http://172.160.0.1/x', 'http://172.200.0.1/x'];
		expect(local.filter((url) => !isLocalUrl(url))).toEqual([]);
		expect(reachable.filter((url) => isLocalUrl(url))).toEqual([]);
	});
});
