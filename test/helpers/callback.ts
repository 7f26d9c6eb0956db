/**
 * Runs the callback mode the way n8n does, with n8n-core's real contexts: the node's execute()
 * in an ExecuteContext (which pauses), then each callback in a WebhookContext built on the
 * stored execution data. Between calls the execution data goes through a JSON round trip, as
 * n8n reloads a waiting execution from its database for every request: nothing a webhook call
 * keeps in memory survives.
 * Not covered here (n8n's server does it, see test/e2e/callback.e2e.test.ts): the resume-token
 * check (401), 409 for finished executions, and running the nodes after the resume.
 */
import { ExecuteContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	NodeExecutionHint,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { SeedreamApi } from '../../credentials/SeedreamApi.credentials';
import type { MockServer } from '../../mock/server';
import { additionalDataFor, binaryDataService, TestCredentialsHelper } from './n8n';
import { TEST_TOKEN } from './seedream';

/** Nothing listens here: the mock's callback POSTs fail fast but are still recorded. */
export const UNREACHABLE_WAITING_BASE_URL = 'http://127.0.0.1:9/webhook-waiting';

export interface HarnessOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	baseUrl: string;
	token?: string;
	continueOnFail?: boolean;
	waitingBaseUrl?: string;
	staticData?: IDataObject;
	/** e.g. `n8n-nodes-seedream.seedreamTool`, the type n8n gives the node used as an AI tool. */
	typeName?: string;
	/**
	 * How the node reaches the execution's custom data: `context` as in n8n 2.x (the default);
	 * `expression` as in n8n 1.x, where contexts have no `customData` and only
	 * `$execution.customData` in an expression gives it; `none` when neither does.
	 */
	customDataAccess?: 'context' | 'expression' | 'none';
}

const CUSTOM_DATA_EXPRESSION = /^=?\{\{\s*\$execution\.customData\s*\}\}$/;

/** `$execution.customData` as n8n 1.x builds it: an object over the run's metadata. */
function expressionCustomData(runExecutionData: IRunExecutionData) {
	const metadata = () => (runExecutionData.resultData.metadata ??= {});
	return {
		set: (key: string, value: unknown) => void (metadata()[key] = String(value)),
		setAll: (values: IDataObject) => {
			for (const [key, value] of Object.entries(values)) metadata()[key] = String(value);
		},
		get: (key: string) => metadata()[key],
		getAll: () => ({ ...metadata() }),
	};
}

