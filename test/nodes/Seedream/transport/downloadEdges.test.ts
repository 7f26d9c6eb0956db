/**
 * The exact edges of an image download and of a `b64_json` image: which URLs are fetched, which
 * answers are retried and how often, which verdicts are final, what the user reads when it fails
 * (message, description, item, task id), and what the execution's download limiter is told.
 * Written against mutants that survived the broader download and fault tests. No network: the
 * host is a fake `httpRequest` answering with in-memory streams.
 */
import { PassThrough, Readable } from 'node:stream';

import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import {
	adaptConcurrency,
	limiterFor,
	type AdaptiveLimiter,
	type PermitOutcome,
} from '../../../../nodes/Seedream/transport/adaptiveConcurrency';
import {
	downloadImage,
	storeBase64Image,
	type DownloadOptions,
} from '../../../../nodes/Seedream/transport/download';
import type { RetryPolicy } from '../../../../nodes/Seedream/transport/retry';

const PNG = Buffer.concat([
	Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
	Buffer.alloc(40, 7),
]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(40, 7)]);
/** A whole body shorter than the 16 bytes the type check reads: it ends while being peeked. */
const TINY_GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const HTML = Buffer.from('<html><body>Sign in to the Wi-Fi</body></html>');
const URL_OK = 'http://127.0.0.1:9/task-1.png';
const TASK = 'task-77';
/** Retries without waiting: every backoff is 0 ms. */
const NO_WAIT: RetryPolicy = { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
const AGAIN = ' The task result can be fetched again with Resource "Task" → "Get".';
const SEVERAL_TRIES = 'The image host did not deliver the file after several tries. ';
const EXPIRED =
	'The image URL has probably expired; generated images must be downloaded soon after the task finishes. ';

/** One answer of the fake host: a response, or an error thrown by the request. */
type Reply =
	| { status?: number; headers?: Record<string, string | undefined>; body?: Buffer | Readable }
	| { error: unknown };

interface Host {
	context: IExecuteFunctions;
	requests: IHttpRequestOptions[];
	bodies: Readable[];
	stored: Array<{ bytes: Buffer; fileName: string; mimeType: string }>;
	/** What happened, in order: each request and each stored file. */
	log: string[];
}

/** Reads a stream the way n8n 1.x's memory mode does (data and end events). */
function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.once('error', reject);
	});
}

/** A host that gives `replies` in order and repeats the last one. */
function fakeHost(replies: Reply[], signal?: AbortSignal): Host {
	const host: Host = { context: undefined as never, requests: [], bodies: [], stored: [], log: [] };
	let index = 0;
	host.context = {
		getNode: () => ({
			id: 'n',
			name: 'Seedream',
			type: 'n8n-nodes-seedream.seedream',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		...(signal ? { getExecutionCancelSignal: () => signal } : {}),
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				host.requests.push(options);
				host.log.push('request');
				const reply = replies[Math.min(index++, replies.length - 1)];
				if ('error' in reply) throw reply.error;
				let body: Readable;
				if (reply.body instanceof Readable) {
					body = reply.body;
				} else {
					const buffered = new PassThrough();
					buffered.end(reply.body ?? PNG);
					body = buffered;
				}
				host.bodies.push(body);
				return {
					statusCode: reply.status ?? 200,
					headers: { 'content-type': 'application/octet-stream', ...reply.headers },
					body,
				};
			},
			prepareBinaryData: async (
				data: Buffer | NodeJS.ReadableStream,
				fileName: string,
				mimeType: string,
			) => {
				const bytes = Buffer.isBuffer(data) ? data : await readAll(data);
				host.stored.push({ bytes, fileName, mimeType });
				host.log.push('stored');
				return { data: '', fileName, mimeType, bytes: bytes.length } as unknown as IBinaryData;
			},
		},
	} as unknown as IExecuteFunctions;
	return host;
}

