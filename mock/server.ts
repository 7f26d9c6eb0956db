// A contract-faithful mock of Ace Data Cloud's Seedream API (see README "Mock API").
// Loopback only. Model rules come from the node's capability table, so node and mock cannot drift.
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
	API_LIMITS,
	findModel,
	MODELS,
	pixelsForSize,
	sizeProblem,
	supports,
	type ModelCapabilities,
} from '../nodes/Seedream/capabilities';
import { cachedImage, encodeJpeg, encodePng, type ImageFormat } from './images';

export interface MockOptions {
	host?: string;
	port?: number;
	validTokens?: string[];
	/** Tokens whose balance is used up: 403 used_up. */
	poorTokens?: string[];
	/** Sync generation latency. */
	generationDelayMs?: number;
	/** Time until an async task finishes; a function gets the request body. */
	taskDurationMs?: number | ((body: Record<string, unknown>) => number);
	/** Gap between NDJSON lines of a stream. */
	streamLineDelayMs?: number;
	/** Answer for an unknown task id: 200 `{}` (default) or 404 not_found. */
	unknownTaskStatus?: 200 | 404;
	/** The v3 models were retired on 2026-08-05; true simulates the API before that. */
	acceptLegacyModels?: boolean;
	/** Serve images as application/octet-stream so clients must sniff the type. */
	untypedImages?: boolean;
	downloadDelayMs?: number;
	/** JPEG texture: 0 gives small files, higher values give realistic photo-like sizes. */
	jpegNoise?: number;
	/** Every request answers 429 while true. */
	rateLimited?: boolean;
	/** Callback delivery: normal, twice, late (by callbackDelayMs) or never. */
	callbackMode?: 'once' | 'twice' | 'never';
	callbackDelayMs?: number;
}

export interface MockStats {
	/** Every POST /seedream/images that reached the server, whatever happened next: proves no double submit. */
	createRequests: number;
	/** Jobs the mock accepted (billed, on the real API). */
	jobsCreated: number;
	taskQueries: number;
	batchQueries: number;
	downloads: number;
	callbacksSent: number;
	requests: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	body: unknown;
	at: number;
}

export type FaultRoute = 'create' | 'task' | 'download';
export interface Fault {
	route: FaultRoute;
	/** status: answer with `status` (+ envelope); reset: destroy the socket; resetMidBody: downloads only;
	 * html: a proxy's 502 page; malformedJson: 200 with a broken body; delay: wait `delayMs` then answer normally. */
	kind: 'status' | 'reset' | 'resetMidBody' | 'html' | 'malformedJson' | 'delay';
	status?: number;
	retryAfter?: number | string;
	delayMs?: number;
	times?: number;
}

export interface TaskRecord {
	id: string;
	type: 'images';
	api_id: string;
	created_at: number;
	started_at: number;
	trace_id: string;
	request: Record<string, unknown>;
	finished_at?: number;
	elapsed?: number;
	response?: Record<string, unknown>;
}

export interface MockServer {
	url: string;
	port: number;
	options: MockOptions;
	stats: MockStats;
	requests: RecordedRequest[];
	tasks: Map<string, TaskRecord>;
	callbacks: Array<{ url: string; status?: number; body: unknown }>;
	setOptions(patch: Partial<MockOptions>): void;
	injectFault(fault: Fault): void;
	/** Finishes a pending task now (tests that do not want to wait). */
	completeTask(id: string): void;
	reset(): void;
	close(): Promise<void>;
}

const IMAGES_API_ID = '86ad30f3-0bc8-4b9b-b019-b9fa5b05672e';
const MESSAGES = {
	no_token: 'No token specified for the request.',
	invalid_token: 'The specified token is invalid or wrong.',
	used_up: 'Your balance is not sufficient for current request, please buy more in Ace Data Cloud.',
	too_many_requests: 'You have exceeded the rate limit.',
	no_api: 'API does not exist, please make sure url is correct.',
	api_error: 'Internal server error.',
	not_found: 'The task does not exist.',
};

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

const bad = (message: string) => new HttpError(400, 'bad_request', message);

function acceptedModelIds(options: MockOptions): string[] {
	return MODELS.filter((model) => options.acceptLegacyModels || !model.legacy).flatMap((model) => [model.id, ...model.alternateIds]);
}

