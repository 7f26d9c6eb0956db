import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { limiterFor } from './adaptiveConcurrency';
import { sniffImageType } from './mime';
import { waitForSlot, type SeedreamContext } from './request';
import type { RetryPolicy } from './retry';
import {
	backoffDelay,
	cancelSignal,
	DEFAULT_RETRY_POLICY,
	isRetryableNetworkError,
	isRetryableStatus,
	networkErrorCode,
	parseRetryAfter,
	pause,
	throwIfCancelled,
} from './retry';

export interface DownloadOptions {
	itemIndex: number;
	/** File name without extension; the extension comes from the image's real type. */
	fileBaseName: string;
	timeoutMs?: number;
	/** Largest accepted image; 0 for no limit. */
	maxBytes?: number;
	retryPolicy?: RetryPolicy;
	/** Included in errors so a failed download never loses the paid task. */
	taskId?: string;
}

/** The parts of Node's readable stream (axios' response body) that the download uses. */
interface ResponseBody extends AsyncIterable<Buffer> {
	destroy(error?: Error): void;
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	readonly readableEnded: boolean;
	on(event: 'readable' | 'end', listener: () => void): this;
	on(event: 'error', listener: (error: Error) => void): this;
	off(event: string, listener: (...args: never[]) => void): this;
}

interface StreamResponse {
	statusCode: number;
	headers: IDataObject;
	body: ResponseBody;
}

/** Enough leading bytes to recognise every image type `sniffImageType` knows. */
const SNIFF_BYTES = 16;

/**
 * Reads the first bytes of a response and puts them back, so the type can be checked by magic
 * number while the whole body still streams into binary storage (nothing else is buffered).
 * Returns the whole body as a buffer when it ended while being peeked (a tiny body).
 */
async function peekHead(
	body: ResponseBody,
	wanted: number,
): Promise<{ head: Buffer; source: ResponseBody | Buffer }> {
	const head = await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const finish = () => {
			cleanup();
			const bytes = Buffer.concat(chunks);
			// Put the bytes back in the same tick as the last read(): a tick later the stream may
			// already have emitted 'end', and a consumer would then wait forever.
			if (bytes.length > 0 && !body.readableEnded) body.unshift(bytes);
			resolve(bytes);
		};
		const onReadable = () => {
			let chunk: Buffer | null;
			while (size < wanted && (chunk = body.read()) !== null) {
				chunks.push(chunk);
				size += chunk.length;
			}
			if (size >= wanted) finish();
		};
		const onError = (error: Error) => {
			cleanup();
			reject(error);
		};
		const cleanup = () => {
			body.off('readable', onReadable);
			body.off('end', finish);
			body.off('error', onError);
		};
		body.on('readable', onReadable);
		body.on('end', finish);
		body.on('error', onError);
	});
	if (body.readableEnded) return { head, source: head };
	// Node re-enables flowing mode only after the 'readable' listener is gone (a tick later).
	await sleep(0);
	return { head, source: body };
}

/**
 * Downloads an image URL into n8n's binary storage.
 *
 * The first bytes decide the type (magic number), whatever the Content-Type says; they are put
 * back and the response stream goes straight into `prepareBinaryData`, so filesystem and S3
 * modes never hold the whole file in memory.
 * Free to repeat, so network errors, 429 and 5xx are retried, including a body cut off midway.
 */
export async function downloadImage(
	context: SeedreamContext,
	url: string,
	options: DownloadOptions,
): Promise<IBinaryData> {
	return await download(context, url, options);
}