function options(extra: Partial<DownloadOptions> = {}): DownloadOptions {
	return { itemIndex: 2, fileBaseName: 'task-77-0', retryPolicy: NO_WAIT, taskId: TASK, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Record<string, unknown>;
}

/** Records what the download tells the limiter about each of its requests. */
function recordOutcomes(limiter: AdaptiveLimiter): PermitOutcome[] {
	const outcomes: PermitOutcome[] = [];
	const acquire = limiter.acquire.bind(limiter);
	limiter.acquire = async (signal?: AbortSignal) => {
		const permit = await acquire(signal);
		return {
			finish: (outcome: PermitOutcome) => {
				outcomes.push(outcome);
				permit.finish(outcome);
			},
		};
	};
	return outcomes;
}

describe('download edges: which URLs are fetched', () => {
	it.each([
		['ftp://127.0.0.1/a.png', 'ftp://127.0.0.1/a.png'],
		['not a URL', 'not a URL'],
		[`data:image/png;base64,${'A'.repeat(150)}`, `data:image/png;base64,${'A'.repeat(78)}`],
	])(
		'refuses %s, naming at most its first 100 characters, without a request',
		async (url, shown) => {
			const host = fakeHost([{}]);
			const error = await failure(downloadImage(host.context, url, options()));
			expect(error).toMatchObject({
				message: `The image URL "${shown}" is not an http(s) URL`,
				description: `Only http and https image URLs are downloaded. Task id: ${TASK}.`,
				context: expect.objectContaining({ itemIndex: 2 }),
			});
			expect(host.requests).toHaveLength(0);
		},
	);

	it('says nothing about a task when it has no task id', async () => {
		const host = fakeHost([{}]);
		const error = await failure(
			downloadImage(host.context, 'ftp://127.0.0.1/a.png', options({ taskId: undefined })),
		);
		expect(error.description).toBe('Only http and https image URLs are downloaded.');
	});

	it.each(['http://127.0.0.1:9/a.png', 'https://127.0.0.1:9/a.png'])(
		'fetches %s with one GET that streams, keeps error statuses, and honours timeout and stop',
		async (url) => {
			const stop = new AbortController();
			const host = fakeHost([{}], stop.signal);
			const binary = await downloadImage(host.context, url, options({ timeoutMs: 4321 }));
			expect(binary).toMatchObject({ fileName: 'task-77-0.png', mimeType: 'image/png' });
			expect(host.requests).toEqual([
				{
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: 4321,
					abortSignal: stop.signal,
				},
			]);
		},
	);
});

describe('download edges: the bytes decide the type', () => {
	it.each([
		['a PNG', PNG, 'task-77-0.png', 'image/png'],
		['a JPEG', JPEG, 'task-77-0.jpg', 'image/jpeg'],
		['a GIF shorter than the type check reads', TINY_GIF, 'task-77-0.gif', 'image/gif'],
	])('stores %s whole, named by its type', async (_name, bytes, fileName, mimeType) => {
		const host = fakeHost([{ body: bytes }]);
		const binary = await downloadImage(host.context, URL_OK, options());
		expect(binary).toMatchObject({ fileName, mimeType, bytes: bytes.length });
		expect(host.stored).toHaveLength(1);
		expect(host.stored[0].bytes.equals(bytes)).toBe(true);
	});

	it('stores the whole image when its first 16 bytes arrive in pieces, the 16th ending a piece', async () => {
		const body = new PassThrough();
		const host = fakeHost([{ body }]);
		const pieces = [PNG.subarray(0, 3), PNG.subarray(3, 16), PNG.subarray(16)];
		// One piece per turn of the event loop.
		const send = (): void => {
			const piece = pieces.shift();
			if (piece === undefined) {
				body.end();
				return;
			}
			body.write(piece);
			setImmediate(send);
		};
		send();
		await downloadImage(host.context, URL_OK, options());
		expect(host.stored[0].bytes.equals(PNG)).toBe(true);
	});

	it('reads only the first bytes before storage starts, even from a source that produces at once', async () => {
		// A source whose every read() is answered synchronously: the peek must stop on its own.
		const chunk = Buffer.alloc(1024, 7);
		const total = 1024;
		let produced = 0;
		const body = new Readable({
			read() {
				this.push(produced === 0 ? Buffer.concat([PNG, chunk]).subarray(0, 1024) : chunk);
				if (++produced === total) this.push(null);
			},
		});
		const host = fakeHost([{ body }]);
		const { prepareBinaryData } = host.context.helpers;
		let producedWhenStored = -1;
		host.context.helpers.prepareBinaryData = async (
			...args: Parameters<typeof prepareBinaryData>
		) => {
			producedWhenStored = produced;
			return await prepareBinaryData(...args);
		};
		const binary = await downloadImage(host.context, URL_OK, options());
		expect(binary).toMatchObject({ mimeType: 'image/png', bytes: total * 1024 });
		expect(producedWhenStored).toBeGreaterThan(0);
		expect(producedWhenStored).toBeLessThan(total / 2);
	});

	it.each([
		['text/html', `Content-Type was "text/html"`, TASK, ` Task id: ${TASK}.`],
		[undefined, `Content-Type was "none"`, undefined, ''],
	])(
		'refuses bytes that are no image (Content-Type %s) at once, stores nothing, closes the stream',
		async (contentType, said, taskId, note) => {
			const host = fakeHost([{ body: HTML, headers: { 'content-type': contentType } }]);
			const error = await failure(downloadImage(host.context, URL_OK, options({ taskId })));
			expect(error).toMatchObject({
				message: 'The image URL did not return an image',
				description: `${said} and the bytes are no known image format.${note}`,
				context: expect.objectContaining({ itemIndex: 2 }),
			});
			expect(host.requests).toHaveLength(1);
			expect(host.stored).toHaveLength(0);
			expect(host.bodies[0].destroyed).toBe(true);
		},
	);
});

describe('download edges: the size limit', () => {
	const LIMIT = PNG.length;
	const tooLarge = {
		message: `The image is larger than the ${LIMIT}-byte download limit`,
		description: `Raise "Max Download Size" in the options if this image is expected. Task id: ${TASK}.`,
		context: expect.objectContaining({ itemIndex: 2 }),
	};

	it('refuses a declared Content-Length above the limit before storing anything, and does not retry', async () => {
		const host = fakeHost([{ headers: { 'content-length': String(LIMIT + 1) } }]);
		const error = await failure(downloadImage(host.context, URL_OK, options({ maxBytes: LIMIT })));
		expect(error).toMatchObject(tooLarge);
		expect(host.log).toEqual(['request']);
		expect(host.bodies[0].destroyed).toBe(true);
	});

	it('refuses an undeclared size above the limit once stored, and does not retry', async () => {
		const host = fakeHost([{ body: Buffer.concat([PNG, Buffer.alloc(1)]) }]);
		const error = await failure(downloadImage(host.context, URL_OK, options({ maxBytes: LIMIT })));
		expect(error).toMatchObject(tooLarge);
		expect(host.log).toEqual(['request', 'stored']);
	});

	it.each([
		['exactly the limit, declared', LIMIT, { 'content-length': String(LIMIT) }],
		['exactly the limit, undeclared', LIMIT, {}],
		['any size with the limit 0', 0, { 'content-length': String(10 * LIMIT) }],
	])('accepts %s', async (_name, maxBytes, headers) => {
		const host = fakeHost([{ headers }]);
		const binary = await downloadImage(host.context, URL_OK, options({ maxBytes }));
		expect(binary.fileName).toBe('task-77-0.png');
	});

	it('has no limit when none is given', async () => {
		const host = fakeHost([{ headers: { 'content-length': '999999999' } }]);
		const binary = await downloadImage(host.context, URL_OK, options());
		expect(binary.fileName).toBe('task-77-0.png');
	});
});

describe('download edges: retries', () => {
	it.each([408, 429, 500, 503])('retries HTTP %i and stores the next answer', async (status) => {
		const host = fakeHost([{ status, body: HTML }, {}]);
		const binary = await downloadImage(host.context, URL_OK, options());
		expect(binary.fileName).toBe('task-77-0.png');
		expect(host.log).toEqual(['request', 'request', 'stored']);
		expect(host.bodies[0].destroyed).toBe(true);
	});

	it('tries maxRetries + 1 times, then names the status, the URL and the task', async () => {
		const host = fakeHost([{ status: 503 }]);
		const error = await failure(downloadImage(host.context, URL_OK, options()));
		expect(host.requests).toHaveLength(NO_WAIT.maxRetries + 1);
		expect(error).toMatchObject({
			message: 'Could not download the generated image (HTTP 503)',
			description: `${SEVERAL_TRIES}Image URL: ${URL_OK}. Task id: ${TASK}.${AGAIN}`,
			context: expect.objectContaining({ itemIndex: 2 }),
		});
	});

	it.each([
		[403, EXPIRED],
		[404, EXPIRED],
		[410, EXPIRED],
		[400, SEVERAL_TRIES],
		[401, SEVERAL_TRIES],
	])('does not retry HTTP %i and says why it failed', async (status, why) => {
		const host = fakeHost([{ status }]);
		const error = await failure(
			downloadImage(host.context, URL_OK, options({ taskId: undefined })),
		);
		expect(host.requests).toHaveLength(1);
		expect(error).toMatchObject({
			message: `Could not download the generated image (HTTP ${status})`,
			description: `${why}Image URL: ${URL_OK}.${AGAIN}`,
		});
	});

	it('uses the given policy, not the default one (no retry with maxRetries 0)', async () => {
		const host = fakeHost([{ status: 503 }, {}]);
		await failure(
			downloadImage(host.context, URL_OK, options({ retryPolicy: { ...NO_WAIT, maxRetries: 0 } })),
		);
		expect(host.requests).toHaveLength(1);
	});

	it('waits Retry-After up to maxRetryAfterMs, not longer', async () => {
		const policy = { ...NO_WAIT, maxRetryAfterMs: 1 };
		const within = fakeHost([{ status: 429, headers: { 'retry-after': '0.001' } }, {}]);
		await downloadImage(within.context, URL_OK, options({ retryPolicy: policy }));
		expect(within.requests).toHaveLength(2);

		const beyond = fakeHost([{ status: 429, headers: { 'retry-after': '0.002' } }, {}]);
		const error = await failure(
			downloadImage(beyond.context, URL_OK, options({ retryPolicy: policy })),
		);
		expect(beyond.requests).toHaveLength(1);
		expect(error.message).toBe('Could not download the generated image (HTTP 429)');
	});

	it('takes Retry-After instead of the backoff, and gives up when the backoff is too long', async () => {
		const slowBackoff = {
			maxRetries: 1,
			baseDelayMs: 120_000,
			maxDelayMs: 120_000,
			maxRetryAfterMs: 1,
		};
		const withHeader = fakeHost([{ status: 429, headers: { 'retry-after': '0.001' } }, {}]);
		await downloadImage(withHeader.context, URL_OK, options({ retryPolicy: slowBackoff }));
		expect(withHeader.requests).toHaveLength(2);

		const withoutHeader = fakeHost([{ status: 429 }, {}]);
		await failure(
			downloadImage(withoutHeader.context, URL_OK, options({ retryPolicy: slowBackoff })),
		);
		expect(withoutHeader.requests).toHaveLength(1);
	});

	it.each<[string, unknown, string]>([
		[
			'a network error',
			Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
			'socket hang up',
		],
		['an error with a code and no message', { code: 'ETIMEDOUT' }, 'ETIMEDOUT'],
		[
			'a thrown object that is no Error (named by its code)',
			{ code: 'EPIPE', message: 'pipe' },
			'EPIPE',
		],
		['an error without code or message (counted as a reset)', new Error(''), 'ECONNRESET'],
		['an error that names no known code', new Error('something odd'), 'something odd'],
	])('retries %s, then names it', async (_name, thrown, reason) => {
		const host = fakeHost([{ error: thrown }]);
		const error = await failure(downloadImage(host.context, URL_OK, options()));
		expect(host.requests).toHaveLength(NO_WAIT.maxRetries + 1);
		expect(error).toMatchObject({
			description: `${SEVERAL_TRIES}Image URL: ${URL_OK}. Task id: ${TASK}.${AGAIN}`,
			context: expect.objectContaining({ itemIndex: 2 }),
		});
		// n8n shows its own wording for a message naming ECONNRESET or ETIMEDOUT and keeps ours in
		// `messages`.
		expect([error.message, ...(error.messages as string[])]).toContain(
			`Could not download the generated image (${reason})`,
		);
	});

	it('retries a body cut off while its first bytes are read, and stores the next one whole', async () => {
		const cut = new PassThrough();
		cut.write(PNG.subarray(0, 4));
		setImmediate(() => cut.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
		const host = fakeHost([{ body: cut }, {}]);
		const binary = await downloadImage(host.context, URL_OK, options());
		expect(binary.fileName).toBe('task-77-0.png');
		expect(host.log).toEqual(['request', 'request', 'stored']);
		expect(host.stored[0].bytes.equals(PNG)).toBe(true);
	});
});

describe('download edges: a stopped execution', () => {
	it('sends no request once the execution was stopped', async () => {
		const stop = new AbortController();
		stop.abort();
		const host = fakeHost([{}], stop.signal);
		const error = await failure(downloadImage(host.context, URL_OK, options()));
		expect(error).toMatchObject({
			message: 'The execution was stopped',
			context: expect.objectContaining({ itemIndex: 2 }),
		});
		expect(host.requests).toHaveLength(0);
	});

	it('reports a request ended by the stop as stopped, not as a failed download', async () => {
		const stop = new AbortController();
		const host = fakeHost([{}], stop.signal);
		host.context.helpers.httpRequest = async () => {
			stop.abort();
			throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
		};
		const error = await failure(
			downloadImage(host.context, URL_OK, options({ retryPolicy: { ...NO_WAIT, maxRetries: 0 } })),
		);
		expect(error).toMatchObject({
			message: 'The execution was stopped',
			context: expect.objectContaining({ itemIndex: 2 }),
		});
	});
});

describe("download edges: the execution's download limiter", () => {
	function limitedHost(replies: Reply[]) {
		const host = fakeHost(replies);
		adaptConcurrency(host.context, { auto: false, max: 1 });
		const limiter = limiterFor(host.context, 'download')!;
		return { host, limiter, outcomes: recordOutcomes(limiter) };
	}

	it('downloads one image at a time at Concurrency 1', async () => {
		const { host, limiter } = limitedHost([{}]);
		await Promise.all([
			downloadImage(host.context, URL_OK, options()),
			downloadImage(host.context, URL_OK, options({ itemIndex: 3 })),
		]);
		expect(host.log).toEqual(['request', 'stored', 'request', 'stored']);
		expect(limiter.active).toBe(0);
	});

	it.each<[string, Reply[], Partial<DownloadOptions>, PermitOutcome[]]>([
		['a stored image', [{}], {}, [{ kind: 'ok' }]],
		[
			'a 429 with Retry-After, then an image',
			[{ status: 429, headers: { 'retry-after': '0' } }, {}],
			{},
			[{ kind: 'rateLimited', retryAfterMs: 0 }, { kind: 'ok' }],
		],
		[
			'a 429 whose Retry-After is too long to wait',
			[{ status: 429, headers: { 'retry-after': '30' } }],
			{},
			[{ kind: 'rateLimited', retryAfterMs: 30_000 }],
		],
		['a 500, then an image', [{ status: 500 }, {}], {}, [{ kind: 'failed' }, { kind: 'ok' }]],
		[
			'a network error, then an image',
			[{ error: { code: 'ECONNRESET' } }, {}],
			{},
			[{ kind: 'failed' }, { kind: 'ok' }],
		],
		['bytes that are no image', [{ body: HTML }], {}, [{ kind: 'failed' }]],
		[
			'a declared size above the limit',
			[{ headers: { 'content-length': '1000' } }],
			{ maxBytes: 100 },
			[{ kind: 'failed' }],
		],
		['a stored size above the limit', [{}], { maxBytes: 10 }, [{ kind: 'failed' }]],
	])(
		'tells the limiter how %s went, and frees the slot',
		async (_name, replies, extra, expected) => {
			const { host, limiter, outcomes } = limitedHost(replies);
			await downloadImage(host.context, URL_OK, options(extra)).catch(() => undefined);
			expect(outcomes).toEqual(expected);
			expect(limiter.active).toBe(0);
		},
	);
});

describe('storeBase64Image', () => {
	it.each([
		['plain base64', PNG.toString('base64')],
		['a data URL', `data:image/png;base64,${PNG.toString('base64')}`],
	])('stores %s by the type of its bytes', async (_name, base64) => {
		const host = fakeHost([]);
		const binary = await storeBase64Image(host.context, base64, {
			itemIndex: 1,
			fileBaseName: 'task-77-0',
		});
		expect(binary).toMatchObject({ fileName: 'task-77-0.png', mimeType: 'image/png' });
		expect(host.stored[0].bytes.equals(PNG)).toBe(true);
	});

	it('strips a data-URL header only at the start, not "data:" further on', async () => {
		// 54 PNG bytes: base64 without padding, so the text after it decodes as more bytes.
		const text = `${PNG.subarray(0, 54).toString('base64')}data:x,AAAA`;
		const host = fakeHost([]);
		await storeBase64Image(host.context, text, { itemIndex: 1, fileBaseName: 'task-77-0' });
		expect(host.stored[0].bytes.equals(Buffer.from(text, 'base64'))).toBe(true);
		expect(host.stored[0].bytes.length).toBeGreaterThan(54);
	});

	it.each([
		['with the task id', TASK, `Task id: ${TASK}.`],
		['without a task id', undefined, undefined],
	])('refuses b64_json that is not an image, %s', async (_name, taskId, description) => {
		const host = fakeHost([]);
		const error = await failure(
			storeBase64Image(host.context, HTML.toString('base64'), {
				itemIndex: 1,
				fileBaseName: 'task-77-0',
				taskId,
			}),
		);
		expect(error).toMatchObject({
			message: 'The API returned b64_json that is not an image',
			context: expect.objectContaining({ itemIndex: 1 }),
		});
		expect(error.description ?? undefined).toBe(description);
		expect(host.stored).toHaveLength(0);
	});
});
