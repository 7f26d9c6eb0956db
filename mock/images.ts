// Real, decodable test images made locally: PNG through zlib, JPEG through jpeg-js.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

import jpeg from 'jpeg-js';

export type ImageFormat = 'png' | 'jpeg';

const CRC_TABLE = new Int32Array(256).map((_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c;
});

function crc32(bytes: Buffer): number {
	let crc = -1;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A colour per seed, so images of one set differ. */
function palette(seed: number): [number, number, number] {
	return [(seed * 67 + 40) % 256, (seed * 131 + 90) % 256, (seed * 29 + 160) % 256];
}

const clamp = (value: number) => (value < 0 ? 0 : value > 255 ? 255 : value | 0);

/**
 * Writes a diagonal gradient with a per-seed tint into `target`; `noise` adds texture so JPEGs
 * get photo-like sizes. Plain loops: this runs for millions of pixels.
 */
function paint(target: Buffer, width: number, height: number, channels: number, rowPadding: number, seed: number, noise: number, alphaCutout: boolean) {
	const [r, g, b] = palette(seed);
	let at = 0;
	for (let y = 0; y < height; y++) {
		at += rowPadding;
		for (let x = 0; x < width; x++) {
			const t = (x / width + y / height) / 2;
			const n = noise ? ((x * 7919 + y * 104729 + seed * 31) % 97) - 48 : 0;
			target[at] = clamp(r * (1 - t) + 255 * t + n);
			target[at + 1] = clamp(g * (1 - t) + 40 * t + n);
			target[at + 2] = clamp(b * t + 30 + n);
			if (channels === 4) target[at + 3] = alphaCutout && x < width / 4 ? 0 : 255;
			at += channels;
		}
	}
}

export function encodePng(width: number, height: number, seed = 0, options: { alpha?: boolean; noise?: number } = {}): Buffer {
	const channels = options.alpha ? 4 : 3;
	const raw = Buffer.alloc((width * channels + 1) * height);
	paint(raw, width, height, channels, 1, seed, options.noise ?? 0, Boolean(options.alpha));
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = options.alpha ? 6 : 2;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 1 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

export function encodeJpeg(width: number, height: number, seed = 0, options: { noise?: number; quality?: number } = {}): Buffer {
	const data = Buffer.alloc(width * height * 4);
	paint(data, width, height, 4, 0, seed, options.noise ?? 0, false);
	return jpeg.encode({ data, width, height }, options.quality ?? 85).data;
}

/** Width and height from a PNG or JPEG header, for tests that check what was produced. */
export function imageDimensions(bytes: Buffer): { width: number; height: number; format: ImageFormat } | undefined {
	if (bytes.length > 24 && bytes.readUInt32BE(0) === 0x89504e47) {
		return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), format: 'png' };
	}
	if (bytes[0] === 0xff && bytes[1] === 0xd8) {
		let at = 2;
		while (at + 9 < bytes.length) {
			if (bytes[at] !== 0xff) return undefined;
			const marker = bytes[at + 1];
			const length = bytes.readUInt16BE(at + 2);
			if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
				return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), format: 'jpeg' };
			}
			at += 2 + length;
		}
	}
	return undefined;
}

/** Fully decodes an image (not just its header) and returns its size: proves the bytes are a real image. */
export function decodeImage(bytes: Buffer): { width: number; height: number; format: ImageFormat } {
	const header = imageDimensions(bytes);
	if (!header) throw new Error('not a PNG or JPEG');
	if (header.format === 'jpeg') {
		const decoded = jpeg.decode(bytes, { maxMemoryUsageInMB: 1024, maxResolutionInMP: 100 });
		return { width: decoded.width, height: decoded.height, format: 'jpeg' };
	}
	// PNG: inflate every IDAT chunk and check the scanline byte count.
	const idat: Buffer[] = [];
	let at = 8;
	let channels = 3;
	while (at < bytes.length) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.toString('ascii', at + 4, at + 8);
		if (type === 'IHDR') channels = bytes[at + 8 + 9] === 6 ? 4 : 3;
		if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
		at += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	if (raw.length !== (header.width * channels + 1) * header.height) throw new Error('PNG pixel data does not match its size');
	return header;
}

const DISK_CACHE = join(tmpdir(), 'seedream-mock-images-v1');

/**
 * Encoding a 4K JPEG in pure JS takes seconds, and every test file starts its own mock, so
 * generated images are kept on disk between runs (they depend only on the key).
 */
export function cachedImage(key: string, produce: () => Buffer): Buffer {
	const file = join(DISK_CACHE, key.replace(/[^a-zA-Z0-9.-]/g, '_'));
	if (existsSync(file)) return readFileSync(file);
	const bytes = produce();
	mkdirSync(DISK_CACHE, { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, bytes);
	renameSync(temporary, file);
	return bytes;
}
