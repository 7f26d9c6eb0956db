import { deriveTaskState, summarizeTask } from '../../../../nodes/Seedream/shared/taskState';

const record = {
	id: 't1',
	type: 'images',
	created_at: 1766427547.107,
	trace_id: 'tr1',
	request: { model: 'doubao-seedream-4-0-250828', prompt: 'cat' },
};

describe('task state is derived from the record (there is no status field)', () => {
	it('pending: no response and no finished_at', () => {
		expect(deriveTaskState('t1', record).status).toBe('pending');
	});

	it('succeeded: response.success true', () => {
		const state = deriveTaskState('t1', {
			...record,
			finished_at: 1766427560.667,
			elapsed: 13.5,
			response: { success: true, task_id: 't1', data: [{ image_url: 'https://x/y.jpg', size: '2048x2048' }] },
		});
		expect(state.status).toBe('succeeded');
		expect(summarizeTask(state)).toMatchObject({ task_id: 't1', status: 'succeeded', elapsed: 13.5, images: [{ size: '2048x2048' }] });
	});

	it('failed: response.success false keeps the reason', () => {
		const state = deriveTaskState('t1', {
			...record,
			finished_at: 1,
			response: { success: false, task_id: 't1', error: { code: 'api_error', message: 'failed' } },
		});
		expect(state.status).toBe('failed');
		expect(summarizeTask(state).error).toEqual({ code: 'api_error', message: 'failed' });
	});

	it('not found: {} and non-objects', () => {
		expect(deriveTaskState('t1', {}).status).toBe('not_found');
		expect(deriveTaskState('t1', undefined).status).toBe('not_found');
	});

	it('not found: a record with neither an id nor a response', () => {
		expect(deriveTaskState('t1', { request: { model: 'x' }, created_at: 1 })).toEqual({ taskId: 't1', status: 'not_found' });
	});

	it('the flat shape without a task id keeps the id that was asked for', () => {
		expect(deriveTaskState('t1', { success: true, data: [{ image_url: 'https://x' }] })).toMatchObject({ taskId: 't1', status: 'succeeded' });
	});

	it('accepts the flat shape some docs show for retrieve', () => {
		const state = deriveTaskState('t1', { success: true, task_id: 't1', data: [{ image_url: 'https://x' }] });
		expect(state.status).toBe('succeeded');
		expect(state.response?.data).toHaveLength(1);
	});
});

describe('task state rules of the newer API (updates-2026-12)', () => {
	const image = { image_url: 'https://x/y.jpg', size: '2048x2048' };

	it('success: false is failed even with an empty state and no finished_at', () => {
		const state = deriveTaskState('t1', { ...record, state: '', response: { success: false } });
		expect(state.status).toBe('failed');
		expect(summarizeTask(state).error).toEqual({ code: null, message: null });
	});

	it('a response without success is pending, whatever state says', () => {
		for (const state of ['', 'succeeded', 'failed', undefined]) {
			expect(deriveTaskState('t1', { ...record, state, response: { data: [] } }).status).toBe('pending');
			expect(deriveTaskState('t1', { ...record, state, response: { data: [image] } }).status).toBe('pending');
		}
	});

	it('state never overrides a final response', () => {
		const done = { ...record, state: 'processing', response: { success: true, data: [image] } };
		expect(deriveTaskState('t1', done).status).toBe('succeeded');
	});

	it('success: true with no image is failed, with why', () => {
		for (const data of [[], undefined, {}, [{ prompt: 'cat' }]]) {
			const state = deriveTaskState('t1', { ...record, response: { success: true, data } });
			expect(state.status).toBe('failed');
			expect(summarizeTask(state).error).toEqual({ code: null, message: 'The task finished with success: true but no image' });
		}
	});

	it('success: true whose every slot failed is failed with the first slot error', () => {
		const error = { code: 'OutputImageSensitiveContentDetected', message: 'Sensitive output.' };
		const state = deriveTaskState('t1', { ...record, response: { success: true, data: [{ error }, { error }] } });
		expect(state.status).toBe('failed');
		expect(summarizeTask(state)).toMatchObject({ error, images: [{ error }, { error }] });
	});

	it('one image, as a URL or base64, among failed slots is success', () => {
		const failedSlot = { error: { code: 'x', message: 'y' } };
		for (const slot of [image, { b64_json: 'AAAA' }]) {
			const state = deriveTaskState('t1', { ...record, response: { success: true, data: [failedSlot, slot] } });
			expect(state.status).toBe('succeeded');
			expect(summarizeTask(state).error).toBeNull();
		}
	});
});
