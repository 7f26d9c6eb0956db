import { splitList } from '../../../../nodes/Seedream/jobs/references';
import { sniffImageType } from '../../../../nodes/Seedream/transport/mime';
import { readNdjson } from '../../../../nodes/Seedream/transport/ndjson';

describe('image types', () => {
	it('sniffs PNG, JPEG, WebP and GIF by magic bytes', () => {
		expect(sniffImageType(Buffer.from('89504e470d0a1a0a0000', 'hex'))?.mimeType).toBe('image/png');
		expect(sniffImageType(Buffer.from('ffd8ffe000104a464946', 'hex'))?.extension).toBe('jpg');
		expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.mimeType).toBe('image/webp');
		expect(sniffImageType(Buffer.from('GIF89a'))?.mimeType).toBe('image/gif');
		expect(sniffImageType(Buffer.from('<html>'))).toBeUndefined();
	});

	const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

	it.each([
		['PNG (its 8-byte signature alone)', hex('89504e47 0d0a1a0a'), 'image/png', 'png'],
		['JPEG (its first 3 bytes alone)', hex('ffd8ff'), 'image/jpeg', 'jpg'],
		['WebP (12 bytes)', Buffer.from('RIFF\0\0\0\0WEBP'), 'image/webp', 'webp'],
		['GIF87a', Buffer.from('GIF87a'), 'image/gif', 'gif'],
		['GIF89a', Buffer.from('GIF89a\x01\0'), 'image/gif', 'gif'],
		['BMP ("BM" alone)', Buffer.from('BM'), 'image/bmp', 'bmp'],
		['BMP', Buffer.from('BM6\0\0\0'), 'image/bmp', 'bmp'],
		['TIFF, little-endian (4 bytes)', hex('49492a00'), 'image/tiff', 'tiff'],
		['TIFF, big-endian', hex('4d4d002a 00000008'), 'image/tiff', 'tiff'],
	])('%s: its MIME type and extension', (_name, head, mimeType, extension) => {
		expect(sniffImageType(head)).toEqual({ mimeType, extension });
	});

	it.each([
		['the first 4 bytes of a PNG signature only', hex('89504e47')],
		['the first 2 bytes of a JPEG', hex('ffd8')],
		['JPEG bytes with the first one wrong', hex('00d8ff e0')],
		['JPEG bytes with the second one wrong', hex('ff00ff e0')],
		['JPEG bytes with the third one wrong', hex('ffd800 e0')],
		['a RIFF file that is not WebP (WAV)', Buffer.from('RIFF\0\0\0\0WAVEfmt ')],
		['"WEBP" without RIFF', Buffer.from('RIFX\0\0\0\0WEBPVP8 ')],
		['a GIF with an unknown version', Buffer.from('GIF88a')],
		['one byte "B"', Buffer.from('B')],
		['"II" only', Buffer.from('II')],
		['"II" with the wrong magic number', hex('49492b00')],
		['"MM" with the wrong magic number', hex('4d4d002b')],
		['nothing', Buffer.alloc(0)],
	])('%s is no known image type', (_name, head) => {
		expect(sniffImageType(head)).toBeUndefined();
	});
});

describe('reference lists', () => {
	it('splits URLs on commas and new lines but keeps data URIs whole', () => {
		expect(splitList('https://a/1.png, https://b/2.png\ndata:image/png;base64,AAAA')).toEqual([
			'https://a/1.png',
			'https://b/2.png',
			'data:image/png;base64,AAAA',
		]);
		expect(splitList(['https://a', ' '])).toEqual(['https://a']);
		expect(splitList(undefined)).toEqual([]);
	});
});

describe('NDJSON reader', () => {
	async function* chunks(parts: string[]) {
		for (const part of parts) yield Buffer.from(part);
	}

	it('yields each line as soon as it is complete, across chunk borders', async () => {
		const lines = [];
		for await (const line of readNdjson(chunks(['{"type":"a"}\n{"ty', 'pe":"b"}\n\nnot json\n', '{"type":"c"}']))) {
			lines.push(line.type);
		}
		expect(lines).toEqual(['a', 'b', 'c']);
	});

	async function objectsOf(parts: string[]) {
		const objects = [];
		for await (const object of readNdjson(chunks(parts))) objects.push(object);
		return objects;
	}

	it('reads SSE framing ("data: …", "data:…", any white space after the colon) and skips "data: [DONE]"', async () => {
		expect(await objectsOf(['data: {"type":"a"}\n', 'data:{"type":"b"}\n', 'data:\u00a0{"type":"c"}\n', 'data: [DONE]\n'])).toEqual([
			{ type: 'a' },
			{ type: 'b' },
			{ type: 'c' },
		]);
	});

	it('skips lines that are JSON but not an object', async () => {
		expect(await objectsOf(['42\n"text"\nnull\ntrue\n{"type":"a"}\n'])).toEqual([{ type: 'a' }]);
	});

	it('a byte-order mark or no-break space around a line does not lose it, also on the last line', async () => {
		expect(await objectsOf(['\ufeff{"type":"a"}\n', '\u00a0{"type":"b"}'])).toEqual([{ type: 'a' }, { type: 'b' }]);
		expect(await objectsOf(['\u00a0{"type":"a"}\u00a0\n', '\u00a0data: {"type":"b"}\n'])).toEqual([{ type: 'a' }, { type: 'b' }]);
	});

	it('a character whose bytes arrive in two chunks is read whole, also on the last line', async () => {
		const bytes = Buffer.from('{"prompt":"红狐狸"}\n{"prompt":"雪"}');
		// Cut inside the first character's three bytes and inside the last line's character.
		const cuts = [13, bytes.length - 3];
		async function* split() {
			yield bytes.subarray(0, cuts[0]);
			yield bytes.subarray(cuts[0], cuts[1]);
			yield bytes.subarray(cuts[1]);
		}
		const objects = [];
		for await (const object of readNdjson(split())) objects.push(object);
		expect(objects).toEqual([{ prompt: '红狐狸' }, { prompt: '雪' }]);
	});

	it('reads a body that yields text instead of bytes', async () => {
		async function* text() {
			yield '{"type":"a"}\n{"ty';
			yield 'pe":"b"}';
		}
		const objects = [];
		for await (const object of readNdjson(text())) objects.push(object);
		expect(objects).toEqual([{ type: 'a' }, { type: 'b' }]);
	});

	it('a stream that ends with a newline yields nothing after its last line', async () => {
		expect(await objectsOf(['{"type":"a"}\n', '\n'])).toStrictEqual([{ type: 'a' }]);
	});
});
