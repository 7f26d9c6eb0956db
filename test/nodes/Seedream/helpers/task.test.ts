import { deriveTaskState, summarizeTask } from '../../../../nodes/Seedream/helpers/task';

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

	it('accepts the flat shape some docs show for retrieve', () => {
		const state = deriveTaskState('t1', { success: true, task_id: 't1', data: [{ image_url: 'https://x' }] });
		expect(state.status).toBe('succeeded');
		expect(state.response?.data).toHaveLength(1);
	});
});
