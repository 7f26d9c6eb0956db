import type { IDataObject } from 'n8n-workflow';

const LONG_BASE64 = /^[A-Za-z0-9+/=\r\n]{512,}$/;

/**
 * Replaces inline images (data URIs, long base64 strings) in JSON with a short note. A task's
 * stored request echoes its reference images as data URIs of up to 10 MB each, which would
 * bloat every item and an agent's context. `dropBase64Results` also drops `b64_json` results,
 * for answers that must stay small even when the image is only there.
 */
export function withoutInlineImages(
	value: unknown,
	options: { dropBase64Results?: boolean } = {},
): unknown {
	if (typeof value === 'string') {
		if (/^data:[^,]*;base64,/.test(value) || LONG_BASE64.test(value)) {
			return `[inline image data omitted: ${value.length} characters]`;
		}
		return value;
	}
	if (Array.isArray(value)) return value.map((inner) => withoutInlineImages(inner, options));
	if (value && typeof value === 'object') {
		const copy: IDataObject = {};
		for (const [key, inner] of Object.entries(value as IDataObject)) {
			copy[key] =
				key === 'b64_json'
					? options.dropBase64Results
						? '[omitted]'
						: inner
					: (withoutInlineImages(inner, options) as IDataObject[string]);
		}
		return copy;
	}
	return value;
}
