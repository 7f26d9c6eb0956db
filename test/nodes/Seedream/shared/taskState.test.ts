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

describe('task state edges: shapes the API may send, each read one way (docs/api-contract.md §2.5)', () => {
	const image = { image_url: 'https://x/y.jpg' };

	it('not found: an answer that is null, text or a list, not a record', () => {
		expect(deriveTaskState('t1', null).status).toBe('not_found');
		expect(deriveTaskState('t1', 'oops').status).toBe('not_found');
		expect(deriveTaskState('t1', [{ id: 't1' }]).status).toBe('not_found');
	});

	it('a failure keeps only what the API said: a message without a code, or a plain-text error', () => {
		expect(deriveTaskState('t1', { ...record, response: { success: false, error: { message: 'blocked' } } }).failure).toEqual({ code: null, message: 'blocked' });
		expect(deriveTaskState('t1', { ...record, response: { success: false, error: 'quota exceeded' } }).failure).toEqual({ code: null, message: 'quota exceeded' });
		expect(deriveTaskState('t1', { ...record, response: { success: false, error: { code: null, message: null } } }).failure).toEqual({ code: null, message: null });
		expect(deriveTaskState('t1', { ...record, response: { success: false, error: { code: 'c' } } }).failure).toEqual({ code: 'c', message: null });
	});

	it('an error without success is final too', () => {
		expect(deriveTaskState('t1', { ...record, response: { error: { code: 'c', message: 'm' } } })).toMatchObject({ status: 'failed', failure: { code: 'c', message: 'm' } });
	});

	it('success: true whose data has an empty slot takes the reason from the next slot', () => {
		const state = deriveTaskState('t1', { ...record, response: { success: true, data: [null, { error: { code: 'c', message: 'm' } }] } });
		expect(state.failure).toEqual({ code: 'c', message: 'm', noImage: true });
	});

	it('success: true with one image as an object instead of a list is a success', () => {
		expect(deriveTaskState('t1', { ...record, response: { success: true, data: image } }).status).toBe('succeeded');
	});

	it('the flat shape: a failure without data, with its reason', () => {
		expect(deriveTaskState('t1', { success: false, task_id: 't9', error: { code: 'c', message: 'm' } })).toMatchObject({ taskId: 't9', status: 'failed', failure: { code: 'c', message: 'm' } });
	});

	it('a record with a response is read from its response, whatever fields it has beside it', () => {
		expect(deriveTaskState('t1', { ...record, request: undefined, data: [], response: { success: true, data: [image] } }).status).toBe('succeeded');
	});

	it("the task id: the record's id, else its task_id, else the response's, else the one asked for", () => {
		expect(deriveTaskState('asked', { id: 'a', task_id: 'b', response: { success: true, task_id: 'c', data: [image] } }).taskId).toBe('a');
		expect(deriveTaskState('asked', { task_id: 'b', response: { success: true, task_id: 'c', data: [image] } }).taskId).toBe('b');
		expect(deriveTaskState('asked', { request: {}, response: { success: true, task_id: 'c', data: [image] } }).taskId).toBe('c');
	});

	it('the summary: trace id from the record, else the response, else null; missing times and request are null', () => {
		const state = deriveTaskState('t1', { ...record, started_at: 5, response: { success: true, trace_id: 'tr2', data: [image] } });
		expect(summarizeTask(state)).toMatchObject({ trace_id: 'tr1', created_at: record.created_at, started_at: 5, finished_at: null, elapsed: null });
		expect(summarizeTask(deriveTaskState('t1', { ...record, trace_id: undefined, response: { success: true, trace_id: 'tr2', data: [image] } })).trace_id).toBe('tr2');
		expect(summarizeTask({ taskId: 't1', status: 'not_found' })).toEqual({
			task_id: 't1',
			status: 'not_found',
			trace_id: null,
			created_at: null,
			started_at: null,
			finished_at: null,
			elapsed: null,
			request: null,
			images: [],
			error: null,
		});
	});
});
