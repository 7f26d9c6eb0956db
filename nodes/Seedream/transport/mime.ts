/** Image types the API produces or accepts, with the extension n8n should show. */
const IMAGE_TYPES: Array<{
	mimeType: string;
	extension: string;
	matches: (head: Buffer) => boolean;
}> = [
	{
		mimeType: 'image/png',
		extension: 'png',
		matches: (h) => h.length >= 8 && h.readUInt32BE(0) === 0x89504e47,
	},
	{
		mimeType: 'image/jpeg',
		extension: 'jpg',
		matches: (h) => h.length >= 3 && h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
	},
	{
		mimeType: 'image/webp',
		extension: 'webp',
		matches: (h) =>
			h.length >= 12 &&
			h.toString('ascii', 0, 4) === 'RIFF' &&
			h.toString('ascii', 8, 12) === 'WEBP',
	},
	{
		mimeType: 'image/gif',
		extension: 'gif',
		matches: (h) => h.length >= 6 && /^GIF8[79]a$/.test(h.toString('ascii', 0, 6)),
	},
	{
		mimeType: 'image/bmp',
		extension: 'bmp',
		matches: (h) => h.length >= 2 && h.toString('ascii', 0, 2) === 'BM',
	},
	{
		mimeType: 'image/tiff',
		extension: 'tiff',
		matches: (h) =>
			h.length >= 4 && (h.readUInt32BE(0) === 0x49492a00 || h.readUInt32BE(0) === 0x4d4d002a),
	},
];

export interface ImageType {
	mimeType: string;
	extension: string;
}

export function sniffImageType(head: Buffer): ImageType | undefined {
	const found = IMAGE_TYPES.find((type) => type.matches(head));
	return found && { mimeType: found.mimeType, extension: found.extension };
}