/** The context as an n8n without `customData` on its contexts hands it to the node. */
function withCustomDataAccess<T extends object>(
	context: T,
	access: HarnessOptions['customDataAccess'],
	runExecutionData: IRunExecutionData | null,
): T {
	if (!access || access === 'context') return context;
	return new Proxy(context, {
		get(target, property) {
			if (property === 'customData') return undefined;
			if (property === 'evaluateExpression') {
				return (expression: string, itemIndex?: number) => {
					if (!CUSTOM_DATA_EXPRESSION.test(expression.trim()))
						return (target as unknown as WebhookContext).evaluateExpression(expression, itemIndex);
					return access === 'expression' && runExecutionData ? expressionCustomData(runExecutionData) : null;
				};
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

export interface Paused {
	items: INodeExecutionData[][];
	error?: Error & { description?: string };
	waitTill?: Date;
	hints: NodeExecutionHint[];
	/** The execution as n8n would store it (JSON). */
	stored: string;
	runExecutionData: IRunExecutionData;
}

export interface WebhookCall {
	body: unknown;
	query?: IDataObject;
	headers?: IDataObject;
}

export interface WebhookResult {
	/** What the node wrote itself (401/400/403/404…), if it answered directly. */
	status?: number;
	responseBody?: unknown;
	result?: IWebhookResponseData;
	error?: Error & { description?: string; context?: IDataObject };
}

export function createHarness(options: HarnessOptions) {
	const node: INode = {
		id: 'node-under-test',
		name: options.nodeType.description.defaults.name ?? 'Seedream',
		type: options.typeName ?? `n8n-nodes-seedream.${options.nodeType.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { seedreamApi: { id: 'seedreamApi-id', name: 'seedreamApi' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			options.nodeType.description.properties,
			node.parameters,
			true,
			false,
			node,
			options.nodeType.description,
		) ?? node.parameters;
	const workflow = new Workflow({
		id: 'seedream-callback-workflow',
		nodes: [node],
		connections: {},
		active: true,
		staticData: options.staticData ?? {},
		nodeTypes: {
			getByName: () => options.nodeType,
			getByNameAndVersion: () => options.nodeType,
			getKnownTypes: () => ({}),
		} as never,
	});
	const helper = new TestCredentialsHelper([new SeedreamApi()], {
		seedreamApi: { apiToken: options.token ?? 'test-token', baseUrl: options.baseUrl },
	});

	function additionalData(extra: IDataObject = {}) {
		const data = additionalDataFor(helper, []);
		Object.assign(data, {
			webhookWaitingBaseUrl: options.waitingBaseUrl ?? UNREACHABLE_WAITING_BASE_URL,
			...extra,
		});
		return data;
	}

	async function execute(
		inputItems: INodeExecutionData[] = [{ json: {} }],
		seed: (data: IRunExecutionData) => void = () => undefined,
	): Promise<Paused> {
		await binaryDataService();
		const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
		seed(runExecutionData);
		const executeData: IExecuteData = {
			node,
			data: { main: [inputItems] },
			source: { main: [{ previousNode: 'Start' }] },
		};
		const context = new ExecuteContext(
			workflow,
			node,
			additionalData(),
			'manual',
			runExecutionData,
			0,
			inputItems,
			{ main: [inputItems] },
			executeData,
			[],
		);
		const paused: Paused = { items: [], hints: [], stored: '', runExecutionData };
		try {
			paused.items = (await options.nodeType.execute!.call(
				withCustomDataAccess(context, options.customDataAccess, runExecutionData),
			)) as INodeExecutionData[][];
		} catch (error) {
			paused.error = error as Paused['error'];
		}
		paused.hints = (context as unknown as { hints: NodeExecutionHint[] }).hints;
		paused.waitTill = runExecutionData.waitTill;
		// What n8n keeps of a waiting execution: the node goes back on the stack with its input.
		runExecutionData.executionData!.nodeExecutionStack = [executeData];
		paused.stored = JSON.stringify(runExecutionData);
		return paused;
	}

	/** One HTTP request to the node's webhook; `paused` is the waiting execution (omit for a trigger). */
	async function call(request: WebhookCall, paused?: Paused): Promise<WebhookResult> {
		await binaryDataService();
		const runExecutionData = paused ? (JSON.parse(paused.stored) as IRunExecutionData) : null;
		const outcome: WebhookResult = {};
		const res = {
			headersSent: false,
			status(code: number) {
				outcome.status = code;
				return res;
			},
			json(body: unknown) {
				outcome.responseBody = body;
				res.headersSent = true;
				return res;
			},
			send(body: unknown) {
				outcome.responseBody = body;
				res.headersSent = true;
				return res;
			},
			end() {
				res.headersSent = true;
				return res;
			},
			setHeader() {
				return res;
			},
		};
		const req = {
			body: request.body,
			query: request.query ?? {},
			headers: request.headers ?? { 'content-type': 'application/json' },
			params: {},
			method: 'POST',
		};
		const data = additionalData({ httpRequest: req, httpResponse: res });
		const description = options.nodeType.description.webhooks![0];
		const webhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: data,
		} as unknown as IWebhookData;
		const context = new WebhookContext(
			workflow,
			node,
			data,
			paused ? 'manual' : 'webhook',
			webhookData,
			[],
			runExecutionData,
		);
		try {
			outcome.result = await options.nodeType.webhook!.call(
				withCustomDataAccess(context, options.customDataAccess, runExecutionData),
			);
		} catch (error) {
			outcome.error = error as WebhookResult['error'];
		}
		return outcome;
	}

	return { node, workflow, execute, call };
}

/** Resolves when `predicate` holds, polling every 20 ms (fails after `timeoutMs`). */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
	const started = Date.now();
	while (!predicate()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Submits a job straight to the mock with a callback URL nobody listens on; its task id. */
export async function submitToMock(
	mock: MockServer,
	request: Record<string, unknown> = {},
): Promise<string> {
	const response = await fetch(`${mock.url}/seedream/images`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			model: 'doubao-seedream-4-0-250828',
			prompt: 'A lighthouse',
			size: '1K',
			callback_url: 'http://127.0.0.1:9/webhook/seedream?secret=x',
			...request,
		}),
	});
	return ((await response.json()) as { task_id: string }).task_id;
}

/**
 * Submits a job straight to the mock (submitToMock) and waits for the mock's callback: the task
 * id and the body a real callback would carry.
 */
export async function finishedTaskCallback(
	mock: MockServer,
	request: Record<string, unknown> = {},
): Promise<{ taskId: string; body: unknown }> {
	const taskId = await submitToMock(mock, request);
	const delivery = () =>
		mock.callbacks.find((entry) => (entry.body as { task_id?: string }).task_id === taskId);
	await until(() => delivery() !== undefined);
	return { taskId, body: delivery()!.body };
}
