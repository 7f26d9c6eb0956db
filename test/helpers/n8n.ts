/**
 * Runs a node through n8n-core's real execution context (the class n8n itself uses for every
 * `execute()` call): real parameter and expression resolution, real `httpRequest` /
 * `httpRequestWithAuthentication` (axios inside n8n-core), real binary data service in
 * filesystem mode, real continueOnFail, cancel signal and putExecutionToWait.
 * Before `execute`, what n8n does first: the Workflow resolves the parameters against the node's
 * description (`NodeHelpers.getNodeParameters`), and `WorkflowExecute.checkReadyForExecution`
 * computes the node's issues; with any, the run fails with n8n's own `WorkflowHasIssuesError`
 * and `execute` is never called (as in a real n8n, where no request would reach the API).
 * Substituted: the credential store (credentials are passed in decrypted), n8n's instance
 * settings and logger, and the workflow around the node (one start node feeding the input items).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecuteContext,
	getBinaryHelperFunctions,
	InstanceSettings,
	WorkflowExecute,
	WorkflowHasIssuesError,
} from 'n8n-core';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeIssues,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
	IAuthenticateGeneric,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

export const WAITING_BASE_URL = 'http://127.0.0.1:5678/webhook-waiting';
const WORKFLOW_ID = 'seedream-test-workflow';

let storageDir: string | undefined;
let binaryService: BinaryDataService | undefined;

export interface LogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: unknown;
	meta: unknown;
}

/** Everything n8n-core and the node logged in this test file (silent, but searchable: see the security test). */
export const recordedLogs: LogEntry[] = [];

const recordLog =
	(level: LogEntry['level']) =>
	(message: unknown, meta?: unknown): void =>
		void recordedLogs.push({ level, message, meta });

const quietLogger = {
	error: recordLog('error'),
	warn: recordLog('warn'),
	info: recordLog('info'),
	debug: recordLog('debug'),
	scoped: () => quietLogger,
};

/** n8n's BinaryDataService in filesystem mode under a temp folder, shared by a test file. */
export async function binaryDataService(): Promise<BinaryDataService> {
	if (binaryService) return binaryService;
	storageDir = mkdtempSync(join(tmpdir(), 'seedream-binary-'));
	Container.set(Logger, quietLogger as unknown as Logger);
	Container.set(InstanceSettings, {
		hmacSignatureSecret: 'test-secret',
		instanceId: 'test-instance',
		n8nFolder: storageDir,
		isDocker: false,
	} as unknown as InstanceSettings);
	const service = new BinaryDataService(
		{ mode: 'filesystem', localStoragePath: storageDir, signingSecret: 'test' } as never,
		{ error: () => undefined } as never,
		quietLogger as never,
	);
	await service.init();
	Container.set(BinaryDataService, service);
	binaryService = service;
	return service;
}

export function cleanupBinaryStorage(): void {
	if (storageDir) rmSync(storageDir, { recursive: true, force: true });
	storageDir = undefined;
	binaryService = undefined;
}

function resolveCredentialValue(value: unknown, credentials: ICredentialDataDecryptedObject, workflow: Workflow, node: INode) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as never);
}

