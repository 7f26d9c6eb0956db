import {
	callbackUrlFromResumeUrl,
	chunkKey,
	chunkTaskIds,
	isLocalUrl,
	readStoredTaskIds,
} from '../../../../nodes/Seedream/jobs/callbackStore';
import { callbackTaskId } from '../../../../nodes/Seedream/shared/taskIds';
import { secretsMatch } from '../../../../nodes/Seedream/shared/webhook';

function customDataOf(values: string[], extra: Record<string, string> = {}) {
	const all: Record<string, string> = { ...extra };
	values.forEach((value, index) => (all[chunkKey(index)] = value));
	return { getAll: () => all, get: (key: string) => all[key], set: () => undefined, setAll: () => undefined };
}

describe('callback helpers', () => {
	it('stores ids in custom data values under 512 characters and reads them back in order, gaps included', () => {
		const ids = Array.from({ length: 40 }, (_, index) => (index % 7 === 3 ? undefined : `task-${index}-${'x'.repeat(30)}`));
		ids.push(undefined);
		const chunks = chunkTaskIds(ids);
		expect(chunks.length).toBeGreaterThan(2);
		expect(chunks.every((chunk) => chunk.length <= 512)).toBe(true);
		expect(readStoredTaskIds(customDataOf(chunks, { other: 'kept' }) as never)).toEqual(ids);
		expect(readStoredTaskIds(customDataOf([]) as never)).toBeUndefined();
	});

	it('puts the webhook path between the execution id and the resume token', () => {
		expect(callbackUrlFromResumeUrl('https://n8n.example.com/webhook-waiting/42?signature=abc')).toBe(
			'https://n8n.example.com/webhook-waiting/42/seedream-callback?signature=abc',
		);
		expect(callbackUrlFromResumeUrl('http://localhost:5678/webhook-waiting/7')).toBe(
			'http://localhost:5678/webhook-waiting/7/seedream-callback',
		);
	});

	it('knows which hosts the internet cannot reach', () => {
		for (const url of ['http://localhost:5678/x', 'http://127.0.0.1/x', 'http://[::1]/x', 'http://10.1.2.3/x', 'http://192.168.1.5/x', 'http://172.20.0.2/x', 'http://n8n:5678/x', 'not a url']) {
			expect([url, isLocalUrl(url)]).toEqual([url, true]);
		}
		for (const url of ['https://n8n.example.com/x', 'https://abc.ngrok-free.app/x', 'http://172.32.0.1/x']) {
			expect([url, isLocalUrl(url)]).toEqual([url, false]);
		}
	});

	it('compares secrets exactly and never accepts an empty configured secret', () => {
		expect(secretsMatch('s3cret', 's3cret')).toBe(true);
		expect(secretsMatch('s3cret ', 's3cret')).toBe(false);
		expect(secretsMatch('s3creT', 's3cret')).toBe(false); // same length, one letter differs
		expect(secretsMatch(['s3cret'], 's3cret')).toBe(false);
		expect(secretsMatch('', '')).toBe(false);
	});

	it('reads the task id of a callback body only when it looks like one', () => {
		expect(callbackTaskId({ task_id: 'c9aaffa2-b8ac-40ff-8468-43e77cb9ddde', success: true })).toBe('c9aaffa2-b8ac-40ff-8468-43e77cb9ddde');
		for (const body of [undefined, 'x', [], {}, { task_id: 1 }, { task_id: 'a/b' }, { task_id: 'x'.repeat(200) }]) {
			expect(callbackTaskId(body)).toBeUndefined();
		}
	});
});
