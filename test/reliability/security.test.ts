/**
 * Security (issue 7): the API token never shows up in what a run leaves behind, across the
 * error paths of the fault table; downloads take only http(s), respect the size cap (declared
 * and undeclared length) and store nothing whose bytes are not an image.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INode, INodeParameters } from 'n8n-workflow';

import type { Fault, MockOptions } from '../../mock/server';
import { downloadImage } from '../../nodes/Seedream/transport/download';
import type { SeedreamContext } from '../../nodes/Seedream/transport/request';
import { binaryDataService, recordedLogs, type RunNodeResult } from '../helpers/n8n';
import { lighthouseJob, useMockApi } from '../helpers/seedream';
import { allText } from './secrets';

/** Distinctive, so any hit is the token and not a coincidence. */
const TOKEN = 'sk-SEEDREAM-SECRET-7f3a9c1e-token';
/** A wrong token is a secret too: it may be a real token of another account. */
const WRONG_TOKEN = 'sk-WRONG-SECRET-0b5d2e88-token';
const SECRETS = [TOKEN, WRONG_TOKEN, TOKEN.slice(3, 27), WRONG_TOKEN.slice(3, 25)];

const api = useMockApi({ validTokens: [TOKEN] });


function leaks(value: unknown): string[] {
	const text = allText(value);
	return SECRETS.filter((secret) => text.includes(secret));
}

/** What a run leaves for the user, the UI and the logs. */
function surfaces(result: RunNodeResult) {
	const error = result.error;
	return {
		outputJson: JSON.stringify(result.items),
		errorMessage: error?.message,
		errorDescription: error?.description,
		errorContext: JSON.stringify(error?.context ?? null),
		errorCause: error ? allText((error as { cause?: unknown }).cause) : '',
		errorWhole: error ? allText(error) : '',
		errorJson: error ? JSON.stringify(error) : '',
		errorStack: error?.stack,
	};
}

type Scenario = {
	name: string;
	parameters: INodeParameters;
	faults?: Fault[];
	options?: Partial<MockOptions>;
	token?: string;
	continueOnFail?: boolean;
	/** Whether the run is expected to end in an error (or an error item). */
	fails: boolean;
};

const scenarios: Scenario[] = [
	{ name: 'success (control)', parameters: lighthouseJob('sync'), fails: false },
	{ name: 'wrong token (401)', parameters: lighthouseJob('sync'), token: WRONG_TOKEN, fails: true },
	{
		name: 'wrong token, Task → Get',
		parameters: { resource: 'task', operation: 'get', taskId: 'abc' },
		token: WRONG_TOKEN,
		fails: true,
	},
	{
		name: 'balance used up (403)',
		parameters: lighthouseJob('submitOnly'),
		options: { poorTokens: [TOKEN] },
		fails: true,
	},
	{
		name: 'create 429 with long Retry-After',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'create', kind: 'status', status: 429, retryAfter: 120 }],
		fails: true,
	},
	{
		name: 'create 503 after the job started',
		parameters: lighthouseJob('pollUntilDone'),
		faults: [{ route: 'create', kind: 'status', status: 503, afterAccept: true }],
		fails: true,
	},
	{
		name: 'create proxy HTML page',
		parameters: lighthouseJob('submitOnly'),
		faults: [{ route: 'create', kind: 'html', afterAccept: true }],
		fails: true,
	},
	{
		name: 'create reset',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'create', kind: 'reset', afterAccept: true }],
		fails: true,
	},
	{
		name: 'create body cut off',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'create', kind: 'reset-mid-body' }],
		fails: true,
	},
	{
		name: 'create malformed JSON',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'create', kind: 'malformed-json', afterAccept: true }],
		fails: true,
	},
	{
		name: 'create timeout',
		parameters: lighthouseJob('sync', { timeoutSeconds: 1 }),
		faults: [{ route: 'create', kind: 'delay', delayMs: 1100 }],
		fails: true,
	},
	{
		name: 'task lookups fail (continueOnFail)',
		parameters: lighthouseJob('pollUntilDone'),
		faults: [{ route: 'task', kind: 'status', status: 503, retryAfter: 0, times: 20 }],
		continueOnFail: true,
		fails: true,
	},
	{
		name: 'task lookup 401',
		parameters: lighthouseJob('pollUntilDone'),
		faults: [{ route: 'task', kind: 'status', status: 401 }],
		fails: true,
	},
	{
		name: 'failed task',
		parameters: lighthouseJob('pollUntilDone'),
		options: {
			generationFailure: { code: 'InputTextSensitiveContentDetected', message: 'Sensitive.' },
		},
		fails: true,
	},
	{
		name: 'partial set, strict',
		parameters: lighthouseJob('sync', { maxImages: 2, strict: true }),
		options: { failImages: [1] },
		fails: true,
	},
	{
		name: 'image URL 404',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'download', kind: 'status', status: 404 }],
		fails: true,
	},
	{
		name: 'image download gives up',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'download', kind: 'status', status: 503, retryAfter: 0, times: 20 }],
		continueOnFail: true,
		fails: true,
	},
	{
		name: 'HTML labelled image/jpeg',
		parameters: lighthouseJob('sync'),
		faults: [{ route: 'download', kind: 'html', status: 200, contentType: 'image/jpeg' }],
		fails: true,
	},
	{
		name: 'image over the size cap',
		parameters: lighthouseJob('sync', { maxDownloadMb: 0.001 }),
		fails: true,
	},
	{
		name: 'unknown task',
		parameters: {
			resource: 'task',
			operation: 'get',
			taskId: '80ceeed1-17d4-4eb7-82e0-18b34290f36e',
		},
		fails: true,
	},
	{ name: 'bad input', parameters: lighthouseJob('sync', { maxImages: 99 }), fails: true },
];

