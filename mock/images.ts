// Real, decodable images made locally (PNG through zlib, JPEG through jpeg-js), so clients and
// tests handle the same bytes they would get from the real image host.
import { deflateSync, inflateSync } from 'node:zlib';

import jpeg from 'jpeg-js';

export type ImageFormat = 'png' | 'jpeg';

/** What the mock serves; everything that changes the bytes is in here, so it is also the cache key. */
export interface ImageSpec {
	width: number;
	height: number;
	format: ImageFormat;
	/** Picks the tint, so the images of one set differ. Kept small to bound the cache. */
	variant: number;
	/** PNG only: an RGBA image whose corners are transparent (a decomposition layer). */
	alpha?: boolean;
	/** Texture amplitude: 0 gives tiny files, about 20 gives photo-like JPEG sizes. */
	noise?: number;
}

export const MIME_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg' };
export const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

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

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

function tint(variant: number): [number, number, number] {
	return [(variant * 67 + 40) % 256, (variant * 131 + 90) % 256, (variant * 29 + 160) % 256];
}

const clamp = (value: number) => (value < 0 ? 0 : value > 255 ? 255 : value | 0);

interface Raster {
	width: number;
	height: number;
	channels: 3 | 4;
	/** Bytes before each row: 1 for PNG's filter byte, 0 for jpeg-js. */
	rowPrefix: number;
}

/**
 * Paints a diagonal gradient into `target`. Plain indexed loops on purpose: a 4096×4096 image is
 * 16 million pixels, and this keeps it well under a second.
 */
function paint(target: Buffer, raster: Raster, spec: ImageSpec): void {
	const { width, height, channels, rowPrefix } = raster;
	const [r, g, b] = tint(spec.variant);
	const noise = spec.noise ?? 0;
	const cx = width / 2;
	const cy = height / 2;
	let at = 0;
	for (let y = 0; y < height; y++) {
		at += rowPrefix;
		for (let x = 0; x < width; x++) {
			const t = (x / width + y / height) / 2;
			const n = noise
				? (((x * 7919 + y * 104729 + spec.variant * 31) % 97) - 48) * (noise / 48)
				: 0;
			target[at] = clamp(r * (1 - t) + 255 * t + n);
			target[at + 1] = clamp(g * (1 - t) + 40 * t + n);
			target[at + 2] = clamp(b * t + 30 + n);
			if (channels === 4) {
				// An ellipse of content on a transparent canvas, like a cut-out layer.
				const dx = (x - cx) / cx;
				const dy = (y - cy) / cy;
				target[at + 3] = spec.alpha && dx * dx + dy * dy > 1 ? 0 : 255;
			}
			at += channels;
		}
	}
}

export function encodePng(spec: Omit<ImageSpec, 'format'>): Buffer {
	const channels = spec.alpha ? 4 : 3;
	const raster: Raster = { width: spec.width, height: spec.height, channels, rowPrefix: 1 };
	const raw = Buffer.alloc((spec.width * channels + 1) * spec.height);
	paint(raw, raster, { ...spec, format: 'png' });
	const header = Buffer.alloc(13);
	header.writeUInt32BE(spec.width, 0);
	header.writeUInt32BE(spec.height, 4);
	header[8] = 8; // bit depth
	header[9] = spec.alpha ? 6 : 2; // RGBA : RGB
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(raw, { level: 1 })),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

export function encodeJpeg(spec: Omit<ImageSpec, 'format' | 'alpha'>, quality = 85): Buffer {
	const data = Buffer.alloc(spec.width * spec.height * 4);
	paint(
		data,
		{ width: spec.width, height: spec.height, channels: 4, rowPrefix: 0 },
		{
			...spec,
			format: 'jpeg',
		},
	);
	return jpeg.encode({ data, width: spec.width, height: spec.height }, quality).data;
}

export function renderImage(spec: ImageSpec): Buffer {
	return spec.format === 'png' ? encodePng(spec) : encodeJpeg(spec);
}

/**
 * Least-recently-used cache of encoded images, bounded by bytes: the mock may be asked for many
 * 4K images, and encoding one in pure JS costs most of a second.
 */
export class ImageCache {
	private readonly entries = new Map<string, Buffer>();
	private bytes = 0;

	constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

	get(spec: ImageSpec): Buffer {
		const key = [
			spec.width,
			spec.height,
			spec.format,
			spec.variant,
			!!spec.alpha,
			spec.noise ?? 0,
		].join(':');
		const hit = this.entries.get(key);
		if (hit) {
			// Re-insert to mark it as most recently used (Map keeps insertion order).
			this.entries.delete(key);
			this.entries.set(key, hit);
			return hit;
		}
		const encoded = renderImage(spec);
		this.entries.set(key, encoded);
		this.bytes += encoded.length;
		for (const [oldKey, oldValue] of this.entries) {
			if (this.bytes <= this.maxBytes || oldKey === key) break;
			this.entries.delete(oldKey);
			this.bytes -= oldValue.length;
		}
		return encoded;
	}
}

export type SniffedFormat = ImageFormat | 'gif' | 'webp' | 'bmp' | 'tiff';

/** The format the magic bytes say, for the formats the API accepts as reference images. */
export function sniffImageFormat(bytes: Buffer): SniffedFormat | undefined {
	if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return 'jpeg';
	const ascii = bytes.toString('latin1', 0, 12);
	if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'gif';
	if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'webp';
	if (ascii.startsWith('BM')) return 'bmp';
	if (ascii.startsWith('II*\0') || ascii.startsWith('MM\0*')) return 'tiff';
	return undefined;
}

/** Width and height from a PNG or JPEG header, without decoding the pixels. */
export function imageDimensions(
	bytes: Buffer,
): { width: number; height: number; format: ImageFormat } | undefined {
	const format = sniffImageFormat(bytes);
	if (format === 'png' && bytes.length >= 24) {
		return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), format };
	}
	if (format !== 'jpeg') return undefined;
	let at = 2;
	while (at + 9 < bytes.length && bytes[at] === 0xff) {
		const marker = bytes[at + 1];
		// SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
		if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
			return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), format };
		}
		at += 2 + bytes.readUInt16BE(at + 2);
	}
	return undefined;
}

/** Fully decodes a PNG or JPEG (not just its header) and returns its size: proves the bytes are a real image. */
export function decodeImage(bytes: Buffer): { width: number; height: number; format: ImageFormat } {
	const header = imageDimensions(bytes);
	if (!header) throw new Error('not a PNG or JPEG');
	if (header.format === 'jpeg') {
		const decoded = jpeg.decode(bytes, { maxMemoryUsageInMB: 1024, maxResolutionInMP: 100 });
		return { width: decoded.width, height: decoded.height, format: 'jpeg' };
	}
	const idat: Buffer[] = [];
	let channels = 3;
	for (let at = 8; at + 8 <= bytes.length; ) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.toString('ascii', at + 4, at + 8);
		if (type === 'IHDR') channels = bytes[at + 8 + 9] === 6 ? 4 : 3;
		if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
		at += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	if (raw.length !== (header.width * channels + 1) * header.height) {
		throw new Error('PNG pixel data does not match its size');
	}
	return header;
}
