/**
 * The download peeks at the first bytes to check the image type, then hands the same stream to
 * n8n's binary storage. n8n 1.x in its default (memory) mode reads that stream with
 * `on('data')`/`on('end')` rather than a pipeline, so this test stores it the same way: a body
 * whose 'end' fired during the peek would otherwise never finish.
 */
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { downloadImage } from '../../../../nodes/Seedream/transport/download';

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

let server: Server;
let baseUrl: string;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
	server = createServer((request, response) => {
		const body = bodies.get(request.url ?? '') ?? Buffer.alloc(0);
		response.setHeader('content-type', 'application/octet-stream');
		response.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));

/** Reads the stream the way n8n 1.x's streamToBuffer does. */
function readLikeMemoryMode(stream: NodeJS.ReadableStream): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.once('error', reject);
	});
}

function fakeContext(stored: Buffer[]): IExecuteFunctions {
	return {
		getNode: () => ({ id: 'n', name: 'Seedream', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) =>
				await new Promise((resolve, reject) => {
					get(options.url, (response) =>
						resolve({ statusCode: response.statusCode, headers: response.headers, body: response }),
					).once('error', reject);
				}),
			prepareBinaryData: async (data: Buffer | NodeJS.ReadableStream, fileName: string, mimeType: string) => {
				const bytes = Buffer.isBuffer(data) ? data : await readLikeMemoryMode(data);
				stored.push(bytes);
				return { data: '', fileName, mimeType, bytes: bytes.length } as IBinaryData;
			},
		},
	} as unknown as IExecuteFunctions;
}

describe('downloadImage with a consumer that reads data events', () => {
	it.each([
		['a body smaller than one network chunk', 2_000],
		['a body of many chunks', 3 * 1024 * 1024],
	])('stores %s whole, typed by its bytes', async (_name, size) => {
		const body = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(size - PNG_SIGNATURE.length, 1)]);
		bodies.set(`/${size}.bin`, body);
		const stored: Buffer[] = [];
		const binary = await downloadImage(fakeContext(stored), `${baseUrl}/${size}.bin`, {
			itemIndex: 0,
			fileBaseName: 'task-1',
			timeoutMs: 5_000,
		});
		expect(binary).toMatchObject({ mimeType: 'image/png', fileName: 'task-1.png', bytes: size });
		expect(stored).toHaveLength(1);
		expect(stored[0].equals(body)).toBe(true);
	});

	it('refuses a body too short to be an image without hanging', async () => {
		bodies.set('/tiny.bin', Buffer.from('oops'));
		const stored: Buffer[] = [];
		await expect(
			downloadImage(fakeContext(stored), `${baseUrl}/tiny.bin`, { itemIndex: 0, fileBaseName: 'task-1', timeoutMs: 5_000 }),
		).rejects.toThrow('The image URL did not return an image');
		expect(stored).toHaveLength(0);
	});
});
