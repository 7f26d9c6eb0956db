// A mock of Ace Data Cloud's Seedream API as docs/api-contract.md describes it (§6): sync, async,
// callback and NDJSON generation, task lookups, real image files, fault injection. Loopback only.
// Its API facts live in ./contract, kept apart from the node's table so the two check each other.
import { randomBytes, randomUUID } from 'node:crypto';
import {
	createServer,
	request as httpRequest,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

import { CONTRACT_LIMITS, ENUMS, IMAGES_API_ID, PRESET_SQUARES, ROUTES } from './contract';
import {
	errorReply,
	json,
	parseJsonBody,
	readBody,
	send,
	sendFault,
	type FaultKind,
	type Reply,
} from './http';
import { CreateRateLimiter, type RateLimitOptions } from './rateLimit';
import { EXTENSIONS, ImageCache, MIME_TYPES, type ImageFormat, type ImageSpec } from './images';
import {
	bad,
	HttpError,
	isPreset,
	parseSize,
	validateCreate,
	type CreatePlan,
	type RequestBody,
} from './validation';

export { HttpError, validateCreate, acceptedModelIds } from './validation';
export type { CreatePlan, RequestBody } from './validation';
export type { FaultKind } from './http';
export type { RateLimitOptions } from './rateLimit';

/** An option given as a value, or computed from each create request's body. */
export type PerRequest<T> = T | ((body: RequestBody) => T);

/** How a generation fails: sync answers with an error envelope, tasks finish with `success:false`. */
export interface MockFailure {
	code: string;
	message: string;
	/** HTTP status of a failed sync call; default 500. */
	status?: number;
}

export interface MockOptions {
	/** Default 127.0.0.1. */
	host?: string;
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default ['test-token']. */
	validTokens?: string[];
	/** Tokens with no balance left: 403 used_up. Default ['poor-token']. */
	poorTokens?: string[];
	/**
	 * Scoped keys whose allowed APIs leave out generation: "task lookup does not grant permission to
	 * submit a generation" (updates-2026-12). Task lookups (so the free credential test) succeed, a
	 * create gets `scopeDenial`. Default ['lookup-only-token'].
	 */
	lookupOnlyTokens?: string[];
	/** What a lookup-only key's create gets. Undocumented; default 403 `forbidden` (a platform code, contract §3). */
	scopeDenial?: { status: number; code: string | null; message: string };
	/** Keys past their expiry date: 401 token_expired on every call (contract §3). Default ['expired-token']. */
	expiredTokens?: string[];
	/** Every API call answers 429 too_many_requests while true. */
	rateLimited?: boolean;
	/** Per-token limits on creates, answered with 429 and Retry-After beyond them (./rateLimit). */
	rateLimit?: RateLimitOptions;
	/** Time a sync generation (and a stream's first image) takes. Default 0. */
	generationDelayMs?: PerRequest<number>;
	/** Time until an async task finishes. Default 0. */
	taskDurationMs?: PerRequest<number>;
	/** Makes the generation fail as a whole. */
	generationFailure?: PerRequest<MockFailure | undefined>;
	/**
	 * The generation "succeeds" with no image: `success: true, data: []` (updates-2026-12: "empty
	 * terminal media is not success", so clients must treat it as a failure).
	 */
	emptySuccess?: PerRequest<boolean>;
	/**
	 * A `state` field on task records, which newer records may carry and which can be empty
	 * (updates-2026-12). Undefined (default): no field. A function sees the record as it is stored.
	 */
	taskState?: string | ((record: TaskRecord) => string | undefined);
	/** Pending records carry `response: {data: []}` without `success`: still pending (updates-2026-12). */
	pendingResponse?: boolean;
	/** Finished records lack `finished_at`/`elapsed`: an explicit failure is final even before it (updates-2026-12). */
	omitFinishedAt?: boolean;
	/** 0-based slots of an image set that fail with OutputImageSensitiveContentDetected. */
	failImages?: PerRequest<number[]>;
	/** Unknown task id: 200 `{}` (default) or 404 not_found. */
	unknownTaskStatus?: 200 | 404;
	/** The v3 models were retired on 2026-08-05; true simulates the API before that. */
	acceptLegacyModels?: boolean;
	/** `auto` (default): JPEG unless output_format is png; decomposition layers are PNG. */
	imageFormat?: 'auto' | 'png' | 'jpeg';
	/** JPEG/PNG texture: 0 (default) gives small files, about 20 gives photo-like sizes. */
	jpegNoise?: number;
	/** Image host sends `application/octet-stream` (true) or no content-type ('absent'): clients must sniff. */
	untypedImages?: boolean | 'absent';
	/** Latency of every image download. */
	downloadDelayMs?: number;
	/** Gap before each NDJSON image line. */
	streamLineDelayMs?: number;
	/** Adds image_index, task_id and trace_id to NDJSON lines (undocumented; Ark has image_index). */
	streamLineExtras?: boolean;
	/** Async submit answer: `{task_id, trace_id}` (default) or only the documented `{task_id}`. */
	asyncSubmitBody?: 'full' | 'minimal';
	/**
	 * Callback delivery: once (default), twice, or never (as when the receiver is unreachable),
	 * per request if a function; `callbackDelayMs` makes it late.
	 */
	callbackMode?: PerRequest<'once' | 'twice' | 'never'>;
	callbackDelayMs?: number;
	/** retrieve_batch item order; the real order is undocumented, so clients must match by id. */
	batchOrder?: 'request' | 'reversed';
	/** Whether success bodies carry the optional `usage` block. Default true. */
	includeUsage?: boolean;
	/** Layers above the base a decomposition returns (contract: at most 16). Default 2. */
	layerCount?: number;
	/** Larger bodies answer 413 request_too_large. Default 64 MiB. */
	maxBodyBytes?: number;
	/** Called after every answered request (the CLI logs with it). */
	onRequest?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

export interface MockStats {
	/** Every POST /seedream/images that reached the server, whatever happened next: proves no double submit. */
	creates: number;
	/** Creates that did not start a job: auth, validation or an injected fault answered them. */
	createsRejected: number;
	/** Creates refused with 429 by the `rateLimit` option (part of createsRejected). */
	createsRateLimited: number;
	/** Jobs started (what the real API bills). creates = jobsCreated + createsRejected. */
	jobsCreated: number;
	/** Sum of reference images over accepted jobs. */
	referenceImages: number;
	taskQueries: number;
	batchQueries: number;
	downloads: number;
	streams: number;
	callbacksSent: number;
	/** Every request, any path. */
	requests: number;
	/** Most creates the server was handling at the same moment (arrival to answer): checks client concurrency. */
	maxConcurrentCreates: number;
	/** Most image downloads being served at the same moment. */
	maxConcurrentDownloads: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	/** Includes `authorization`, so tests can check the token that was sent. */
	headers: IncomingMessage['headers'];
	/** Parsed JSON; the raw text when it was not JSON; undefined for bodiless requests. */
	body: unknown;
	/** Date.now() on arrival. */
	at: number;
}

export type FaultRoute = 'create' | 'task' | 'download';

/**
 * A failure for the next `times` (default 1) requests of a route. It strikes before authentication,
 * so no job starts, unless `afterAccept` (create): the job starts and is billed, then the fault hides
 * the answer. `reset-mid-body` and `no-length` always send (part of) the real answer, so they imply `afterAccept`.
 */
export type Fault = { route: FaultRoute; times?: number; afterAccept?: boolean } & FaultKind;

export interface TaskRecord {
	_id: string;
	id: string;
	type: 'images';
	api_id: string;
	application_id: string;
	user_id: string;
	credential_id: string;
	/** Unix seconds as floats, like the real platform. */
	created_at: number;
	started_at: number;
	trace_id: string;
	request: RequestBody;
	/** Absent while pending. */
	finished_at?: number;
	elapsed?: number;
	/** Absent while pending (unless `pendingResponse`). */
	response?: RequestBody;
	/** Only with the `taskState` option. */
	state?: string;
}

export interface CallbackDelivery {
	url: string;
	body: unknown;
	/** Receiver's HTTP status; 0 when the POST failed. Unset while in flight. */
	status?: number;
	at: number;
}

export interface MockServer {
	url: string;
	port: number;
	options: MockOptions;
	stats: MockStats;
	requests: RecordedRequest[];
	tasks: ReadonlyMap<string, TaskRecord>;
	callbacks: CallbackDelivery[];
	setOptions(patch: Partial<MockOptions>): void;
	injectFault(fault: Fault): void;
	/** Finishes a pending task now; false when the id is unknown or already finished. */
	completeTask(id: string): boolean;
	/** Back to the just-started state: initial options, zero stats, no requests, tasks or faults. */
	reset(): void;
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// What a generation produces

/** One `data[]` slot before it gets a URL: an image, or a per-image failure. */
type Slot = { image: ImageSpec; extra: RequestBody } | { error: { code: string; message: string } };

const SENSITIVE_OUTPUT = {
	code: 'OutputImageSensitiveContentDetected',
	message: 'The request failed because the output image may contain sensitive information.',
};

const LAYER_NAMES = ['Title text', 'Product', 'Badge', 'Tagline', 'Logo', 'Decoration'];

/** What a validated size renders as: presets as 1:1 squares (§4), `auto` as 2K. */
function pixelsFor(size: string): { width: number; height: number } {
	if (isPreset(size)) return PRESET_SQUARES[size];
	return parseSize(size) ?? PRESET_SQUARES['2K'];
}

function valueFor<T>(option: PerRequest<T> | undefined, body: RequestBody, fallback: T): T {
	if (option === undefined) return fallback;
	return typeof option === 'function' ? (option as (body: RequestBody) => T)(body) : option;
}

function outputFormat(body: RequestBody, options: MockOptions, layer = false): ImageFormat {
	if (options.imageFormat && options.imageFormat !== 'auto') return options.imageFormat;
	return layer || body.output_format === 'png' ? 'png' : 'jpeg';
}

/** Horizontal bands down the image, one per layer, as Ace's `bounding_box` (absolute and per-mille). */
function layerBox(index: number, count: number, width: number, height: number) {
	const band = 900 / count;
	const normalized = [
		100,
		Math.round(50 + index * band),
		900,
		Math.round(50 + (index + 1) * band - 10),
	];
	const absolute = normalized.map((value, i) =>
		Math.round((value * (i % 2 ? height : width)) / 1000),
	);
	return { absolute, normalized };
}

function layerSlots(body: RequestBody, plan: CreatePlan, options: MockOptions): Slot[] {
	const { width, height } = pixelsFor(plan.size);
	const noise = options.jpegNoise ?? 0;
	const base: Slot = {
		image: { width, height, format: outputFormat(body, options), variant: 0, noise },
		extra: { z_index: 0 },
	};
	const count = Math.max(0, Math.min(CONTRACT_LIMITS.maxLayers, options.layerCount ?? 2));
	const layers = Array.from({ length: count }, (_, index): Slot => {
		const box = layerBox(index, count, width, height);
		const [left, top, right, bottom] = box.absolute;
		const format = outputFormat(body, options, true);
		return {
			image: {
				width: Math.max(1, right - left),
				height: Math.max(1, bottom - top),
				format,
				variant: index + 1,
				alpha: format === 'png',
				noise,
			},
			extra: {
				z_index: index + 1,
				name: LAYER_NAMES[index % LAYER_NAMES.length],
				description: `Layer ${index + 1} of the decomposed image`,
				bounding_box: box,
			},
		};
	});
	return [base, ...layers];
}

function generationSlots(body: RequestBody, plan: CreatePlan, options: MockOptions): Slot[] {
	if (plan.layerDecomposition) return layerSlots(body, plan, options);
	const { width, height } = pixelsFor(plan.size);
	const failing = new Set(valueFor(options.failImages, body, []));
	return Array.from(
		{ length: plan.imageCount },
		(_, index): Slot =>
			failing.has(index)
				? { error: SENSITIVE_OUTPUT }
				: {
						image: {
							width,
							height,
							format: outputFormat(body, options),
							// A few tints are enough to tell set images apart and keep the cache small.
							variant: index % 4,
							noise: options.jpegNoise ?? 0,
						},
						extra: {},
					},
	);
}

/** Stream lines carry only `image_url`/`b64_json` and `size`, as in the documented example. */
function withoutPrompt(item: RequestBody): RequestBody {
	const rest = { ...item };
	delete rest.prompt;
	return rest;
}

/** Upstream counts about one output token per 256 pixels. */
function usageFor(plan: CreatePlan, body: RequestBody, data: RequestBody[]) {
	const generated = data.filter((item) => !item.error);
	const tokens = generated.reduce((sum, item) => {
		const [w, h] = String(item.size).split('x').map(Number);
		return sum + Math.round((w * h) / 256);
	}, 0);
	return {
		generated_images: generated.length,
		input_images: plan.references.length,
		output_tokens: tokens,
		total_tokens: tokens,
		...(body.tools ? { tool_usage: { web_search: 1 } } : {}),
	};
}

// ---------------------------------------------------------------------------------------------
// The server

const API_ROUTES = new Map<string, 'create' | 'task'>([
	[ROUTES.images, 'create'],
	[ROUTES.tasks, 'task'],
]);

const DEFAULT_OPTIONS: MockOptions = {
	host: '127.0.0.1',
	port: 0,
	validTokens: ['test-token'],
	poorTokens: ['poor-token'],
	lookupOnlyTokens: ['lookup-only-token'],
	scopeDenial: {
		status: 403,
		code: 'forbidden',
		message: 'The token has no permission for this API.',
	},
	expiredTokens: ['expired-token'],
	generationDelayMs: 0,
	taskDurationMs: 0,
	unknownTaskStatus: 200,
	acceptLegacyModels: false,
	imageFormat: 'auto',
	jpegNoise: 0,
	untypedImages: false,
	downloadDelayMs: 0,
	streamLineDelayMs: 0,
	asyncSubmitBody: 'full',
	callbackMode: 'once',
	callbackDelayMs: 0,
	batchOrder: 'request',
	includeUsage: true,
	layerCount: 2,
	maxBodyBytes: 64 * 1024 * 1024,
};

const zeroCounters = (): MockStats => ({
	creates: 0,
	createsRejected: 0,
	createsRateLimited: 0,
	jobsCreated: 0,
	referenceImages: 0,
	taskQueries: 0,
	batchQueries: 0,
	downloads: 0,
	streams: 0,
	callbacksSent: 0,
	requests: 0,
	maxConcurrentCreates: 0,
	maxConcurrentDownloads: 0,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Unix seconds with millisecond precision, like the platform's task timestamps. */
const unixSeconds = () => Date.now() / 1000;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Shared by every mock in the process: encoding is the expensive part. */
const imageCache = new ImageCache();

interface Job {
	record: TaskRecord;
	plan: CreatePlan;
	/** A pending record may already hold a `response` (see `pendingResponse`). */
	finished: boolean;
}

class SeedreamMock implements MockServer {
	url = '';
	port = 0;
	readonly options: MockOptions;
	readonly stats = zeroCounters();
	readonly requests: RecordedRequest[] = [];
	readonly tasks = new Map<string, TaskRecord>();
	readonly callbacks: CallbackDelivery[] = [];

	private readonly jobs = new Map<string, Job>();
	private readonly files = new Map<string, ImageSpec>();
	private readonly faults: Fault[] = [];
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = { creates: 0, downloads: 0 };
	private readonly rateLimits = new CreateRateLimiter(() => this.options.rateLimit);
	/** Ids a real task record carries; constant per mock, like one account's. */
	private readonly account = {
		application_id: randomUUID(),
		user_id: randomUUID(),
		credential_id: randomUUID(),
	};
	private readonly server: Server;

	constructor(private readonly initial: MockOptions) {
		this.options = { ...DEFAULT_OPTIONS, ...initial };
		this.server = createServer((req, res) => this.handle(req, res));
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port, this.options.host, resolve);
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${this.options.host}:${this.port}`;
	}

	setOptions(patch: Partial<MockOptions>): void {
		Object.assign(this.options, patch);
	}

	injectFault(fault: Fault): void {
		this.faults.push({ ...fault });
	}

	completeTask(id: string): boolean {
		const job = this.jobs.get(id);
		if (!job || job.finished) return false;
		this.finishJob(job);
		return true;
	}

	reset(): void {
		this.clearTimers();
		for (const key of Object.keys(this.options)) delete this.options[key as keyof MockOptions];
		Object.assign(this.options, DEFAULT_OPTIONS, this.initial);
		Object.assign(this.stats, zeroCounters());
		this.requests.length = 0;
		this.callbacks.length = 0;
		this.faults.length = 0;
		this.jobs.clear();
		this.tasks.clear();
		this.rateLimits.reset();
	}

	async close(): Promise<void> {
		this.clearTimers();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ---- Dispatch ----

	private handle(req: IncomingMessage, res: ServerResponse): void {
		this.stats.requests++;
		const started = Date.now();
		const path = (req.url ?? '/').split('?')[0];
		res.on('close', () =>
			this.options.onRequest?.({
				method: req.method ?? '',
				path,
				status: res.statusCode,
				ms: Date.now() - started,
			}),
		);
		this.route(req, res, path).catch(() => {
			if (res.headersSent) res.destroy();
			else void send(res, errorReply(new HttpError(500, 'api_error')));
		});
	}

	private record(req: IncomingMessage, path: string, body: unknown): void {
		this.requests.push({
			method: req.method ?? '',
			path,
			headers: req.headers,
			body,
			at: Date.now(),
		});
	}

	private async route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
		const fileName = /^\/files\/([^/]+)$/.exec(path)?.[1];
		if (fileName && (req.method === 'GET' || req.method === 'HEAD')) {
			this.record(req, path, undefined);
			this.track('downloads', res);
			return this.withFaults('download', res, () => this.downloadImage(fileName));
		}
		let raw: Buffer;
		try {
			raw = await readBody(req, this.options.maxBodyBytes ?? Infinity);
		} catch (error) {
			this.record(req, path, undefined);
			return send(res, errorReply(error as HttpError));
		}
		const parsed = parseJsonBody(raw);
		this.record(req, path, parsed.recorded);
		const api = req.method === 'POST' ? API_ROUTES.get(path) : undefined;
		if (!api) return send(res, errorReply(new HttpError(404, 'no_api')));
		const handle = async () => {
			const token = this.authenticate(req, api);
			if (api === 'create') {
				try {
					res.once('close', this.rateLimits.admit(token));
				} catch (error) {
					this.stats.createsRateLimited++;
					throw error;
				}
			}
			if (parsed.error) throw parsed.error;
			return api === 'create' ? this.createImages(req, parsed.body) : this.queryTasks(parsed.body);
		};
		if (api === 'task') return this.withFaults('task', res, handle);
		this.stats.creates++;
		this.track('creates', res);
		const jobsBefore = this.stats.jobsCreated;
		await this.withFaults('create', res, handle);
		if (this.stats.jobsCreated === jobsBefore) this.stats.createsRejected++;
	}

	/** Counts a request as in flight until its connection is done with it (answered, or dropped by the client). */
	private track(kind: 'creates' | 'downloads', res: ServerResponse): void {
		this.inFlight[kind]++;
		const max = kind === 'creates' ? 'maxConcurrentCreates' : 'maxConcurrentDownloads';
		this.stats[max] = Math.max(this.stats[max], this.inFlight[kind]);
		res.once('close', () => this.inFlight[kind]--);
	}

	/** Runs a route's handler under its next fault, if one is queued. */
	private async withFaults(
		route: FaultRoute,
		res: ServerResponse,
		handle: () => Promise<Reply>,
	): Promise<void> {
		const fault = this.takeFault(route);
		if (fault?.kind === 'delay') await sleep(fault.delayMs);
		const needsReply = ['delay', 'reset-mid-body', 'no-length'].includes(fault?.kind ?? '');
		const strikesFirst = fault && !needsReply && !fault.afterAccept;
		if (fault && strikesFirst) return sendFault(res, fault);
		let reply: Reply;
		try {
			reply = await handle();
		} catch (error) {
			reply = errorReply(error instanceof HttpError ? error : new HttpError(500, 'api_error'));
		}
		return fault ? sendFault(res, fault, reply) : send(res, reply);
	}

	private takeFault(route: FaultRoute): Fault | undefined {
		const index = this.faults.findIndex((fault) => fault.route === route);
		if (index < 0) return undefined;
		const fault = this.faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.faults.splice(index, 1);
		return fault;
	}

	/** Returns the token of an authenticated request. */
	private authenticate(req: IncomingMessage, api: 'create' | 'task'): string {
		const header = req.headers.authorization;
		if (!header) throw new HttpError(400, 'no_token');
		const token = header.replace(/^Bearer\s+/i, '').trim();
		if (this.options.poorTokens?.includes(token)) throw new HttpError(403, 'used_up');
		if (this.options.expiredTokens?.includes(token)) throw new HttpError(401, 'token_expired');
		if (this.options.lookupOnlyTokens?.includes(token)) {
			const denial = this.options.scopeDenial ?? DEFAULT_OPTIONS.scopeDenial!;
			if (api === 'create') throw new HttpError(denial.status, denial.code, denial.message);
		} else if (!this.options.validTokens?.includes(token)) {
			throw new HttpError(401, 'invalid_token');
		}
		if (this.options.rateLimited) throw new HttpError(429, 'too_many_requests');
		return token;
	}

	// ---- POST /seedream/images ----

	private async createImages(req: IncomingMessage, body: RequestBody): Promise<Reply> {
		const plan = validateCreate(body, this.options);
		const job = this.acceptJob(body, plan);
		const { record } = job;
		if (plan.async) {
			this.later(valueFor(this.options.taskDurationMs, body, 0), () => this.finishJob(job));
			const minimal = this.options.asyncSubmitBody === 'minimal';
			return json(
				minimal ? { task_id: record.id } : { task_id: record.id, trace_id: record.trace_id },
			);
		}
		// With `accept: application/json` a stream request gets one JSON body (contract §2.7, best guess).
		if (plan.stream && String(req.headers.accept ?? '').includes('application/x-ndjson')) {
			return { kind: 'stream', run: (res) => this.streamImages(res, job) };
		}
		await sleep(valueFor(this.options.generationDelayMs, body, 0));
		return this.resultReply(body, this.finishJob(job));
	}

	/** NDJSON (contract §2.7): a line per image as it is ready, then `completed` with the usage. */
	private async streamImages(res: ServerResponse, job: Job): Promise<void> {
		this.stats.streams++;
		const { record, plan } = job;
		const body = record.request;
		await sleep(valueFor(this.options.generationDelayMs, body, 0));
		// Whole-job errors come back as plain JSON, not as a stream.
		if (this.failureFor(body)) return send(res, this.resultReply(body, this.finishJob(job)));
		res.writeHead(200, { 'content-type': 'application/x-ndjson' });
		const data: RequestBody[] = [];
		// An empty success streams no image line, only the completion.
		const slots = this.emptySuccessFor(body) ? [] : generationSlots(body, plan, this.options);
		for (const [index, slot] of slots.entries()) {
			if (index > 0) await sleep(this.options.streamLineDelayMs ?? 0);
			if (res.destroyed) break;
			const item = this.dataItem(slot, body);
			data.push(item);
			res.write(`${JSON.stringify(this.streamLine(job, index, item))}\n`);
		}
		const response = this.finishJob(job, data);
		if (res.destroyed) return;
		const usage = response.usage ?? usageFor(plan, body, data);
		res.end(`${JSON.stringify({ type: 'image_generation.completed', usage })}\n`);
	}

	private streamLine(job: Job, index: number, item: RequestBody): RequestBody {
		const extras = this.options.streamLineExtras
			? { image_index: index, task_id: job.record.id, trace_id: job.record.trace_id }
			: {};
		return item.error
			? { type: 'image_generation.partial_failed', ...extras, error: item.error }
			: { type: 'image_generation.partial_succeeded', ...extras, data: [withoutPrompt(item)] };
	}

	/** A sync answer: the success body, or the error envelope of a failed generation. */
	private resultReply(body: RequestBody, response: RequestBody): Reply {
		if (response.success === true) return json(response);
		const { code, message } = response.error as MockFailure;
		return errorReply(new HttpError(this.failureFor(body)?.status ?? 500, code, message));
	}

	private failureFor(body: RequestBody): MockFailure | undefined {
		return valueFor(this.options.generationFailure, body, undefined);
	}

	private emptySuccessFor(body: RequestBody): boolean {
		return valueFor(this.options.emptySuccess, body, false);
	}

	// ---- Jobs and task records ----

	/** Starts a paid job: from here on the real API would bill it. Sync jobs get a record too. */
	private acceptJob(body: RequestBody, plan: CreatePlan): Job {
		this.stats.jobsCreated++;
		this.stats.referenceImages += plan.references.length;
		const created = unixSeconds();
		const record: TaskRecord = {
			_id: randomBytes(12).toString('hex'),
			id: randomUUID(),
			type: 'images',
			api_id: IMAGES_API_ID,
			...this.account,
			created_at: created,
			started_at: round3(created + 0.05),
			trace_id: randomUUID(),
			request: body,
		};
		if (this.options.pendingResponse) record.response = { data: [] };
		const job = { record, plan, finished: false };
		this.applyState(record);
		this.jobs.set(record.id, job);
		this.tasks.set(record.id, record);
		return job;
	}

	/** Stores the job's result (given, for streams, or generated now) in its record; idempotent. */
	private finishJob(job: Job, data?: RequestBody[]): RequestBody {
		const { record, plan } = job;
		if (job.finished && record.response) return record.response;
		job.finished = true;
		const body = record.request;
		const failure = this.failureFor(body);
		const empty = !failure && this.emptySuccessFor(body);
		record.response = failure
			? {
					success: false,
					task_id: record.id,
					trace_id: record.trace_id,
					error: { code: failure.code, message: failure.message },
				}
			: this.successBody(
					job,
					empty
						? []
						: (data ??
								generationSlots(body, plan, this.options).map((slot) => this.dataItem(slot, body))),
				);
		if (!this.options.omitFinishedAt) {
			record.finished_at = Math.max(unixSeconds(), record.started_at);
			record.elapsed = round3(record.finished_at - record.started_at);
		}
		this.applyState(record);
		if (typeof body.callback_url === 'string')
			this.scheduleCallback(body.callback_url, record.response, valueFor(this.options.callbackMode, body, 'once'));
		return record.response;
	}

	private applyState(record: TaskRecord): void {
		const option = this.options.taskState;
		const state = typeof option === 'function' ? option(record) : option;
		if (state === undefined) delete record.state;
		else record.state = state;
	}

	private successBody(job: Job, data: RequestBody[]): RequestBody {
		const { record, plan } = job;
		return {
			success: true,
			task_id: record.id,
			trace_id: record.trace_id,
			data,
			...(this.options.includeUsage ? { usage: usageFor(plan, record.request, data) } : {}),
			...(record.request.tools ? { tools: record.request.tools } : {}),
		};
	}

	private scheduleCallback(url: string, body: RequestBody, mode: 'once' | 'twice' | 'never'): void {
		if (mode === 'never') return;
		const delay = this.options.callbackDelayMs ?? 0;
		this.later(delay, () => this.deliverCallback(url, body));
		// A duplicate, as an at-least-once sender may deliver: receivers must be idempotent.
		if (mode === 'twice')
			this.later(delay + 50, () => this.deliverCallback(url, body));
	}

	private deliverCallback(url: string, body: RequestBody): void {
		const payload = Buffer.from(JSON.stringify(body));
		const delivery: CallbackDelivery = { url, body, at: Date.now() };
		this.callbacks.push(delivery);
		this.stats.callbacksSent++;
		const post = url.startsWith('https:') ? httpsRequest : httpRequest;
		const headers = { 'content-type': 'application/json', 'content-length': payload.length };
		const req = post(url, { method: 'POST', timeout: 10_000, headers }, (res) => {
			delivery.status = res.statusCode;
			res.resume();
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => {
			delivery.status = 0;
		});
		req.end(payload);
	}

	private later(ms: number, fn: () => void): void {
		const timer = setTimeout(
			() => {
				this.timers.delete(timer);
				fn();
			},
			Math.max(0, ms),
		);
		this.timers.add(timer);
	}

	private clearTimers(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	// ---- POST /seedream/tasks ----

	private queryTasks(body: RequestBody): Reply {
		const action = body.action ?? 'retrieve';
		if (action === 'retrieve_batch') return this.retrieveBatch(body.ids);
		if (action !== 'retrieve') throw bad(`action must be one of ${ENUMS.taskActions.join(', ')}`);
		this.stats.taskQueries++;
		if (typeof body.id !== 'string' || body.id === '') throw bad('id is required');
		const record = this.tasks.get(body.id);
		if (record) return json(record);
		if (this.options.unknownTaskStatus === 404) throw new HttpError(404, 'not_found');
		return json({});
	}

	/** Unknown ids are dropped; `ids: []` is the free credential test. */
	private retrieveBatch(ids: unknown): Reply {
		this.stats.batchQueries++;
		if (!Array.isArray(ids)) throw bad('ids must be an array of task ids');
		const items = ids
			.map((id) => this.tasks.get(String(id)))
			.filter((record) => record !== undefined);
		if (this.options.batchOrder === 'reversed') items.reverse();
		return json({ items, count: items.length });
	}

	// ---- Images: published in results, served at /files/<id>.<ext> ----

	private dataItem(slot: Slot, body: RequestBody): RequestBody {
		if ('error' in slot) return { error: slot.error };
		const { image, extra } = slot;
		const url =
			body.response_format === 'b64_json'
				? { b64_json: imageCache.get(image).toString('base64') }
				: { image_url: this.publish(image) };
		return {
			...(typeof body.prompt === 'string' ? { prompt: body.prompt } : {}),
			size: `${image.width}x${image.height}`,
			...url,
			// Plain results came without output_format in the live run of 2026-10-07; layers carry it.
			...(extra.z_index !== undefined ? { output_format: image.format } : {}),
			...extra,
		};
	}

	private publish(image: ImageSpec): string {
		const id = randomUUID();
		this.files.set(id, image);
		return `${this.url}/files/${id}.${EXTENSIONS[image.format]}`;
	}

	private async downloadImage(name: string): Promise<Reply> {
		this.stats.downloads++;
		const [id, extension] = name.split('.');
		const image = this.files.get(id);
		if (!image || EXTENSIONS[image.format] !== extension) {
			const headers = { 'content-type': 'text/plain' };
			return { kind: 'bytes', status: 404, body: Buffer.from('Not Found'), headers };
		}
		await sleep(this.options.downloadDelayMs ?? 0);
		return {
			kind: 'bytes',
			status: 200,
			body: imageCache.get(image),
			headers: this.imageHeaders(image.format),
		};
	}

	private imageHeaders(format: ImageFormat): Record<string, string> {
		const untyped = this.options.untypedImages;
		if (untyped === 'absent') return {};
		return { 'content-type': untyped ? 'application/octet-stream' : MIME_TYPES[format] };
	}
}

export async function startMockServer(options: MockOptions = {}): Promise<MockServer> {
	const mock = new SeedreamMock(options);
	await mock.listen();
	return mock;
}