/** Matrix checks of contract §1.5 / §4, with messages modelled on the real API's. */
export function validateCreate(body: Record<string, unknown>, options: MockOptions): ModelCapabilities {
	const modelId = String(body.model ?? '');
	const allowed = acceptedModelIds(options);
	const model = findModel(modelId);
	if (!model || !allowed.includes(modelId)) throw bad(`model must be one of ${allowed.join(', ')}`);
	const images = body.image === undefined ? [] : Array.isArray(body.image) ? body.image : [body.image];
	const layer = body.layer_decomposition === true;
	if (!layer && (typeof body.prompt !== 'string' || body.prompt.trim() === '')) throw bad('prompt is required');
	for (const field of ['seed', 'guidance_scale'] as const) {
		if (body[field] !== undefined && !supports(model, field === 'seed' ? 'seed' : 'guidanceScale')) {
			throw bad(`${field} is not supported for model ${model.id}`);
		}
	}
	if (images.length > 0 && !supports(model, 'referenceImages')) throw bad(`image is not supported for model ${model.id}`);
	if (images.length === 0 && model.requiresReferenceImage) throw bad('image is required for this model');
	if (images.length > model.maxReferenceImages) throw bad(`the number of reference images cannot exceed ${model.maxReferenceImages}`);
	for (const image of images) checkReferenceImage(image);
	const size = body.size === undefined ? (layer ? 'auto' : model.sizePresets.includes('2K') ? '2K' : model.defaultSize) : String(body.size);
	const sizeError = sizeProblem(model, size, layer);
	if (sizeError) throw bad(sizeError);
	if (body.sequential_image_generation === 'auto') {
		if (!supports(model, 'imageSet')) throw bad(`sequential_image_generation is not supported for model ${model.id}`);
		const max = Number((body.sequential_image_generation_options as { max_images?: number } | undefined)?.max_images ?? API_LIMITS.maxImagesPerSet);
		if (!Number.isInteger(max) || max < 1 || max > API_LIMITS.maxImagesPerSet) throw bad('max_images must be between 1 and 15');
		if (images.length + max > API_LIMITS.maxReferencePlusGenerated) {
			throw bad('the number of reference images plus max_images cannot exceed 15');
		}
	}
	if (body.stream === true) {
		if (!supports(model, 'stream')) throw bad(`stream is not supported for model ${model.id}`);
		if (body.async === true || body.callback_url) throw bad('stream cannot be used with async or callback_url');
	}
	if (body.output_format !== undefined && !supports(model, 'outputFormat')) throw bad(`output_format is not supported for model ${model.id}`);
	if (body.tools !== undefined && !supports(model, 'webSearch')) throw bad(`tools is not supported for model ${model.id}`);
	const mode = (body.optimize_prompt_options as { mode?: string } | undefined)?.mode;
	if (mode !== undefined && !(model.optimizePromptModes as string[]).includes(mode)) {
		throw bad(model.optimizePromptModes.length === 1 ? `optimize_prompt_options.mode must be '${model.optimizePromptModes[0]}'` : 'optimize_prompt_options.mode is invalid');
	}
	if (body.background !== undefined) {
		if (!supports(model, 'background')) throw bad(`background is not supported for model ${model.id}`);
		if (images.length !== 1) throw bad('background requires exactly one input image');
		if (body.background === 'transparent' && body.output_format !== 'png') throw bad('transparent background requires output_format png');
	}
	if (layer) {
		if (!supports(model, 'layerDecomposition')) throw bad(`layer_decomposition is not supported for model ${model.id}`);
		if (images.length !== 1) throw bad('layer_decomposition requires exactly one input image');
		if (body.sequential_image_generation === 'auto' || body.stream || body.tools || body.background) {
			throw bad('layer_decomposition cannot be combined with sequential_image_generation, stream, tools or background');
		}
	}
	if (body.response_format !== undefined && !['url', 'b64_json'].includes(String(body.response_format))) throw bad('response_format is invalid');
	return model;
}

