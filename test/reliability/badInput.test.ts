/**
 * The bad-input suite (issue 7), beyond the Image validation cases of
 * test/nodes/Seedream/actions/image/validation.test.ts (which count towards it): Task operations,
 * binaries, credentials, option types and expressions that resolve to the wrong type. Every case
 * gives an error that names the field and the fix, and no request reaches the API, except the
 * wrong credential, which only the API can judge (one request, nothing paid).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { binaryItem } from '../helpers/n8n';
import { generateParameters, TINY_PNG, useMockApi } from '../helpers/seedream';

const api = useMockApi();


const decompose = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'decomposeLayers',
	mode: 'sync',
	imageSource: 'binary',
	...extra,
});
const taskGet = (taskId: unknown): INodeParameters => ({
	resource: 'task',
	operation: 'get',
	taskId: taskId as string,
});
const taskGetMany = (taskIds: unknown): INodeParameters => ({
	resource: 'task',
	operation: 'getMany',
	taskIds: taskIds as string,
});
const taskWait = (taskIds: unknown, options: INodeParameters = {}): INodeParameters => ({
	resource: 'task',
	operation: 'waitForCompletion',
	taskIds: taskIds as string,
	options: { maxPollIntervalSeconds: 0.1, ...options },
});

const withJson = (json: INodeExecutionData['json']) => async () => [{ json }];
const withFile = (data: Buffer, mimeType: string, fileName: string) => async () => [
	await binaryItem({}, [{ propertyName: 'data', data, mimeType, fileName }]),
];

interface Extra {
	items?: () => Promise<INodeExecutionData[]>;
	baseUrl?: string;
}

/** name, parameters, what the message and description must say (field and fix), extra. */
type Case = [string, INodeParameters, RegExp[], Extra?];

