import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { imageTypeFromContentType, sniffImageType } from '../helpers/mime';
import type { SeedreamContext } from './request';
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

interface StreamResponse {
	statusCode: number;
	headers: IDataObject;
	body: AsyncIterable<Buffer> & { destroy?: (error?: Error) => void; resume?: () => void };
}

async function collect(body: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of body) {
		total += chunk.length;
		if (maxBytes > 0 && total > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

/**
 * Downloads an image URL into n8n's binary storage.
 *
 * When the server names an image type, the response stream goes straight into
 * `prepareBinaryData`, so filesystem and S3 modes never hold the whole file in memory.
 * Otherwise (e.g. `application/octet-stream`) the bytes are read to find the type by magic number.
 * Free to repeat, so network errors, 429 and 5xx are retried, including a body cut off midway.
 */
export async function downloadImage(
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

	for (let attempt = 0; ; attempt++) {
		throwIfCancelled(context, options.itemIndex);
		let failure: { status?: number; code?: string; retryAfter?: number; reason: string };
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
				response.body.destroy?.();
				failure = {
					status,
					retryAfter: parseRetryAfter(response.headers['retry-after']),
					reason: `HTTP ${status}`,
				};
			} else {
				const declaredLength = Number(response.headers['content-length'] ?? 0);
				if (maxBytes > 0 && declaredLength > maxBytes) {
					response.body.destroy?.();
					throw new NodeOperationError(
						node,
						`The image is larger than the ${maxBytes}-byte download limit`,
						{
							itemIndex: options.itemIndex,
							description: `Raise "Max Download Size" in the options if this image is expected.${taskNote}`,
						},
					);
				}
				const declared = imageTypeFromContentType(response.headers['content-type']);
				if (declared) {
					return await context.helpers.prepareBinaryData(
						response.body as unknown as Buffer,
						`${options.fileBaseName}.${declared.extension}`,
						declared.mimeType,
					);
				}
				const bytes = await collect(response.body, maxBytes);
				const sniffed = sniffImageType(bytes.subarray(0, 16));
				if (!sniffed) {
					throw new NodeOperationError(node, 'The image URL did not return an image', {
						itemIndex: options.itemIndex,
						description: `Content-Type was "${String(response.headers['content-type'] ?? 'none')}" and the bytes are no known image format.${taskNote}`,
					});
				}
				return await context.helpers.prepareBinaryData(
					bytes,
					`${options.fileBaseName}.${sniffed.extension}`,
					sniffed.mimeType,
				);
			}
		} catch (error) {
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
