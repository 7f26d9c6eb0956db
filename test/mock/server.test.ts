import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import { decodeImage, imageDimensions } from '../../mock/images';
import { acceptedModelIds, startMockServer, type MockServer } from '../../mock/server';

const PRO = 'doubao-seedream-5-0-pro-260628';
const LITE = 'doubao-seedream-5-0-lite-260128';
const LITE_ALTERNATE = 'doubao-seedream-5-0-260128';
const V45 = 'doubao-seedream-4-5-251128';
const V40 = 'doubao-seedream-4-0-250828';

/** A small real PNG, as a data URI reference image. */
const PNG_URI =
	'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const REF = 'https://example.com/ref.png';

let mock: MockServer;

beforeAll(async () => {
	mock = await startMockServer();
});
afterEach(() => mock.reset());
afterAll(async () => {
	await mock.close();
});

interface CallOptions {
	token?: string | null;
	accept?: string;
	method?: 'GET' | 'POST';
	raw?: string;
}

async function call(path: string, body?: unknown, options: CallOptions = {}) {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (options.token !== null) headers.authorization = `Bearer ${options.token ?? 'test-token'}`;
	if (options.accept) headers.accept = options.accept;
	const response = await request(`${mock.url}${path}`, {
		method: options.method ?? 'POST',
		headers,
		body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
	});
	const text = await response.body.text();
	const type = String(response.headers['content-type'] ?? '');
	return {
		status: response.statusCode,
		headers: response.headers,
		text,
		json: type.includes('application/json') ? parseOrUndefined(text) : undefined,
	};
}

function parseOrUndefined(text: string) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

const create = (body: Record<string, unknown>, options?: CallOptions) =>
	call('/seedream/images', body, options);
const tasks = (body: Record<string, unknown>, options?: CallOptions) =>
	call('/seedream/tasks', body, options);

