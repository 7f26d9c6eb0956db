/**
 * The one task id rule (docs/api-contract.md §2.2): what a Task IDs field and a callback body may
 * name, and the errors that tell a user why an id was refused before anything was sent.
 */
import type { INode } from 'n8n-workflow';

import {
	callbackTaskId,
	invalidTaskId,
	isTaskId,
	parseTaskIds,
	readTaskIdsField,
	TASK_ID_HINT,
} from '../../../../nodes/Seedream/shared/taskIds';

const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };

describe('task id rule', () => {
	it('accepts 1 to 128 of letters, digits, "_", "-", "." and ":" and nothing else', () => {
		expect(['a', 'x'.repeat(128), 'A_b-c.d:9'].map(isTaskId)).toEqual([true, true, true]);
		expect(['', 'x'.repeat(129), 'a b', 'a/b', '<b>', 'é', 42, undefined].map(isTaskId)).toEqual([false, false, false, false, false, false, false, false]);
	});

	it('names the first bad id, cut to 80 characters', () => {
		expect(invalidTaskId(['ok-1', 'bad id', 'also bad'])).toBe('bad id');
		expect(invalidTaskId(['ok-1', 'ok-2'])).toBeUndefined();
		expect(invalidTaskId([`${'y'.repeat(100)} z`])).toBe('y'.repeat(80));
	});

	it('splits text on commas, semicolons and white space, drops repeats and blanks, keeps array entries whole', () => {
		expect(parseTaskIds(' a, b;c\n\ta  b ')).toEqual(['a', 'b', 'c']);
		expect(parseTaskIds(['a', ' b ', '', 'a'])).toEqual(['a', 'b']);
		expect(parseTaskIds(['a b', 'c,d'])).toEqual(['a b', 'c,d']);
		expect(parseTaskIds(undefined)).toEqual([]);
		expect(parseTaskIds(null)).toEqual([]);
	});

	it('refuses an empty field with the caller\'s hint and a bad id with the id rule, for the item', () => {
		expect(readTaskIdsField(node, 'a,b', 2, 'hint')).toEqual(['a', 'b']);
		expect(() => readTaskIdsField(node, ' , ', 2, 'Pass the task_id field')).toThrow(
			expect.objectContaining({
				message: 'The "Task IDs" parameter has no task id',
				description: 'Pass the task_id field',
				context: expect.objectContaining({ itemIndex: 2 }),
			}),
		);
		expect(() => readTaskIdsField(node, 'a,b/c', 3, 'hint')).toThrow(
			expect.objectContaining({
				message: 'The "Task IDs" value contains "b/c", not a valid task id',
				description: TASK_ID_HINT,
				context: expect.objectContaining({ itemIndex: 3 }),
			}),
		);
		expect(TASK_ID_HINT).toMatch(/letters, digits/);
	});

	it('reads a callback task id from a plain object only', () => {
		expect(callbackTaskId(null)).toBeUndefined();
		expect(callbackTaskId(Object.assign([], { task_id: 'abc' }))).toBeUndefined();
		expect(callbackTaskId(Object.assign(() => undefined, { task_id: 'abc' }))).toBeUndefined();
		expect(callbackTaskId({ task_id: 'abc' })).toBe('abc');
	});
});
