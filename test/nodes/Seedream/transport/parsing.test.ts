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
});