describe('the token never appears in output, errors or logs', () => {
	it('the search finds the token where it legitimately is (control)', async () => {
		await api.run(lighthouseJob('submitOnly'), { token: TOKEN });
		expect(leaks(api.mock.requests)).toContain(TOKEN);
		expect(leaks(new Error(`x Bearer ${TOKEN}`))).toContain(TOKEN);
		expect(
			leaks({ cause: { config: { headers: { Authorization: `Bearer ${TOKEN}` } } } }),
		).toContain(TOKEN);
		// The logger n8n-core hands to node contexts (this.logger) is the recording one.
		const logged = recordedLogs.length;
		Container.get(Logger).warn(`probe ${TOKEN}`, { token: TOKEN });
		expect(leaks(recordedLogs.slice(logged))).toEqual([TOKEN, TOKEN.slice(3, 27)]);
		recordedLogs.length = logged;
	});

	it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
		'%s',
		async (_name, scenario) => {
			const logsBefore = recordedLogs.length;
			if (scenario.options) api.mock.setOptions(scenario.options);
			for (const fault of scenario.faults ?? []) api.mock.injectFault(fault);
			const token = scenario.token ?? TOKEN;
			const result = await api.run(scenario.parameters, {
				token,
				continueOnFail: scenario.continueOnFail,
			});
			const failed = Boolean(result.error) || result.items[0]?.some((item) => 'error' in item.json);
			expect(failed).toBe(scenario.fails);
			for (const [surface, text] of Object.entries(surfaces(result))) {
				expect({ surface, leaks: leaks(text) }).toEqual({ surface, leaks: [] });
			}
			expect(leaks(recordedLogs.slice(logsBefore))).toEqual([]);
			// The token did go out, in the Authorization header, unless the run stopped before sending.
			if (scenario.name !== 'bad input') {
				expect(api.mock.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
			}
		},
	);
});