async function download(url: string) {
	const response = await request(url);
	const bytes = Buffer.from(await response.body.arrayBuffer());
	return { status: response.statusCode, headers: response.headers, bytes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectError(
	answer: { status: number; json?: Record<string, unknown> },
	status: number,
	code: string,
	message?: string | RegExp,
) {
	expect(answer.status).toBe(status);
	expect(answer.json).toEqual({
		success: false,
		error: { code, message: expect.any(String) },
		trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
	});
	if (message) expect((answer.json!.error as { message: string }).message).toMatch(message);
}

describe('routes and authentication', () => {
	it.each([
		['GET', '/'],
		['POST', '/seedream/edits'],
		['GET', '/seedream/images'],
	] as const)('%s %s → 404 no_api', async (method, path) => {
		const answer = await call(path, method === 'POST' ? {} : undefined, { method });
		expectError(answer, 404, 'no_api', 'API does not exist, please make sure url is correct.');
	});

	it.each([
		['no Authorization header', null, 400, 'no_token', 'No token specified for the request.'],
		['an unknown token', 'wrong', 401, 'invalid_token', 'The specified token is invalid or wrong.'],
		['a token with no balance', 'poor-token', 403, 'used_up', /balance is not sufficient/],
	])('%s → %s %s, on both endpoints', async (_name, token, status, code, message) => {
		expectError(await create({ model: V40, prompt: 'x' }, { token }), status, code, message);
		expectError(
			await tasks({ action: 'retrieve_batch', ids: [] }, { token }),
			status,
			code,
			message,
		);
		expect(mock.stats.jobsCreated).toBe(0);
	});

	it('answers 429 too_many_requests while rate limited', async () => {
		mock.setOptions({ rateLimited: true });
		expectError(
			await create({ model: V40, prompt: 'x' }),
			429,
			'too_many_requests',
			'You have exceeded the rate limit.',
		);
	});

	it('rejects a body that is not JSON after authenticating', async () => {
		expectError(await create({}, { raw: '{"model":' }), 400, 'bad_request', /not valid JSON/);
		expectError(await create({}, { raw: '{"model":', token: 'wrong' }), 401, 'invalid_token');
	});

	it('answers 413 request_too_large above the body limit', async () => {
		mock.setOptions({ maxBodyBytes: 1000 });
		const answer = await create({ model: V40, prompt: 'x'.repeat(2000) });
		expectError(answer, 413, 'request_too_large', 'Request body is too large.');
	});

	it('records every request with its authorization header and parsed body', async () => {
		await create({ model: V40, prompt: 'a fox', size: '1K' });
		expect(mock.requests).toHaveLength(1);
		expect(mock.requests[0]).toMatchObject({
			method: 'POST',
			path: '/seedream/images',
			body: { model: V40, prompt: 'a fox', size: '1K' },
			headers: { authorization: 'Bearer test-token' },
		});
		expect(mock.requests[0].at).toBeGreaterThan(Date.now() - 10_000);
	});
});

describe('rate limits (rateLimit option)', () => {
	it('refuses creates over the concurrent cap with 429 and Retry-After, before any job starts', async () => {
		mock.setOptions({
			generationDelayMs: 300,
			rateLimit: { maxConcurrentCreates: 2, retryAfterSeconds: 3 },
		});
		const answers = await Promise.all(
			['a', 'b', 'c', 'd'].map((prompt) => create({ model: V40, prompt })),
		);
		const refused = answers.filter((answer) => answer.status === 429);
		expect(answers.filter((answer) => answer.status === 200)).toHaveLength(2);
		expect(refused).toHaveLength(2);
		expectError(refused[0], 429, 'too_many_requests', 'You have exceeded the rate limit.');
		expect(refused[0].headers['retry-after']).toBe('3');
		expect(mock.stats).toMatchObject({
			creates: 4,
			jobsCreated: 2,
			createsRejected: 2,
			createsRateLimited: 2,
		});
		// The slots free once the answers are done.
		expect((await create({ model: V40, prompt: 'e' })).status).toBe(200);
	});

	it('refuses creates over the per-second cap, with the time until a slot frees', async () => {
		mock.setOptions({ rateLimit: { createsPerSecond: 2 } });
		const statuses = [];
		for (const prompt of ['a', 'b', 'c'])
			statuses.push((await create({ model: V40, prompt })).status);
		expect(statuses).toEqual([200, 200, 429]);
		const refused = await create({ model: V40, prompt: 'd' });
		expect(refused.headers['retry-after']).toBe('1');
		await new Promise((resolve) => setTimeout(resolve, 1050));
		expect((await create({ model: V40, prompt: 'e' })).status).toBe(200);
	});

	it('counts each token on its own and leaves task lookups alone', async () => {
		mock.setOptions({
			validTokens: ['test-token', 'second-token'],
			generationDelayMs: 200,
			rateLimit: { maxConcurrentCreates: 1 },
		});
		const [first, second] = await Promise.all([
			create({ model: V40, prompt: 'a' }),
			create({ model: V40, prompt: 'b' }, { token: 'second-token' }),
		]);
		expect([first.status, second.status]).toEqual([200, 200]);
		const slow = create({ model: V40, prompt: 'c' });
		expect((await tasks({ action: 'retrieve_batch', ids: [] })).status).toBe(200);
		await slow;
	});
});

describe('model ids', () => {
	it('accepts every current id and the older Lite id, and lists exactly those when rejecting', () => {
		expect(acceptedModelIds()).toEqual([PRO, LITE, LITE_ALTERNATE, V45, V40]);
	});

	it.each(acceptedModelIds().map((id) => [id]))(
		'accepts %s and echoes it in the task record',
		async (id) => {
			const answer = await create({ model: id, prompt: 'a fox', size: '2K' });
			expect(answer.status).toBe(200);
			expect(mock.tasks.get(answer.json.task_id)?.request.model).toBe(id);
		},
	);

	it.each([
		['a dot-form alias', 'doubao-seedream-5.0-lite'],
		['a retired v3 id', 'doubao-seedream-3-0-t2i-250415'],
		['an unknown id', 'doubao-seedream-9'],
	])('rejects %s with the live message', async (_name, model) => {
		const answer = await create({ model, prompt: 'x' });
		expectError(
			answer,
			400,
			'bad_request',
			`model must be one of ${acceptedModelIds().join(', ')}`,
		);
	});

	it('requires a model', async () => {
		expectError(await create({ prompt: 'x' }), 400, 'bad_request', 'model is required');
	});

	it('accepts the v3 models and their parameters when simulating the API before 2026-08-05', async () => {
		mock.setOptions({ acceptLegacyModels: true });
		const answer = await create({
			model: 'doubao-seedream-3-0-t2i-250415',
			prompt: 'x',
			size: '1024x1024',
			seed: 42,
			guidance_scale: 2.5,
		});
		expect(answer.status).toBe(200);
		expect(answer.json.data[0].size).toBe('1024x1024');
		const edit = await create({
			model: 'doubao-seededit-3-0-i2i-250628',
			prompt: 'x',
			size: '1024x1024',
		});
		expectError(edit, 400, 'bad_request', /image is required/);
	});
});

describe('capability matrix', () => {
	const bodies: Array<[string, Record<string, unknown>, RegExp | string]> = [
		['Pro with stream', { model: PRO, stream: true }, `stream is not supported for model ${PRO}`],
		[
			'Pro with an image set',
			{ model: PRO, sequential_image_generation: 'auto' },
			/sequential_image_generation is not supported/,
		],
		[
			'Pro with web search',
			{ model: PRO, tools: [{ type: 'web_search' }] },
			/tools is not supported/,
		],
		[
			'4.5 with output_format',
			{ model: V45, output_format: 'png' },
			/output_format is not supported/,
		],
		[
			'4.0 with web search',
			{ model: V40, tools: [{ type: 'web_search' }] },
			/tools is not supported/,
		],
		[
			'Lite with fast prompt optimisation',
			{ model: LITE, optimize_prompt_options: { mode: 'fast' } },
			"optimize_prompt_options.mode must be 'standard'",
		],
		[
			'4.5 with fast prompt optimisation',
			{ model: V45, optimize_prompt_options: { mode: 'fast' } },
			"optimize_prompt_options.mode must be 'standard'",
		],
		[
			'4.5 with the 1K preset',
			{ model: V45, size: '1K' },
			`the specified size is not supported for model ${V45}; presets: 2K, 4K`,
		],
		[
			'Pro with the 4K preset',
			{ model: PRO, size: '4K' },
			/the specified size is not supported for model/,
		],
		['Lite with 1500x1500 (too few pixels)', { model: LITE, size: '1500x1500' }, /2250000 pixels/],
		['4.0 with an extreme aspect ratio', { model: V40, size: '8000x400' }, /aspect ratio/],
		['an unparseable size', { model: V40, size: 'big' }, /neither a preset/],
		[
			'Lite with 15 reference images',
			{ model: LITE, image: Array(15).fill(REF) },
			'the number of reference images cannot exceed 14',
		],
		[
			'Pro with 11 reference images',
			{ model: PRO, image: Array(11).fill(REF) },
			'the number of reference images cannot exceed 10',
		],
		[
			'3 references plus max_images 13',
			{
				model: LITE,
				image: [REF, REF, REF],
				sequential_image_generation: 'auto',
				sequential_image_generation_options: { max_images: 13 },
			},
			/plus max_images cannot exceed 15/,
		],
		[
			'max_images 16',
			{
				model: LITE,
				sequential_image_generation: 'auto',
				sequential_image_generation_options: { max_images: 16 },
			},
			/between 1 and 15/,
		],
		[
			'stream with async',
			{ model: LITE, stream: true, async: true },
			/stream cannot be used together with async or callback_url/,
		],
		[
			'stream with a callback',
			{ model: LITE, stream: true, callback_url: 'https://example.com/hook' },
			/stream cannot be used together/,
		],
		['seed on a current model', { model: V40, seed: 1 }, `seed is not supported for model ${V40}`],
		[
			'guidance_scale on a current model',
			{ model: LITE, guidance_scale: 3 },
			/guidance_scale is not supported/,
		],
		[
			'background on Lite',
			{ model: LITE, image: REF, background: 'opaque' },
			/background is not supported/,
		],
		[
			'background without an input image',
			{ model: PRO, background: 'opaque' },
			'background requires exactly one input image',
		],
		[
			'background with two input images',
			{ model: PRO, image: [REF, REF], background: 'opaque' },
			'background requires exactly one input image',
		],
		[
			'a transparent background as JPEG',
			{ model: PRO, image: REF, background: 'transparent' },
			/requires output_format "png"/,
		],
		[
			'layer decomposition on Lite',
			{ model: LITE, image: REF, layer_decomposition: true },
			/layer_decomposition is not supported/,
		],
		[
			'layer decomposition without an image',
			{ model: PRO, layer_decomposition: true },
			'layer_decomposition requires exactly one input image',
		],
		[
			'layer decomposition with a WxH size',
			{ model: PRO, image: REF, layer_decomposition: true, size: '1280x720' },
			/layer decomposition/,
		],
		[
			'layer decomposition with a background',
			{ model: PRO, image: REF, layer_decomposition: true, background: 'opaque' },
			/cannot be combined with background/,
		],
		[
			'an unknown response_format',
			{ model: V40, response_format: 'base64' },
			'response_format must be one of url, b64_json',
		],
		['an image that is not a string', { model: V40, image: [42] }, /image must be a URL string/],
		[
			'a malformed data URI',
			{ model: V40, image: 'data:image/png;base64,@@@' },
			/image\[0\] must be an http\(s\) URL or a data:image/,
		],
		[
			'a data URI with an unsupported type',
			{ model: V40, image: 'data:image/svg;base64,AAAA' },
			/format svg is not supported/,
		],
		[
			'a data URI that is not an image',
			{
				model: V40,
				image: `data:image/png;base64,${Buffer.from('hello world!').toString('base64')}`,
			},
			/not a decodable image/,
		],
		[
			'a data URI over 10 MB',
			{
				model: V40,
				image: `data:image/png;base64,${Buffer.concat([Buffer.from(PNG_URI.split(',')[1], 'base64'), Buffer.alloc(10 * 1024 * 1024)]).toString('base64')}`,
			},
			/exceeds the 10 MB size limit/,
		],
		[
			'a callback URL that is not http(s)',
			{ model: V40, callback_url: 'ftp://example.com' },
			/callback_url must be an http\(s\) URL/,
		],
	];

	it.each(bodies)('rejects %s with 400 bad_request', async (_name, body, message) => {
		const answer = await create({ prompt: 'a fox', ...body });
		expectError(answer, 400, 'bad_request', message);
		expect(mock.stats).toMatchObject({ creates: 1, createsRejected: 1, jobsCreated: 0 });
	});

	it('requires a prompt except for layer decomposition', async () => {
		expectError(await create({ model: V40 }), 400, 'bad_request', 'prompt is required');
		expectError(
			await create({ model: V40, prompt: '  ' }),
			400,
			'bad_request',
			'prompt is required',
		);
		const layers = await create({ model: PRO, image: REF, layer_decomposition: true });
		expect(layers.status).toBe(200);
	});

	it('accepts URL and data URI references, counts them, and ignores the legacy action field', async () => {
		const answer = await create({
			action: 'generate',
			model: V40,
			prompt: 'a fox',
			size: '1K',
			image: [REF, PNG_URI],
		});
		expect(answer.status).toBe(200);
		expect(answer.json.usage.input_images).toBe(2);
		expect(mock.stats.referenceImages).toBe(2);
	});

	it('accepts the combinations the table allows', async () => {
		const ok = [
			{ model: PRO, size: '1.5K', output_format: 'png', optimize_prompt_options: { mode: 'fast' } },
			{ model: PRO, image: PNG_URI, background: 'transparent', output_format: 'png' },
			{
				model: LITE,
				size: '3K',
				tools: [{ type: 'web_search' }],
				optimize_prompt_options: { mode: 'standard' },
			},
			{ model: V40, size: '1280x720', watermark: false },
			{ model: LITE, image: Array(14).fill(REF) },
			{
				model: LITE,
				image: [REF, REF, REF],
				sequential_image_generation: 'auto',
				sequential_image_generation_options: { max_images: 12 },
			},
		];
		for (const body of ok) {
			const answer = await create({ prompt: 'a fox', ...body });
			expect([JSON.stringify(body), answer.status]).toEqual([JSON.stringify(body), 200]);
		}
	});
});

describe('sync generation', () => {
	it('answers with real images of the reported size, served with type and length', async () => {
		const answer = await create({ model: V40, prompt: 'a fox', size: '1K' });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			success: true,
			task_id: expect.any(String),
			trace_id: expect.any(String),
			data: [
				{
					prompt: 'a fox',
					size: '1024x1024',
					image_url: expect.stringMatching(/\/files\/[0-9a-f-]+\.jpg$/),
				},
			],
			usage: { generated_images: 1, input_images: 0, output_tokens: 4096, total_tokens: 4096 },
		});
		const file = await download(answer.json.data[0].image_url);
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('image/jpeg');
		expect(Number(file.headers['content-length'])).toBe(file.bytes.length);
		expect(decodeImage(file.bytes)).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
		expect(mock.stats.downloads).toBe(1);
	});

	it('makes PNGs for output_format png and honours explicit WxH sizes', async () => {
		const png = await create({ model: LITE, prompt: 'x', size: '2560x1440', output_format: 'png' });
		expect(png.json.data[0].size).toBe('2560x1440');
		const file = await download(png.json.data[0].image_url);
		expect(file.headers['content-type']).toBe('image/png');
		expect(decodeImage(file.bytes)).toEqual({ width: 2560, height: 1440, format: 'png' });
	});

	it('still serves 4096×4096 images', async () => {
		const answer = await create({ model: LITE, prompt: 'x', size: '4K', output_format: 'png' });
		const file = await download(answer.json.data[0].image_url);
		expect(decodeImage(file.bytes)).toEqual({ width: 4096, height: 4096, format: 'png' });
		const jpeg = await create({ model: V45, prompt: 'x', size: '4K' });
		const jpegFile = await download(jpeg.json.data[0].image_url);
		expect(imageDimensions(jpegFile.bytes)).toEqual({ width: 4096, height: 4096, format: 'jpeg' });
	});

	it('inlines b64_json instead of a URL', async () => {
		const answer = await create({
			model: V40,
			prompt: 'x',
			size: '1K',
			response_format: 'b64_json',
		});
		const [item] = answer.json.data;
		expect(item.image_url).toBeUndefined();
		expect(decodeImage(Buffer.from(item.b64_json, 'base64'))).toEqual({
			width: 1024,
			height: 1024,
			format: 'jpeg',
		});
	});

	it('serves images untyped or without content-type so clients must sniff', async () => {
		const answer = await create({ model: V40, prompt: 'x', size: '1K' });
		mock.setOptions({ untypedImages: true });
		expect((await download(answer.json.data[0].image_url)).headers['content-type']).toBe(
			'application/octet-stream',
		);
		mock.setOptions({ untypedImages: 'absent' });
		expect((await download(answer.json.data[0].image_url)).headers['content-type']).toBeUndefined();
	});

	it('returns 404 for unknown files', async () => {
		expect((await download(`${mock.url}/files/nope.jpg`)).status).toBe(404);
	});

	it('returns an image set with per-image failures in their slots', async () => {
		mock.setOptions({ failImages: [1] });
		const answer = await create({
			model: LITE,
			prompt: 'four seasons',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 3 },
		});
		expect(answer.json.data).toEqual([
			expect.objectContaining({ size: '2048x2048', image_url: expect.any(String) }),
			{ error: { code: 'OutputImageSensitiveContentDetected', message: expect.any(String) } },
			expect.objectContaining({ size: '2048x2048', image_url: expect.any(String) }),
		]);
		expect(answer.json.usage.generated_images).toBe(2);
	});

	it('decomposes into a JPEG base and transparent PNG layers with bounding boxes', async () => {
		const answer = await create({
			model: PRO,
			image: PNG_URI,
			layer_decomposition: true,
			size: '1K',
		});
		const [base, ...layers] = answer.json.data;
		expect(base).toMatchObject({ z_index: 0, size: '1024x1024', output_format: 'jpeg' });
		expect(base.bounding_box).toBeUndefined();
		expect(base.prompt).toBeUndefined();
		expect(layers).toHaveLength(2);
		for (const [index, layer] of layers.entries()) {
			expect(layer).toMatchObject({
				z_index: index + 1,
				output_format: 'png',
				name: expect.any(String),
				description: expect.any(String),
			});
			const [left, top, right, bottom] = layer.bounding_box.absolute;
			expect(layer.size).toBe(`${right - left}x${bottom - top}`);
			expect(
				layer.bounding_box.normalized.every((value: number) => value >= 0 && value <= 1000),
			).toBe(true);
			const file = await download(layer.image_url);
			expect(decodeImage(file.bytes)).toEqual({
				width: right - left,
				height: bottom - top,
				format: 'png',
			});
		}
	});

	it('waits generationDelayMs and records the job as a finished task', async () => {
		mock.setOptions({ generationDelayMs: 150 });
		const started = Date.now();
		const answer = await create({ model: V40, prompt: 'x', size: '1K' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		const record = (await tasks({ id: answer.json.task_id })).json;
		expect(record.response).toEqual(answer.json);
	});

	it('fails a whole generation with the error envelope', async () => {
		mock.setOptions({
			generationFailure: {
				code: 'InputTextSensitiveContentDetected',
				message: 'sensitive',
				status: 400,
			},
		});
		expectError(
			await create({ model: V40, prompt: 'x' }),
			400,
			'InputTextSensitiveContentDetected',
			'sensitive',
		);
	});
});

describe('async tasks', () => {
	it('returns a task id at once; the record is pending, then finished', async () => {
		mock.setOptions({ taskDurationMs: 300 });
		const submitted = await create({ model: V40, prompt: 'a fox', size: '1K', async: true });
		expect(submitted.status).toBe(200);
		expect(submitted.json).toEqual({ task_id: expect.any(String), trace_id: expect.any(String) });

		const pending = (await tasks({ action: 'retrieve', id: submitted.json.task_id })).json;
		expect(pending).toMatchObject({
			id: submitted.json.task_id,
			type: 'images',
			trace_id: submitted.json.trace_id,
			api_id: '86ad30f3-0bc8-4b9b-b019-b9fa5b05672e',
			request: { model: V40, prompt: 'a fox', size: '1K', async: true },
		});
		expect(pending.created_at).toBeCloseTo(Date.now() / 1000, -1);
		expect(pending.started_at).toBeGreaterThanOrEqual(pending.created_at);
		expect(pending).not.toHaveProperty('response');
		expect(pending).not.toHaveProperty('finished_at');
		expect(pending).not.toHaveProperty('elapsed');

		await sleep(400);
		const finished = (await tasks({ id: submitted.json.task_id })).json;
		expect(finished.finished_at).toBeGreaterThanOrEqual(finished.started_at);
		expect(finished.elapsed).toBeCloseTo(finished.finished_at - finished.started_at, 3);
		expect(finished.response).toMatchObject({
			success: true,
			task_id: submitted.json.task_id,
			trace_id: submitted.json.trace_id,
			data: [{ prompt: 'a fox', size: '1024x1024', image_url: expect.any(String) }],
		});
		expect(decodeImage((await download(finished.response.data[0].image_url)).bytes).width).toBe(
			1024,
		);
		expect(mock.stats.taskQueries).toBe(2);
	});

	it('takes a per-request duration, the minimal submit body, and completeTask', async () => {
		mock.setOptions({
			taskDurationMs: (body) => (body.prompt === 'slow' ? 60_000 : 0),
			asyncSubmitBody: 'minimal',
		});
		const slow = await create({ model: V40, prompt: 'slow', async: true });
		expect(slow.json).toEqual({ task_id: expect.any(String) });
		await sleep(50);
		expect(mock.tasks.get(slow.json.task_id)?.response).toBeUndefined();
		expect(mock.completeTask(slow.json.task_id)).toBe(true);
		expect(mock.completeTask(slow.json.task_id)).toBe(false);
		expect(mock.tasks.get(slow.json.task_id)?.response?.success).toBe(true);
	});

	it('stores an injected failure as response.success false', async () => {
		mock.setOptions({
			generationFailure: { code: 'api_error', message: 'Image generation failed upstream.' },
		});
		const submitted = await create({ model: V40, prompt: 'x', async: true });
		await sleep(30);
		const record = (await tasks({ id: submitted.json.task_id })).json;
		expect(record.response).toEqual({
			success: false,
			task_id: submitted.json.task_id,
			trace_id: submitted.json.trace_id,
			error: { code: 'api_error', message: 'Image generation failed upstream.' },
		});
		expect(record.finished_at).toEqual(expect.any(Number));
	});

	it('answers an unknown id with {} or, when switched, 404 not_found', async () => {
		const unknown = await tasks({ id: '00000000-0000-0000-0000-000000000000' });
		expect([unknown.status, unknown.json]).toEqual([200, {}]);
		mock.setOptions({ unknownTaskStatus: 404 });
		expectError(await tasks({ id: '00000000-0000-0000-0000-000000000000' }), 404, 'not_found');
	});

	it('validates task actions', async () => {
		expectError(
			await tasks({ action: 'delete', id: 'x' }),
			400,
			'bad_request',
			/action must be one of/,
		);
		expectError(await tasks({ action: 'retrieve' }), 400, 'bad_request', 'id is required');
		expectError(
			await tasks({ action: 'retrieve_batch' }),
			400,
			'bad_request',
			/ids must be an array/,
		);
	});

	it('retrieve_batch: [] is the free credential test, unknown ids are dropped', async () => {
		expect((await tasks({ action: 'retrieve_batch', ids: [] })).json).toEqual({
			items: [],
			count: 0,
		});
		const first = (await create({ model: V40, prompt: 'one', async: true })).json.task_id;
		const second = (await create({ model: V40, prompt: 'two', async: true })).json.task_id;
		const batch = (await tasks({ action: 'retrieve_batch', ids: [first, 'unknown', second] })).json;
		expect(batch.count).toBe(2);
		expect(batch.items.map((item: { id: string }) => item.id)).toEqual([first, second]);
		expect(batch.items[0]._id).toMatch(/^[0-9a-f]{24}$/);
		mock.setOptions({ batchOrder: 'reversed' });
		const reversed = (await tasks({ action: 'retrieve_batch', ids: [first, second] })).json;
		expect(reversed.items.map((item: { id: string }) => item.id)).toEqual([second, first]);
		expect(mock.stats.batchQueries).toBe(3);
	});
});

describe('callbacks', () => {
	let receiver: Server;
	let received: Array<{ body: unknown; at: number }> = [];
	let hookUrl = '';

	beforeAll(async () => {
		receiver = createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				received.push({ body: JSON.parse(text), at: Date.now() });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	beforeEach(() => {
		received = [];
	});
	afterAll(async () => {
		receiver.closeAllConnections();
		await new Promise((resolve) => receiver.close(resolve));
	});

	const waitFor = async (predicate: () => boolean, ms = 2000) => {
		const deadline = Date.now() + ms;
		while (!predicate() && Date.now() < deadline) await sleep(10);
	};

	it('POSTs the task response to callback_url when the task finishes', async () => {
		const submitted = await create({ model: V40, prompt: 'x', callback_url: hookUrl });
		expect(submitted.json.task_id).toEqual(expect.any(String));
		await waitFor(() => received.length === 1);
		expect(received[0].body).toEqual(mock.tasks.get(submitted.json.task_id)?.response);
		expect(mock.callbacks).toEqual([expect.objectContaining({ url: hookUrl, status: 200 })]);
	});

	it('can deliver twice, late, or never', async () => {
		mock.setOptions({ callbackMode: 'twice', callbackDelayMs: 200 });
		const started = Date.now();
		await create({ model: V40, prompt: 'x', callback_url: hookUrl });
		await waitFor(() => received.length === 2);
		expect(received).toHaveLength(2);
		expect(received[0].at - started).toBeGreaterThanOrEqual(190);

		received = [];
		mock.setOptions({ callbackMode: 'never', callbackDelayMs: 0 });
		await create({ model: V40, prompt: 'x', callback_url: hookUrl });
		await sleep(150);
		expect(received).toHaveLength(0);
	});
});

describe('NDJSON streaming', () => {
	it('emits a line per image, then completed with usage, with the configured gaps', async () => {
		mock.setOptions({ failImages: [1], streamLineDelayMs: 100 });
		const started = Date.now();
		const answer = await create(
			{
				model: LITE,
				prompt: 'x',
				stream: true,
				sequential_image_generation: 'auto',
				sequential_image_generation_options: { max_images: 3 },
			},
			{ accept: 'application/x-ndjson' },
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(answer.headers['content-type']).toBe('application/x-ndjson');
		const lines = answer.text
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line));
		expect(lines).toEqual([
			{
				type: 'image_generation.partial_succeeded',
				data: [{ image_url: expect.any(String), size: '2048x2048' }],
			},
			{
				type: 'image_generation.partial_failed',
				error: { code: 'OutputImageSensitiveContentDetected', message: expect.any(String) },
			},
			{
				type: 'image_generation.partial_succeeded',
				data: [{ image_url: expect.any(String), size: '2048x2048' }],
			},
			{
				type: 'image_generation.completed',
				usage: expect.objectContaining({ generated_images: 2 }),
			},
		]);
		expect(decodeImage((await download(lines[0].data[0].image_url)).bytes).format).toBe('jpeg');
		expect(mock.stats).toMatchObject({ streams: 1, jobsCreated: 1 });
	});

	it('adds image_index and ids to lines when asked', async () => {
		mock.setOptions({ streamLineExtras: true });
		const answer = await create(
			{ model: V40, prompt: 'x', stream: true },
			{ accept: 'application/x-ndjson' },
		);
		const [first] = answer.text
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line));
		expect(first).toMatchObject({
			image_index: 0,
			task_id: expect.any(String),
			trace_id: expect.any(String),
		});
	});

	it('answers a stream request that accepts only JSON with one JSON body', async () => {
		const answer = await create({ model: V40, prompt: 'x', stream: true });
		expect(answer.json).toMatchObject({
			success: true,
			data: [expect.objectContaining({ size: '2048x2048' })],
		});
	});
});

