import type { IBinaryData, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { API_LIMITS } from '../capabilities';
import { sniffImageType } from '../transport/mime';

export interface ReferenceSources {
	/** Binary property names, comma separated; `*` takes every binary property of the item. */
	binaryProperties?: string;
	/** http(s) URLs and `data:image/...;base64,` URIs, as text (comma or newline separated) or an array. */
	urls?: string | string[];
	/** The field that names the binary properties, for errors; default "Reference Binary Properties". */
	binaryField?: string;
}

const MAX_MB = API_LIMITS.maxReferenceImageBytes / 1024 / 1024;

function invalid(node: INode, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(node, message, { itemIndex, description });
}

export function splitList(value: string | string[] | undefined): string[] {
	if (value === undefined || value === null) return [];
	// Commas separate entries only before a new URL or data URI: a data URI has a comma of its own.
	const parts = Array.isArray(value)
		? value.map(String)
		: String(value).split(/\s*\n\s*|,\s*(?=https?:\/\/|data:)/i);
	return parts.map((part) => part.trim()).filter(Boolean);
}

/** Checks one data URI the way the API does: image type, valid base64, size limit. */
export function checkDataUri(node: INode, itemIndex: number, uri: string, label: string): string {
	const match = /^data:image\/([a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i.exec(uri);
	if (!match) {
		throw invalid(
			node,
			itemIndex,
			`${label} is not a readable image data URI`,
			'Use the form data:image/png;base64,<base64 data>, an http(s) URL, or a binary property.',
		);
	}
	const bytes = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
	return imageDataUri(node, itemIndex, bytes, label, {
		message: `${label} does not contain an image`,
		description: 'The base64 data must be a PNG, JPEG, WebP, BMP, TIFF or GIF file.',
	});
}

/**
 * The API's checks on a reference image's bytes (docs/api-contract.md §4): at most 10 MB, and a
 * real image whatever type was declared; the data URI is built from the type the bytes show.
 */
function imageDataUri(
	node: INode,
	itemIndex: number,
	bytes: Buffer,
	label: string,
	notAnImage: { message: string; description: string },
): string {
	if (bytes.length > API_LIMITS.maxReferenceImageBytes) {
		throw invalid(
			node,
			itemIndex,
			`${label} is larger than ${MAX_MB} MB`,
			`Each reference image may be ${MAX_MB} MB at most. Resize or compress it first.`,
		);
	}
	const type = sniffImageType(bytes.subarray(0, 16));
	if (!type) throw invalid(node, itemIndex, notAnImage.message, notAnImage.description);
	return `data:${type.mimeType};base64,${bytes.toString('base64')}`;
}

function checkUrl(node: INode, itemIndex: number, value: string, label: string): string {
	if (/^data:/i.test(value)) return checkDataUri(node, itemIndex, value, label);
	let protocol = '';
	try {
		protocol = new URL(value).protocol;
	} catch {
		protocol = '';
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw invalid(
			node,
			itemIndex,
			`${label} "${value.slice(0, 80)}" is not an http(s) URL or data URI`,
			'Reference images must be public http(s) URLs, data:image/...;base64,... URIs, or binary properties of the input item.',
		);
	}
	return value;
}

async function binaryToDataUri(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
): Promise<string> {
	const node = context.getNode();
	const label = `Binary property "${property}"`;
	const declared = (binary.mimeType ?? '').toLowerCase();
	// Generic types are common for downloaded files: the bytes decide below.
	const generic = declared === '' || declared === 'application/octet-stream';
	if (!generic && !declared.startsWith('image/')) {
		throw invalid(
			node,
			itemIndex,
			`${label} is not an image (${binary.mimeType})`,
			'Pass an image file (PNG, JPEG, WebP, BMP, TIFF or GIF) as reference.',
		);
	}
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	return imageDataUri(node, itemIndex, bytes, label, {
		message: `${label} is not an image`,
		description: 'Its content is no PNG, JPEG, WebP, BMP, TIFF or GIF file.',
	});
}

/**
 * Turns the item's binary properties and the given URLs / data URIs into the API's `image` list,
 * binary first, in the order given. Everything is checked here, before a paid request.
 */
export async function collectReferenceImages(
	context: IExecuteFunctions,
	itemIndex: number,
	sources: ReferenceSources,
): Promise<string[]> {
	const node = context.getNode();
	const item = context.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	const requested = String(sources.binaryProperties ?? '').trim();
	const names =
		requested === '*'
			? available
			: requested
					.split(/[,\n]/)
					.map((name) => name.trim())
					.filter(Boolean);
	if (requested === '*' && available.length === 0) {
		throw invalid(
			node,
			itemIndex,
			'The input item has no binary data to use as reference',
			'Connect a node that outputs an image (e.g. HTTP Request with "File" response, Read Files) or use image URLs.',
		);
	}
	const images: string[] = [];
	for (const name of names) {
		const binary = item?.binary?.[name];
		if (!binary) {
			throw invalid(
				node,
				itemIndex,
				`The input item has no binary property "${name}"`,
				available.length
					? `Binary properties on this item: ${available.join(', ')}. Put one of them in "${sources.binaryField ?? 'Reference Binary Properties'}".`
					: 'This item carries no binary data. Connect a node that outputs an image, or use image URLs.',
			);
		}
		images.push(await binaryToDataUri(context, itemIndex, name, binary));
	}
	splitList(sources.urls).forEach((value, index) =>
		images.push(checkUrl(node, itemIndex, value, `Reference image ${index + 1}`)),
	);
	return images;
}