async function download(
	context: SeedreamContext,
	url: string,
	options: DownloadOptions,
): Promise<IBinaryData> {
	const node = context.getNode();
	const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const maxBytes = options.maxBytes ?? 0;
	const taskNote = options.taskId ? ` Task id: ${options.taskId}.` : '';
	let protocol: string | undefined;
	try {
		protocol = new URL(url).protocol;
	} catch {
		protocol = undefined;
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw new NodeOperationError(
			node,
			`The image URL "${url.slice(0, 100)}" is not an http(s) URL`,
			{
				itemIndex: options.itemIndex,
				description: `Only http and https image URLs are downloaded.${taskNote}`,
			},
		);
	}

	// Bounds the downloads of one execution across all its items (see adaptConcurrency).
	const limiter = limiterFor(context, 'download');
	for (let attempt = 0; ; attempt++) {
		throwIfCancelled(context, options.itemIndex);
		let failure: { status?: number; code?: string; retryAfter?: number; reason: string };
		const permit = limiter ? await waitForSlot(context, limiter, options.itemIndex) : undefined;
		try {
			const response = (await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: options.timeoutMs,
				abortSignal: cancelSignal(context),
			})) as StreamResponse;
			const status = response.statusCode;
			if (status >= 400) {
				response.body.destroy();
				failure = {
					status,
					retryAfter: parseRetryAfter(response.headers['retry-after']),
					reason: `HTTP ${status}`,
				};
				permit?.finish(
					status === 429
						? { kind: 'rateLimited', retryAfterMs: failure.retryAfter }
						: { kind: 'failed' },
				);
			} else {
				const declaredLength = Number(response.headers['content-length'] ?? 0);
				if (maxBytes > 0 && declaredLength > maxBytes) {
					response.body.destroy();
					throw new NodeOperationError(
						node,
						`The image is larger than the ${maxBytes}-byte download limit`,
						{
							itemIndex: options.itemIndex,
							description: `Raise "Max Download Size" in the options if this image is expected.${taskNote}`,
						},
					);
				}
				// Only the bytes decide: hosts often say application/octet-stream, and a proxy's or
				// captive portal's HTML page can claim image/jpeg. Nothing is stored unless they match.
				const { head, source } = await peekHead(response.body, SNIFF_BYTES);
				const type = sniffImageType(head);
				if (!type) {
					response.body.destroy();
					throw new NodeOperationError(node, 'The image URL did not return an image', {
						itemIndex: options.itemIndex,
						description: `Content-Type was "${String(response.headers['content-type'] ?? 'none')}" and the bytes are no known image format.${taskNote}`,
					});
				}
				const binary = await context.helpers.prepareBinaryData(
					source as Buffer,
					`${options.fileBaseName}.${type.extension}`,
					type.mimeType,
				);
				// Without a Content-Length the size is known only once stored; the file is not emitted.
				if (maxBytes > 0 && Number(binary.bytes ?? 0) > maxBytes) {
					throw new NodeOperationError(
						node,
						`The image is larger than the ${maxBytes}-byte download limit`,
						{
							itemIndex: options.itemIndex,
							description: `Raise "Max Download Size" in the options if this image is expected.${taskNote}`,
						},
					);
				}
				permit?.finish({ kind: 'ok' });
				return binary;
			}
		} catch (error) {
			permit?.finish({ kind: 'failed' });
			// Our own verdicts (not an image, too large) are final; the constructor returns them unchanged.
			if (error instanceof NodeOperationError) throw new NodeOperationError(node, error);
			throwIfCancelled(context, options.itemIndex);
			const code = networkErrorCode(error) ?? 'ECONNRESET';
			failure = { code, reason: error instanceof Error && error.message ? error.message : code };
		}

		const retryable =
			failure.status !== undefined
				? isRetryableStatus('download', failure.status)
				: isRetryableNetworkError('download', failure.code);
		const waitMs = failure.retryAfter ?? backoffDelay(policy, attempt);
		if (retryable && attempt < policy.maxRetries && waitMs <= policy.maxRetryAfterMs) {
			await pause(context, waitMs, options.itemIndex);
			continue;
		}
		const expired = failure.status === 403 || failure.status === 404 || failure.status === 410;
		throw new NodeOperationError(
			node,
			`Could not download the generated image (${failure.reason})`,
			{
				itemIndex: options.itemIndex,
				description:
					(expired
						? 'The image URL has probably expired; generated images must be downloaded soon after the task finishes. '
						: 'The image host did not deliver the file after several tries. ') +
					`Image URL: ${url}.${taskNote} The task result can be fetched again with Resource "Task" → "Get".`,
			},
		);
	}
}

/** Stores a `b64_json` image, naming it by its real type. */
export async function storeBase64Image(
	context: SeedreamContext,
	base64: string,
	options: Pick<DownloadOptions, 'itemIndex' | 'fileBaseName' | 'taskId'>,
): Promise<IBinaryData> {
	const bytes = Buffer.from(base64.replace(/^data:[^,]*,/, ''), 'base64');
	const type = sniffImageType(bytes.subarray(0, 16));
	if (!type) {
		throw new NodeOperationError(
			context.getNode(),
			'The API returned b64_json that is not an image',
			{
				itemIndex: options.itemIndex,
				description: options.taskId ? `Task id: ${options.taskId}.` : undefined,
			},
		);
	}
	return await context.helpers.prepareBinaryData(
		bytes,
		`${options.fileBaseName}.${type.extension}`,
		type.mimeType,
	);
}
