/**
 * A scripted stand-in for an OpenAI-compatible chat model, so a real n8n AI Agent can call the
 * Seedream tool offline. First turn: it calls the first offered tool with fixed arguments.
 * Once a tool result is in the conversation: it answers with that result quoted, so a test
 * can see exactly what the agent received from the tool.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
	path: string;
	body: {
		messages?: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
		tools?: Array<{ function: { name: string; description?: string; parameters?: { properties?: Record<string, unknown> } } }>;
		stream?: boolean;
	};
}

export interface FakeChatModel {
	/** Base URL for an OpenAI credential, ending in /v1. */
	url: string;
	requests: ChatRequest[];
	reset(): void;
	close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (text += chunk));
		request.on('end', () => resolve(text));
		request.on('error', reject);
	});
}

function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('');
	return JSON.stringify(content ?? '');
}

/** The assistant's next message: a tool call, or the final answer after a tool result. */
function nextMessage(body: ChatRequest['body'], toolArguments: Record<string, unknown>) {
	const messages = body.messages ?? [];
	const toolResult = [...messages].reverse().find((message) => message.role === 'tool');
	const tool = body.tools?.[0];
	if (toolResult || !tool) {
		return { role: 'assistant', content: `TOOL RESULT: ${toolResult ? contentText(toolResult.content) : 'no tool offered'}` };
	}
	return {
		role: 'assistant',
		content: null,
		tool_calls: [{ id: 'call_seedream_1', type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(toolArguments) } }],
	};
}

function answer(response: ServerResponse, body: ChatRequest['body'], message: ReturnType<typeof nextMessage>) {
	const finishReason = 'tool_calls' in message ? 'tool_calls' : 'stop';
	const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
	if (!body.stream) {
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: 'fake-model', choices: [{ index: 0, message, finish_reason: finishReason }], usage }),
		);
		return;
	}
	response.writeHead(200, { 'content-type': 'text/event-stream' });
	const chunk = (delta: object, finish: string | null) =>
		`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	const delta =
		'tool_calls' in message
			? { role: 'assistant', tool_calls: message.tool_calls!.map((call, index) => ({ index, ...call })) }
			: { role: 'assistant', content: message.content };
	response.write(chunk(delta, null));
	response.write(chunk({}, finishReason));
	response.end('data: [DONE]\n\n');
}

export async function startFakeChatModel(toolArguments: Record<string, unknown>): Promise<FakeChatModel> {
	const requests: ChatRequest[] = [];
	const server: Server = createServer((request, response) => {
		void (async () => {
			const text = await readBody(request);
			const path = (request.url ?? '').split('?')[0];
			if (request.method === 'GET' && path.endsWith('/models')) {
				response.writeHead(200, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
				return;
			}
			if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
				response.writeHead(404, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: `not faked: ${request.method} ${path}` } }));
				return;
			}
			const body = JSON.parse(text || '{}') as ChatRequest['body'];
			requests.push({ path, body });
			answer(response, body, nextMessage(body, toolArguments));
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		reset: () => void requests.splice(0),
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