/** Applies a credential type's generic `authenticate` the way n8n's CredentialsHelper does. */
export class TestCredentialsHelper {
	constructor(
		private readonly types: ICredentialType[],
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {}

	getParentTypes() {
		return [];
	}

	getCredentialsProperties(type: string) {
		return this.types.find((candidate) => candidate.name === type)?.properties ?? [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const credentials = this.data[type];
		if (!credentials) throw new Error(`No test credentials of type ${type}`);
		return { ...credentials };
	}

	async preAuthentication() {
		return undefined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.find((candidate) => candidate.name === typeName);
		const authenticate = type?.authenticate as IAuthenticateGeneric | undefined;
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const updated = { ...requestOptions } as IHttpRequestOptions & Record<string, IDataObject | undefined>;
		for (const [location, values] of Object.entries(authenticate.properties)) {
			const target = { ...((updated[location] as IDataObject | undefined) ?? {}) };
			for (const [key, value] of Object.entries(values as IDataObject)) {
				target[key] = resolveCredentialValue(value, credentials, workflow, node) as IDataObject[string];
			}
			updated[location] = target;
		}
		return updated;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	async getCredentials() {
		throw new Error('not used in tests');
	}
}

export interface RunNodeOptions {
	nodeType: INodeType;
	credentialTypes?: ICredentialType[];
	parameters: INodeParameters;
	inputItems?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	typeVersion?: number;
	/**
	 * Parameters the editor would hide for these settings but that a hand-written or imported
	 * workflow JSON can still carry; merged in after n8n drops hidden parameters.
	 */
	hiddenParameters?: INodeParameters;
}

export interface RunNodeResult {
	/** Output items per output, when the node returned. */
	items: INodeExecutionData[][];
	/** What the node threw, when it did. */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string };
	waitTill?: Date;
	metadata?: IDataObject;
	/** The node's issues when n8n refused the workflow before executing it. */
	issues?: INodeIssues;
	readBinary(binary: IBinaryData): Promise<Buffer>;
}

function nodeTypesFor(nodeType: INodeType): INodeTypes {
	return {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	const service = await binaryDataService();
	return await service.getAsBuffer(binary);
}

export function additionalDataFor(helper: TestCredentialsHelper, statusLog: string[]): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: helper as unknown as ICredentialsHelper,
		executionId: 'test-execution',
		webhookWaitingBaseUrl: WAITING_BASE_URL,
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		variables: {},
		currentNodeParameters: undefined,
		setExecutionStatus: (status: string) => statusLog.push(status),
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Builds an input item whose binary is stored by n8n's binary data service, as a previous node would. */
export async function binaryItem(
	json: IDataObject,
	files: Array<{ propertyName: string; data: Buffer; mimeType: string; fileName: string }>,
): Promise<INodeExecutionData> {
	await binaryDataService();
	const helpers = getBinaryHelperFunctions(additionalDataFor(new TestCredentialsHelper([], {}), []), WORKFLOW_ID);
	const binary: Record<string, IBinaryData> = {};
	for (const file of files) {
		binary[file.propertyName] = await helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	}
	return { json, binary };
}

/** Runs one node over the given input items, inside n8n-core's ExecuteContext. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await binaryDataService();
	const inputItems = options.inputItems ?? [{ json: {} }];
	const node: INode = {
		id: 'node-under-test',
		name: 'Seedream',
		type: `n8n-nodes-seedream.${options.nodeType.description.name}`,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesFor(options.nodeType),
	});
	// Defaults of parameters the test leaves out, as n8n fills them in the editor.
	const { NodeHelpers } = await import('n8n-workflow');
	node.parameters =
		NodeHelpers.getNodeParameters(options.nodeType.description.properties, node.parameters, true, false, node, options.nodeType.description) ??
		node.parameters;
	for (const [name, value] of Object.entries(options.hiddenParameters ?? {})) {
		const current = node.parameters[name];
		node.parameters[name] =
			current && typeof current === 'object' && value && typeof value === 'object'
				? ({ ...(current as object), ...(value as object) } as INodeParameters)
				: value;
	}

	const statusLog: string[] = [];
	const helper = new TestCredentialsHelper(options.credentialTypes ?? [], options.credentials ?? {});
	const additionalData = additionalDataFor(helper, statusLog);
	const issues = new WorkflowExecute(additionalData, 'manual').checkReadyForExecution(workflow, { startNode: node.name });
	if (issues !== null) {
		return { items: [], error: new WorkflowHasIssuesError(issues, workflow.nodes) as RunNodeResult['error'], readBinary, issues: issues[node.name] };
	}
	const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = { node, data: { main: [inputItems] }, source: { main: [{ previousNode: 'Start' }] } };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		inputItems,
		{ main: [inputItems] },
		executeData,
		[],
		options.abortSignal,
	);
	const result: RunNodeResult = { items: [], readBinary };
	try {
		result.items = (await options.nodeType.execute!.call(context)) as INodeExecutionData[][];
	} catch (error) {
		result.error = error as RunNodeResult['error'];
	}
	result.waitTill = runExecutionData.waitTill;
	result.metadata = executeData.metadata as IDataObject | undefined;
	return result;
}