describe('fault injection and the create counter', () => {
	it('answers an injected status with Retry-After, once, before any job starts', async () => {
		mock.injectFault({ route: 'create', kind: 'status', status: 503, retryAfter: 2 });
		const faulted = await create({ model: V40, prompt: 'x' });
		expectError(faulted, 503, 'api_error');
		expect(faulted.headers['retry-after']).toBe('2');
		expect((await create({ model: V40, prompt: 'x' })).status).toBe(200);
		expect(mock.stats).toMatchObject({
			creates: 2,
			createsRejected: 1,
			jobsCreated: 1,
		});
	});

	it('maps 429 and 504 to their codes and repeats for `times`', async () => {
		mock.injectFault({ route: 'task', kind: 'status', status: 429, times: 2 });
		expectError(await tasks({ action: 'retrieve_batch', ids: [] }), 429, 'too_many_requests');
		expectError(await tasks({ action: 'retrieve_batch', ids: [] }), 429, 'too_many_requests');
		expect((await tasks({ action: 'retrieve_batch', ids: [] })).status).toBe(200);
		mock.injectFault({ route: 'create', kind: 'status', status: 504 });
		expectError(await create({ model: V40, prompt: 'x' }), 504, 'timeout');
	});

	it('resets the connection; with afterAccept the job was still created (and billed)', async () => {
		mock.injectFault({ route: 'create', kind: 'reset' });
		await expect(create({ model: V40, prompt: 'x' })).rejects.toThrow();
		expect(mock.stats).toMatchObject({ creates: 1, createsRejected: 1, jobsCreated: 0 });

		mock.injectFault({ route: 'create', kind: 'reset', afterAccept: true });
		await expect(create({ model: V40, prompt: 'x', async: true })).rejects.toThrow();
		expect(mock.stats).toMatchObject({ creates: 2, createsRejected: 1, jobsCreated: 1 });
		expect(mock.tasks.size).toBe(1);
	});

	it('serves a proxy HTML page and malformed JSON', async () => {
		mock.injectFault({ route: 'task', kind: 'html' });
		const html = await tasks({ id: 'x' });
		expect([html.status, html.headers['content-type']]).toEqual([502, 'text/html']);
		expect(html.text).toContain('502 Bad Gateway');
		mock.injectFault({ route: 'create', kind: 'malformed-json' });
		const broken = await call('/seedream/images', { model: V40, prompt: 'x' });
		expect(broken.status).toBe(200);
		expect(broken.headers['content-type']).toBe('application/json');
		expect(broken.json).toBeUndefined();
		expect(broken.text).toBe('{"success": true, "task_id": ');
	});

	it('delays and cuts downloads mid-body', async () => {
		const { image_url: url } = (await create({ model: V40, prompt: 'x', size: '1K' })).json.data[0];
		mock.injectFault({ route: 'download', kind: 'delay', delayMs: 200 });
		const started = Date.now();
		expect((await download(url)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);

		mock.injectFault({ route: 'download', kind: 'reset-mid-body' });
		await expect(download(url)).rejects.toThrow();
		expect((await download(url)).status).toBe(200);
		expect(mock.stats.downloads).toBe(3);
	});

	it('reset() restores the initial options and clears everything', async () => {
		mock.setOptions({ rateLimited: true });
		mock.injectFault({ route: 'create', kind: 'status', status: 500 });
		await tasks({ action: 'retrieve_batch', ids: [] });
		mock.reset();
		expect(mock.options.rateLimited).toBeUndefined();
		expect(mock.stats.requests).toBe(0);
		expect(mock.requests).toHaveLength(0);
		expect((await create({ model: V40, prompt: 'x' })).status).toBe(200);
	});
});

describe('scoped and expired keys, unexplained 403s (updates-2026-12)', () => {
	it('a lookup-only key passes the free credential test but its create gets 403 forbidden', async () => {
		const token = 'lookup-only-token';
		expect((await tasks({ action: 'retrieve_batch', ids: [] }, { token })).json).toEqual({
			items: [],
			count: 0,
		});
		expectError(
			await create({ model: V40, prompt: 'x' }, { token }),
			403,
			'forbidden',
			/no permission for this API/,
		);
		expect(mock.stats).toMatchObject({ creates: 1, createsRejected: 1, jobsCreated: 0 });
	});

	it('the scope denial is configurable, e.g. without a code', async () => {
		mock.setOptions({ scopeDenial: { status: 403, code: null, message: 'Forbidden' } });
		const answer = await create({ model: V40, prompt: 'x' }, { token: 'lookup-only-token' });
		expect(answer.status).toBe(403);
		expect(answer.json.error).toEqual({ message: 'Forbidden' });
	});

	it('an expired key gets 401 token_expired on both endpoints', async () => {
		const token = 'expired-token';
		expectError(
			await create({ model: V40, prompt: 'x' }, { token }),
			401,
			'token_expired',
			'token expired.',
		);
		expectError(
			await tasks({ action: 'retrieve_batch', ids: [] }, { token }),
			401,
			'token_expired',
		);
	});

	it('an injected status with code null sends an envelope without a code', async () => {
		mock.injectFault({ route: 'create', kind: 'status', status: 403, code: null });
		const answer = await create({ model: V40, prompt: 'x' });
		expect(answer.status).toBe(403);
		expect(answer.json).toEqual({
			success: false,
			error: { message: 'HTTP 403' },
			trace_id: expect.any(String),
		});
		expect(mock.stats.jobsCreated).toBe(0);
	});
});

describe("Pro's stricter body (updates-2026-12)", () => {
	it.each([
		[
			'sequential_image_generation "disabled"',
			{ sequential_image_generation: 'disabled' },
			'sequential_image_generation',
		],
		['stream false', { stream: false }, 'stream'],
	])('Pro rejects %s with 400: the key must be absent', async (_name, extra, key) => {
		expectError(
			await create({ model: PRO, prompt: 'x', size: '1K', ...extra }),
			400,
			'bad_request',
			`${key} is not supported for model ${PRO}`,
		);
	});

	it.each([LITE, V45, V40])('%s still takes the keys with their off values', async (model) => {
		const answer = await create({
			model,
			prompt: 'x',
			sequential_image_generation: 'disabled',
			stream: false,
		});
		expect(answer.status).toBe(200);
	});
});

describe('task records: state, early responses, empty results (updates-2026-12)', () => {
	it('carries a state field when asked, also an empty one, set again when the task finishes', async () => {
		mock.setOptions({
			taskState: (record) => (record.response ? '' : 'processing'),
			taskDurationMs: 60_000,
		});
		const { task_id: id } = (await create({ model: V40, prompt: 'x', async: true })).json;
		expect((await tasks({ id })).json.state).toBe('processing');
		mock.completeTask(id);
		const finished = (await tasks({ action: 'retrieve_batch', ids: [id] })).json.items[0];
		expect(finished.state).toBe('');
		expect(finished.response.success).toBe(true);
		mock.setOptions({ taskState: undefined });
		const other = (await create({ model: V40, prompt: 'x', async: true })).json.task_id;
		expect((await tasks({ id: other })).json).not.toHaveProperty('state');
	});

	it('pending records can carry a response without success', async () => {
		mock.setOptions({ pendingResponse: true, taskDurationMs: 60_000 });
		const { task_id: id } = (await create({ model: V40, prompt: 'x', async: true })).json;
		const pending = (await tasks({ id })).json;
		expect(pending.response).toEqual({ data: [] });
		expect(pending).not.toHaveProperty('finished_at');
		expect(mock.completeTask(id)).toBe(true);
		expect(mock.completeTask(id)).toBe(false);
		expect((await tasks({ id })).json.response.success).toBe(true);
	});

	it('a failure can be final before finished_at', async () => {
		mock.setOptions({
			omitFinishedAt: true,
			generationFailure: { code: 'api_error', message: 'failed' },
		});
		const { task_id: id } = (await create({ model: V40, prompt: 'x', async: true })).json;
		await sleep(30);
		const record = (await tasks({ id })).json;
		expect(record.response.success).toBe(false);
		expect(record).not.toHaveProperty('finished_at');
		expect(record).not.toHaveProperty('elapsed');
	});

	it('an empty success is success: true with no image, sync, async and streamed alike', async () => {
		mock.setOptions({ emptySuccess: true });
		const sync = await create({ model: V40, prompt: 'x' });
		expect(sync.status).toBe(200);
		expect(sync.json).toMatchObject({ success: true, task_id: expect.any(String), data: [] });
		const { task_id: id } = (await create({ model: V40, prompt: 'x', async: true })).json;
		await sleep(30);
		const record = (await tasks({ id })).json;
		expect(record.response).toMatchObject({ success: true, task_id: id, data: [] });
		expect(record.finished_at).toEqual(expect.any(Number));
		const stream = await create(
			{ model: V40, prompt: 'x', stream: true },
			{ accept: 'application/x-ndjson' },
		);
		expect(
			stream.text
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line).type),
		).toEqual(['image_generation.completed']);
		expect(mock.stats.downloads).toBe(0);
	});
});