const cases: Case[] = [
	// Task → Get
	[
		'Get: empty task id (expression)',
		taskGet('={{ "" }}'),
		[/"Task ID" parameter is empty/, /task_id of a submitted job/],
	],
	[
		'Get: task id of blanks only (expression)',
		taskGet('={{ "   " }}'),
		[/"Task ID" parameter is empty/],
	],
	[
		'Get: task id with spaces inside',
		taskGet('80ceeed1 17d4 4eb7'),
		[/"Task ID" .*not a valid task id/, /letters, digits/],
	],
	[
		'Get: task id that is a URL path',
		taskGet('../../seedream/images'),
		[/"Task ID" .*not a valid task id/],
	],
	[
		'Get: task id expression resolving to an object',
		taskGet('={{ $json.task }}'),
		[/"Task ID" .*not a valid task id/, /\{\{ \$json\.task_id \}\}/],
		{ items: withJson({ task: { id: 'abc' } }) },
	],
	// Task → Get Many
	[
		'Get Many: empty id list (expression)',
		taskGetMany('={{ "" }}'),
		[/"Task IDs" parameter has no task id/, /at least one id/],
	],
	['Get Many: only separators', taskGetMany(' , ;\n '), [/"Task IDs" parameter has no task id/]],
	[
		'Get Many: expression resolving to an empty array',
		taskGetMany('={{ [] }}'),
		[/"Task IDs" parameter has no task id/],
	],
	[
		'Get Many: one bad id among good ones',
		taskGetMany('80ceeed1-17d4-4eb7-82e0-18b34290f36e, <script>'),
		[/"Task IDs" value contains "<script>", not a valid task id/],
	],
	[
		'Get Many: array of objects (expression)',
		taskGetMany('={{ $json.tasks }}'),
		[/"Task IDs" .*not a valid task id/],
		{ items: withJson({ tasks: [{ task_id: 'a' }, { task_id: 'b' }] }) },
	],
	// Task → Wait for Completion
	[
		'Wait: no task id on the item',
		taskWait('={{ $json.task_id }}'),
		[/"Task IDs" parameter has no task id/, /\{\{ \$json\.task_id \}\}/],
	],
	[
		'Wait: task id that is a URL',
		taskWait('https://example.com/task/1'),
		[/"Task IDs" .*not a valid task id/],
	],
	[
		'Wait: Max Download Size that is not a number',
		taskWait('80ceeed1-17d4-4eb7-82e0-18b34290f36e', { maxDownloadMb: '={{ "abc" }}' }),
		[/"Max Download Size \(MB\)" must be a number above 0/],
	],
	// Binaries
	[
		'Decompose: binary property missing',
		decompose({ binaryPropertyName: 'photo' }),
		[
			/no binary property "photo"/,
			/Binary properties on this item: data\. Put one of them in "Input Binary Property"/,
		],
		{ items: withFile(TINY_PNG, 'image/png', 'a.png') },
	],
	[
		'Decompose: binary property that is not an image',
		decompose(),
		[/Binary property "data" is not an image \(application\/pdf\)/, /Pass an image file/],
		{ items: withFile(Buffer.from('%PDF-1.7 not an image'), 'application/pdf', 'a.pdf') },
	],
	[
		'Decompose: item without any binary',
		decompose(),
		[/no binary property "data"/, /Connect a node that outputs an image/],
	],
	// Credentials
	[
		'Base URL with another scheme',
		generateParameters(),
		[/Base URL "ftp:\/\/api\.acedata\.cloud" is not a valid URL/, /http:\/\/ or https:\/\//],
		{ baseUrl: 'ftp://api.acedata.cloud' },
	],
	[
		'Base URL with spaces (Task → Get)',
		taskGet('80ceeed1-17d4-4eb7-82e0-18b34290f36e'),
		[/Base URL "https:\/\/api acedata cloud" is not a valid URL/],
		{ baseUrl: 'https://api acedata cloud' },
	],
	// Expressions and options of the wrong type
	[
		'Max Images "abc" (expression)',
		generateParameters({ options: { maxImages: '={{ "abc" }}' } }),
		[/"Max Images" must be a whole number from 1 to 15/, /Got abc/],
	],
	[
		'Max Images 2.5 (expression)',
		generateParameters({ options: { maxImages: '={{ 2.5 }}' } }),
		[/"Max Images" must be a whole number/],
	],
	[
		'Prompt resolving to an object',
		generateParameters({ prompt: '={{ $json.prompt }}' }),
		[/"Prompt"/, /text/i],
		{ items: withJson({ prompt: { text: 'A red fox' } }) },
	],
	[
		'Size resolving to a number',
		generateParameters({ size: 'custom', customSize: '={{ 2048 }}' }),
		[/"Size" value "2048"/],
	],
	[
		'Concurrency "many" (expression)',
		generateParameters({ options: { concurrency: '={{ "many" }}' } }),
		[/"Concurrency" must be a whole number/],
	],
	[
		'Request Timeout "soon" (expression)',
		generateParameters({ options: { timeoutSeconds: '={{ "soon" }}' } }),
		[/"Request Timeout \(Seconds\)" must be a number/],
	],
	[
		'Max Download Size 0',
		generateParameters({ options: { maxDownloadMb: 0 } }),
		[/"Max Download Size \(MB\)" must be a number above 0/],
	],
	[
		'File name template with an unknown placeholder',
		generateParameters({ options: { fileNameTemplate: '{prompt}.{ext}' } }),
		[/"File Name" template is not valid: unknown placeholder \{prompt\}/, /\{task_id\}/],
	],
	[
		'URL-only output with Base64 answers',
		generateParameters({ options: { outputMode: 'url', responseFormat: 'b64_json' } }),
		[/URL Only does not work with Response Format Base64/, /Set "Response Format" to URL/],
	],
];

// Every row gets all four arguments: jest treats a missing trailing argument as a `done` callback.
const rows = cases.map(
	([name, parameters, messages, extra]) => [name, parameters, messages, extra ?? {}] as const,
);

describe('bad input is refused before any request', () => {
	it.each(rows)('%s', async (_name, parameters, messages, extra) => {
		const inputItems = extra.items ? await extra.items() : undefined;
		const result = await api.run(parameters, { inputItems, baseUrl: extra.baseUrl });
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.description).toBeTruthy();
		const text = `${result.error?.message}\n${result.error?.description}`;
		for (const message of messages) expect(text).toMatch(message);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(api.mock.stats.requests).toBe(0);
	});

	it('has at least 25 cases of its own (and 38 more in the Image validation suite)', () => {
		expect(cases.length).toBeGreaterThanOrEqual(25);
	});
});

describe('a wrong credential', () => {
	it.each([
		['generate', generateParameters()],
		['Task → Get', taskGet('80ceeed1-17d4-4eb7-82e0-18b34290f36e')],
	])('(%s): one request, 401 explained, nothing retried', async (_name, parameters) => {
		const result = await api.run(parameters, { token: 'wrong-token' });
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('[invalid_token]');
		expect(result.error?.description).toMatch(/Copy the token again .* Seedream API credential/);
		expect(result.error?.httpCode).toBe('401');
		expect(api.mock.stats.requests).toBe(1);
		expect(api.mock.stats.jobsCreated).toBe(0);
	});
});