describe('downloads', () => {
	const node = { name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1 } as INode;
	const fakeContext = () => {
		const httpRequest = jest.fn();
		const context = {
			getNode: () => node,
			getExecutionCancelSignal: () => undefined,
			helpers: { httpRequest, prepareBinaryData: jest.fn() },
		} as unknown as SeedreamContext;
		return { context, httpRequest };
	};

	it.each([
		'file:///etc/passwd',
		'ftp://example.com/a.png',
		'data:image/png;base64,AAAA',
		'javascript:alert(1)',
		'not a url',
	])('fetch only http(s): %s is refused without a request', async (url) => {
		const { context, httpRequest } = fakeContext();
		await expect(
			downloadImage(context, url, { itemIndex: 0, fileBaseName: 'x', taskId: 't-1' }),
		).rejects.toThrow(/is not an http\(s\) URL/);
		expect(httpRequest).not.toHaveBeenCalled();
	});

	async function storeSpy() {
		const service = await binaryDataService();
		return jest.spyOn(service, 'store');
	}

	afterEach(() => jest.restoreAllMocks());

	it('an image over "Max Download Size" with a Content-Length is refused before anything is stored', async () => {
		const store = await storeSpy();
		const result = await api.run(lighthouseJob('sync', { maxDownloadMb: 0.001 }), { token: TOKEN });
		expect(result.error?.message).toBe('The image is larger than the 1049-byte download limit');
		expect(result.error?.description).toContain('Raise "Max Download Size"');
		expect(result.error?.description).toContain(`Task id: ${[...api.mock.tasks.keys()][0]}`);
		expect(store).not.toHaveBeenCalled();
		// Final, not retried.
		expect(api.mock.stats.downloads).toBe(1);
	});

	it('an image over the cap without a Content-Length is refused once its stored size is known', async () => {
		// The fault really removes the length: check on a published file first.
		const listed = await api.run(lighthouseJob('sync', { outputMode: 'url' }), { token: TOKEN });
		const url = String(listed.items[0][0].json.image_url);
		api.mock.injectFault({ route: 'download', kind: 'no-length' });
		const raw = await fetch(url);
		expect(raw.headers.get('content-length')).toBeNull();
		expect(raw.headers.get('transfer-encoding')).toBe('chunked');
		const size = (await raw.arrayBuffer()).byteLength;
		expect(size).toBeGreaterThan(1049);

		api.mock.injectFault({ route: 'download', kind: 'no-length' });
		const result = await api.run(lighthouseJob('sync', { maxDownloadMb: 0.001 }), { token: TOKEN });
		expect(result.error?.message).toBe('The image is larger than the 1049-byte download limit');
		expect(result.error?.description).toContain(`Task id: ${[...api.mock.tasks.keys()][1]}`);
		expect(result.items).toEqual([]);
	});

	it('the same images pass under a cap they fit (both paths)', async () => {
		const declared = await api.run(lighthouseJob('sync', { maxDownloadMb: 1 }), { token: TOKEN });
		expect(declared.error).toBeUndefined();
		api.mock.injectFault({ route: 'download', kind: 'no-length' });
		const chunked = await api.run(lighthouseJob('sync', { maxDownloadMb: 1 }), { token: TOKEN });
		expect(chunked.error).toBeUndefined();
		expect(chunked.items[0][0].binary?.data.mimeType).toBe('image/jpeg');
	});

	it('an HTML page served as image/jpeg is rejected before it is stored', async () => {
		const store = await storeSpy();
		api.mock.injectFault({
			route: 'download',
			kind: 'html',
			status: 200,
			contentType: 'image/jpeg',
		});
		const result = await api.run(lighthouseJob('sync'), { token: TOKEN });
		expect(result.error?.message).toBe('The image URL did not return an image');
		expect(result.error?.description).toMatch(
			/Content-Type was "image\/jpeg" and the bytes are no known image format/,
		);
		expect(store).not.toHaveBeenCalled();
	});

	it('the bytes decide the type: a real JPEG sent as application/octet-stream is stored as image/jpeg', async () => {
		const store = await storeSpy();
		api.mock.setOptions({ untypedImages: true });
		const result = await api.run(lighthouseJob('sync'), { token: TOKEN });
		expect(result.error).toBeUndefined();
		expect(result.items[0][0].binary?.data).toMatchObject({
			mimeType: 'image/jpeg',
			fileExtension: 'jpg',
		});
		expect(store).toHaveBeenCalledTimes(1);
	});
});
