/**
 * What the MCP suites (test/e2e/mcp.e2e.test.ts, test/scale/mcp.scale.test.ts) share: the shipped
 * examples/mcp-server.json as the workflow under test, the official MCP TypeScript SDK client, and
 * the expectations an MCP client can hold the tools to. Model and size facts come from the mock's
 * contract (mock/contract.ts), never from the node's capability table.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { CONTRACT_LIMITS, CONTRACT_MODELS } from '../../mock/contract';

export const MCP_EXAMPLE = 'mcp-server.json';
export const MCP_PATH = 'seedream';
export const MCP_TOKEN = 'mcp-e2e-token-0b1c2d3e4f5a6b7c8d9e';
const EXAMPLES_DIR = join(resolve(__dirname, '..', '..'), 'examples');

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
	id?: string;
}

export interface Workflow {
	id?: string;
	name: string;
	active?: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
	settings?: Record<string, unknown>;
}

export function loadMcpExample(): Workflow {
	return JSON.parse(readFileSync(join(EXAMPLES_DIR, MCP_EXAMPLE), 'utf8')) as Workflow;
}

/** The example as shipped, published (what a user does after importing it). */
export function mcpWorkflow(): Workflow {
	return { ...loadMcpExample(), active: true };
}

/** The MCP path of the test's own server for the mode refusal. */
export const MODES_PATH = 'seedream-modes';

/**
 * A workflow of the test's own (not an example): its own MCP Server Trigger with one Seedream tool stored in the
 * callback pause mode, which the tool UI does not offer but a workflow can still hold. The shipped example is not
 * touched.
 */
export function modeRefusalWorkflow(): Workflow {
	const example = loadMcpExample();
	const trigger = example.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger')!;
	const generate = example.nodes.find((node) => node.name === 'Generate Image')!;
	return {
		name: 'MCP mode refusal (test)',
		active: true,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ ...trigger, id: '5e3d0a11-0c09-4d1a-8b6a-00000000d001', webhookId: '5e3d0a11-0c09-4d1a-8b6a-00000000d002', parameters: { ...trigger.parameters, path: MODES_PATH } },
			{ ...generate, id: '5e3d0a11-0c09-4d1a-8b6a-00000000d003', name: 'Generate By Callback', parameters: { ...generate.parameters, mode: 'callbackWait' } },
		],
		connections: { 'Generate By Callback': { ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] } },
	};
}

/** The credentials the example names: the Seedream token (pointing at the mock) and the MCP bearer token. */
export function mcpCredentials(mockUrl: string) {
	return [
		{ id: 'seedreamDemoCred1', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mockUrl } },
		{ id: 'mcpBearerDemoCred1', name: 'MCP client token', type: 'httpBearerAuth', data: { token: MCP_TOKEN } },
	];
}

export type Transport = 'streamable' | 'sse';

/** An MCP client connected to the trigger's production URL the way a desktop client is. */
export async function connectClient(baseUrl: string, transport: Transport = 'streamable', token = MCP_TOKEN, path = MCP_PATH): Promise<Client> {
	const url = new URL(`${baseUrl}/mcp/${path}`);
	const requestInit = { headers: { authorization: `Bearer ${token}` } };
	const client = new Client({ name: 'seedream-mcp-test', version: '1.0.0' });
	await client.connect(
		transport === 'streamable'
			? new StreamableHTTPClientTransport(url, { requestInit })
			: new SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: (input: string | URL, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...requestInit.headers } }) } }),
	);
	return client;
}

/** A tool call as a client makes it (120 s: a queued call waits for a worker). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }> {
	const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
	const text = result.content
		.filter((part) => part.type === 'text')
		.map((part) => (part as { text: string }).text)
		.join('\n');
	return { isError: Boolean(result.isError), text };
}

/** The contract's current models: what an agent should be offered. */
export const CURRENT_MODELS = CONTRACT_MODELS.filter((model) => !model.retired);

/** The `$fromAI()` description of an argument as the example declares it on a node. */
export function declaredDescription(workflow: Workflow, nodeName: string, key: string): string {
	const text = JSON.stringify(workflow.nodes.find((node) => node.name === nodeName)!.parameters);
	const match = new RegExp(`\\$fromAI\\('${key}', '([^']*)'`).exec(text);
	if (!match) throw new Error(`no $fromAI('${key}') on ${nodeName}`);
	return match[1];
}

/**
 * Checks a tool description or an argument description against the contract: every current
 * model id, older id and alias (ids only without `aliases`), and (with `sizes`) in the part that names a model, exactly its
 * presets and its pixel range.
 */
export function expectContractModels(text: string, { sizes, aliases = true }: { sizes: boolean; aliases?: boolean }): void {
	for (const model of CURRENT_MODELS) {
		for (const name of aliases ? [model.id, ...model.olderIds, ...model.aliases] : [model.id]) expect(text).toContain(name);
		if (!sizes) continue;
		const part = text.split(';').find((segment) => segment.includes(model.id));
		const range = model.pixels ? `WIDTHxHEIGHT with ${model.pixels.min.toLocaleString('en-US')} to ${model.pixels.max.toLocaleString('en-US')} pixels` : 'WIDTHxHEIGHT';
		expect(part).toMatch(new RegExp(`: (sizes )?${model.presets.join(', ')} or ${range}`));
	}
}

/** The models that make image sets (they take `sequential_image_generation`, contract §1.5). */
export const SET_MODELS = CURRENT_MODELS.filter((model) => model.fields.includes('sequential_image_generation')).map((model) => model.id);

export const MAX_IMAGES = CONTRACT_LIMITS.maxImagesPerSet;

/** Base64 of an image would show as a long run of base64 characters. */
export const BASE64_RUN = /[A-Za-z0-9+/]{200,}/;