function checkReferenceImage(image: unknown): void {
	if (typeof image !== 'string') throw bad('image must be a string');
	if (/^https?:\/\//.test(image)) return;
	const match = /^data:image\/(png|jpeg|jpg|webp|bmp|tiff|gif);base64,([A-Za-z0-9+/=]+)$/.exec(image);
	if (!match) throw bad('image must be an http(s) URL or a data:image/<format>;base64 URI');
	if (Buffer.from(match[2], 'base64').length > API_LIMITS.maxReferenceImageBytes) throw bad('image size must not exceed 10MB');
}

async function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of req) {
		total += (chunk as Buffer).length;
		if (total > limit) throw new HttpError(413, 'request_too_large', 'Request body is too large.');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.round(Date.now()) / 1000;

export async function startMockServer(initial: MockOptions = {}): Promise<MockServer> {
	const options: MockOptions = {
		host: '127.0.0.1',
		port: 0,
		validTokens: ['test-token'],
		poorTokens: ['poor-token'],
		generationDelayMs: 0,
		taskDurationMs: 0,
		streamLineDelayMs: 0,
		unknownTaskStatus: 200,
		callbackMode: 'once',
		callbackDelayMs: 0,
		jpegNoise: 0,
		...initial,
	};
	const stats: MockStats = { createRequests: 0, jobsCreated: 0, taskQueries: 0, batchQueries: 0, downloads: 0, callbacksSent: 0, requests: 0 };
	const requests: RecordedRequest[] = [];
	const tasks = new Map<string, TaskRecord>();
	const callbacks: MockServer['callbacks'] = [];
	const files = new Map<string, { width: number; height: number; format: ImageFormat; seed: number; alpha: boolean }>();
	const imageCache = new Map<string, Buffer>();
	const faults: Fault[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const sockets = new Set<Socket>();
	let baseUrl = '';

	const later = (ms: number, fn: () => void) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	};

	function takeFault(route: FaultRoute): Fault | undefined {
		const index = faults.findIndex((fault) => fault.route === route);
		if (index < 0) return undefined;
		const fault = faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) faults.splice(index, 1);
		return fault;
	}

	function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}) {
		sendJson(res, error.status, { success: false, error: { code: error.code, message: error.message }, trace_id: randomUUID() }, headers);
	}

	/** Applies an injected fault; true when the request has been answered (or dropped) by it. */
	async function applyFault(route: FaultRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const fault = takeFault(route);
		if (!fault) return false;
		switch (fault.kind) {
			case 'delay':
				await sleep(fault.delayMs ?? 1000);
				return false;
			case 'reset':
				req.socket.destroy();
				return true;
			case 'html':
				res.writeHead(fault.status ?? 502, { 'content-type': 'text/html' });
				res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
				return true;
			case 'malformedJson':
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"success": true, "task_id": ');
				return true;
			case 'status': {
				const status = fault.status ?? 500;
				const code = status === 429 ? 'too_many_requests' : status === 504 ? 'timeout' : status >= 500 ? 'api_error' : 'bad_request';
				const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
				sendError(res, new HttpError(status, code, (MESSAGES as Record<string, string>)[code] ?? 'Injected failure.'), headers);
				return true;
			}
			case 'resetMidBody':
				return false;
		}
	}

	function authenticate(req: IncomingMessage): void {
		if (options.rateLimited) throw new HttpError(429, 'too_many_requests', MESSAGES.too_many_requests);
		const header = req.headers.authorization;
		if (!header) throw new HttpError(400, 'no_token', MESSAGES.no_token);
		const token = header.replace(/^Bearer\s+/i, '').trim();
		if (options.poorTokens?.includes(token)) throw new HttpError(403, 'used_up', MESSAGES.used_up);
		if (!options.validTokens?.includes(token)) throw new HttpError(401, 'invalid_token', MESSAGES.invalid_token);
	}

	function addImage(width: number, height: number, format: ImageFormat, seed: number, alpha = false): string {
		const id = randomUUID();
		files.set(id, { width, height, format, seed, alpha });
		return `${baseUrl}/files/${id}.${format === 'png' ? 'png' : 'jpg'}`;
	}

	function imageBytes(entry: { width: number; height: number; format: ImageFormat; seed: number; alpha: boolean }): Buffer {
		const key = `${entry.width}x${entry.height}:${entry.format}:${entry.seed % 8}:${entry.alpha}:${options.jpegNoise}`;
		let bytes = imageCache.get(key);
		if (!bytes) {
			bytes = cachedImage(key, () =>
				entry.format === 'png'
					? encodePng(entry.width, entry.height, entry.seed % 8, { alpha: entry.alpha })
					: encodeJpeg(entry.width, entry.height, entry.seed % 8, { noise: options.jpegNoise }),
			);
			imageCache.set(key, bytes);
		}
		return bytes;
	}

	/** The success body of a generation: `data[]` slots with images, per-image errors or layers. */
	function generate(body: Record<string, unknown>, model: ModelCapabilities, taskId: string, traceId: string) {
		const prompt = typeof body.prompt === 'string' ? body.prompt : '';
		const layer = body.layer_decomposition === true;
		const requestedSize = body.size === undefined ? '2K' : String(body.size);
		const { width, height } = requestedSize === 'auto' ? { width: 1024, height: 1024 } : pixelsForSize(requestedSize);
		const format: ImageFormat = body.output_format === 'png' ? 'png' : 'jpeg';
		const count = body.sequential_image_generation === 'auto'
			? Number((body.sequential_image_generation_options as { max_images?: number } | undefined)?.max_images ?? 4)
			: 1;
		const failing = new Set(
			[...prompt.matchAll(/\[fail-image:(\d+)\]/g)].map((match) => Number(match[1])),
		);
		const b64 = body.response_format === 'b64_json';
		const slot = (w: number, h: number, fmt: ImageFormat, seed: number, extra: Record<string, unknown> = {}, alpha = false) => {
			const url = addImage(w, h, fmt, seed, alpha);
			const image = b64 ? { b64_json: imageBytes(files.get(url.split('/files/')[1].split('.')[0])!).toString('base64') } : { image_url: url };
			return { prompt, size: `${w}x${h}`, ...image, ...(supports(model, 'outputFormat') ? { output_format: fmt } : {}), ...extra };
		};
		let data: Array<Record<string, unknown>>;
		if (layer) {
			data = [slot(width, height, 'jpeg', 0, { z_index: 0 })];
			const layers = [
				{ name: 'Title text', description: 'Headline lettering', box: [0.1, 0.05, 0.9, 0.25] },
				{ name: 'Product', description: 'Main subject', box: [0.25, 0.3, 0.75, 0.95] },
			];
			layers.forEach((entry, index) => {
				const [l, t, r, b] = entry.box;
				const w = Math.round((r - l) * width);
				const h = Math.round((b - t) * height);
				data.push(
					slot(w, h, 'png', index + 1, {
						z_index: index + 1,
						name: entry.name,
						description: entry.description,
						bounding_box: {
							absolute: [Math.round(l * width), Math.round(t * height), Math.round(r * width), Math.round(b * height)],
							normalized: [l, t, r, b].map((v) => Math.round(v * 1000)),
						},
					}, true),
				);
			});
		} else {
			data = Array.from({ length: count }, (_, index) =>
				failing.has(index)
					? { error: { code: 'OutputImageSensitiveContentDetected', message: 'The generated image may contain sensitive content.' } }
					: slot(width, height, format, index),
			);
		}
		const generated = data.filter((entry) => !entry.error).length;
		return {
			success: true,
			task_id: taskId,
			trace_id: traceId,
			data,
			usage: { generated_images: generated, output_tokens: generated * 4096, total_tokens: generated * 4096 },
		};
	}

	function failureBody(taskId: string, traceId: string) {
		return { success: false, task_id: taskId, trace_id: traceId, error: { code: 'api_error', message: 'Image generation failed upstream.' } };
	}

	function postCallback(url: string, body: unknown) {
		const send = () => {
			const payload = JSON.stringify(body);
			stats.callbacksSent++;
			const entry: MockServer['callbacks'][number] = { url, body };
			callbacks.push(entry);
			const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
				entry.status = res.statusCode;
				res.resume();
			});
			req.on('error', () => {
				entry.status = 0;
			});
			req.end(payload);
		};
		if (options.callbackMode === 'never') return;
		later(options.callbackDelayMs ?? 0, send);
		if (options.callbackMode === 'twice') later((options.callbackDelayMs ?? 0) + 200, send);
	}

	function finishTask(record: TaskRecord, model: ModelCapabilities) {
		if (record.response) return;
		const prompt = String(record.request.prompt ?? '');
		record.finished_at = now();
		record.elapsed = Math.round((record.finished_at - record.started_at) * 1000) / 1000;
		record.response = prompt.includes('[fail-task]')
			? failureBody(record.id, record.trace_id)
			: generate(record.request, model, record.id, record.trace_id);
		if (typeof record.request.callback_url === 'string') postCallback(record.request.callback_url, record.response);
	}

	async function handleCreate(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
		const model = validateCreate(body, options);
		stats.jobsCreated++;
		const taskId = randomUUID();
		const traceId = randomUUID();
		if (body.async === true || typeof body.callback_url === 'string') {
			const record: TaskRecord = { id: taskId, type: 'images', api_id: IMAGES_API_ID, created_at: now(), started_at: now(), trace_id: traceId, request: body };
			tasks.set(taskId, record);
			const duration = typeof options.taskDurationMs === 'function' ? options.taskDurationMs(body) : options.taskDurationMs ?? 0;
			later(duration, () => finishTask(record, model));
			sendJson(res, 200, { task_id: taskId, trace_id: traceId });
			return;
		}
		if (body.stream === true && String(req.headers.accept ?? '').includes('application/x-ndjson')) {
			await streamGeneration(res, body, model, taskId, traceId);
			return;
		}
		await sleep(options.generationDelayMs ?? 0);
		const prompt = String(body.prompt ?? '');
		if (prompt.includes('[fail-task]')) throw new HttpError(500, 'api_error', 'Image generation failed upstream.');
		sendJson(res, 200, generate(body, model, taskId, traceId));
	}

	async function streamGeneration(res: ServerResponse, body: Record<string, unknown>, model: ModelCapabilities, taskId: string, traceId: string) {
		const result = generate(body, model, taskId, traceId);
		res.writeHead(200, { 'content-type': 'application/x-ndjson' });
		let index = 0;
		for (const slot of result.data) {
			await sleep(options.streamLineDelayMs ?? 0);
			if (res.destroyed) return;
			const line = slot.error
				? { type: 'image_generation.partial_failed', image_index: index, error: slot.error }
				: { type: 'image_generation.partial_succeeded', image_index: index, data: [slot] };
			res.write(`${JSON.stringify(line)}\n`);
			index++;
		}
		res.end(`${JSON.stringify({ type: 'image_generation.completed', task_id: taskId, trace_id: traceId, usage: result.usage })}\n`);
	}

	function handleTasks(res: ServerResponse, body: Record<string, unknown>) {
		const action = body.action ?? 'retrieve';
		if (action === 'retrieve_batch') {
			stats.batchQueries++;
			if (!Array.isArray(body.ids)) throw bad('ids must be an array');
			const items = (body.ids as unknown[]).map((id) => tasks.get(String(id))).filter(Boolean);
			sendJson(res, 200, { items, count: items.length });
			return;
		}
		if (action !== 'retrieve') throw bad('action must be one of retrieve, retrieve_batch');
		stats.taskQueries++;
		const record = tasks.get(String(body.id ?? ''));
		if (record) return sendJson(res, 200, record);
		if (options.unknownTaskStatus === 404) throw new HttpError(404, 'not_found', MESSAGES.not_found);
		sendJson(res, 200, {});
	}

	async function handleDownload(req: IncomingMessage, res: ServerResponse, name: string) {
		stats.downloads++;
		const fault = faults.find((entry) => entry.route === 'download');
		if (await applyFault('download', req, res)) return;
		const entry = files.get(name.split('.')[0]);
		if (!entry) return sendError(res, new HttpError(404, 'not_found', 'File not found.'));
		await sleep(options.downloadDelayMs ?? 0);
		const bytes = imageBytes(entry);
		res.writeHead(200, {
			'content-type': options.untypedImages ? 'application/octet-stream' : entry.format === 'png' ? 'image/png' : 'image/jpeg',
			'content-length': bytes.length,
		});
		if (fault?.kind === 'resetMidBody') {
			res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
			return;
		}
		res.end(bytes);
	}

	const server: Server = createServer(async (req, res) => {
		stats.requests++;
		const path = (req.url ?? '/').split('?')[0];
		try {
			if (req.method === 'GET' && path.startsWith('/files/')) return await handleDownload(req, res, path.slice('/files/'.length));
			const text = req.method === 'POST' ? await readBody(req) : '';
			let body: Record<string, unknown> = {};
			if (text) {
				try {
					body = JSON.parse(text) as Record<string, unknown>;
				} catch {
					throw bad('request body is not valid JSON');
				}
			}
			requests.push({ method: req.method ?? '', path, headers: req.headers, body, at: Date.now() });
			if (req.method === 'POST' && path === '/seedream/images') {
				stats.createRequests++;
				if (await applyFault('create', req, res)) return;
				authenticate(req);
				return await handleCreate(req, res, body);
			}
			if (req.method === 'POST' && path === '/seedream/tasks') {
				if (await applyFault('task', req, res)) return;
				authenticate(req);
				return handleTasks(res, body);
			}
			throw new HttpError(404, 'no_api', MESSAGES.no_api);
		} catch (error) {
			if (res.headersSent || res.destroyed) return;
			sendError(res, error instanceof HttpError ? error : new HttpError(500, 'api_error', MESSAGES.api_error));
		}
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
	const port = (server.address() as AddressInfo).port;
	baseUrl = `http://${options.host}:${port}`;

	return {
		url: baseUrl,
		port,
		options,
		stats,
		requests,
		tasks,
		callbacks,
		setOptions: (patch) => Object.assign(options, patch),
		injectFault: (fault) => faults.push({ times: 1, ...fault }),
		completeTask: (id) => {
			const record = tasks.get(id);
			if (record) finishTask(record, findModel(String(record.request.model))!);
		},
		reset: () => {
			Object.assign(stats, { createRequests: 0, jobsCreated: 0, taskQueries: 0, batchQueries: 0, downloads: 0, callbacksSent: 0, requests: 0 });
			requests.length = 0;
			callbacks.length = 0;
			faults.length = 0;
		},
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

