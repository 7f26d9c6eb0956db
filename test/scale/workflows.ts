/**
 * Workflows for the queue-mode suite and bench: each starts with a production Webhook (so the run
 * goes through Redis to a worker, as in production), turns the request body into items and ends
 * with "Report", an HTTP Request node that POSTs each item's binary to the test's sink. Reading the
 * binary there proves the next node on the worker can read what the Seedream node stored.
 */
// As n8n registers them for the installed community package (scripts/n8n/runtime.cjs); literal so
// the bench, compiled elsewhere, can use this file too.
const runtime = { NODE_TYPE: 'n8n-nodes-seedream.seedream', TRIGGER_TYPE: 'n8n-nodes-seedream.seedreamTrigger' };

export const CREDENTIAL_ID = 'seedreamScaleCred1';
export const TRIGGER_SECRET = 'scale-secret-0c9b8a7f6e5d4c3b2a19';
const cred = { seedreamApi: { id: CREDENTIAL_ID, name: 'Seedream API' } };

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: unknown;
	webhookId?: string;
	id?: string;
	position?: [number, number];
}

export interface Workflow {
	id?: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

let uuidCounter = 0;
function uuid(): string {
	uuidCounter++;
	return `5ca1e000-0000-4000-8000-${String(uuidCounter).padStart(12, '0')}`;
}

export function seedream(name: string, parameters: Record<string, unknown>): WorkflowNode {
	return { name, type: runtime.NODE_TYPE, typeVersion: 1, parameters, credentials: cred };
}

export const MODEL = 'doubao-seedream-4-0-250828';

export function generate(name: string, mode: string, options: Record<string, unknown> = {}): WorkflowNode {
	return seedream(name, { resource: 'image', operation: 'generate', mode, model: MODEL, prompt: '={{ $json.prompt }}', size: '1K', options });
}

/** Reports each item: its index, the index of the input item it came from, its task id, the binary. */
function report(scenario: string, sinkPort: number, sourceNode = 'Items'): WorkflowNode {
	const source = sourceNode ? `{{ $('${sourceNode}').item.json.n }}` : '-';
	return {
		name: 'Report',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `=http://127.0.0.1:${sinkPort}/sink?scenario=${scenario}&exec={{ $execution.id }}&item={{ $itemIndex }}&source=${source}&task={{ $json.task_id }}`,
			sendBody: true,
			contentType: 'binaryData',
			inputDataFieldName: 'data',
			options: {},
		},
	};
}

/** Webhook `path` → Items (one per body.prompts entry, numbered) → `middle` → Report. */
export function flow(scenario: string, sinkPort: number, middle: WorkflowNode[], { sourceNode = 'Items', settings = {} }: { sourceNode?: string; settings?: Record<string, unknown> } = {}): Workflow {
	const nodes: WorkflowNode[] = [
		{
			name: 'Start',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			parameters: { httpMethod: 'POST', path: `scale-${scenario}`, responseMode: 'onReceived', options: {} },
			webhookId: uuid(),
		},
		{
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: 'return $json.body.prompts.map((prompt, n) => ({ json: { prompt, n, task_id: $json.body.taskIds?.[n], callback_url: $json.body.callbackUrl } }));' },
		},
		...middle,
		report(scenario, sinkPort, sourceNode),
	];
	return chain(`scale ${scenario}`, nodes, settings);
}

export function chain(name: string, nodes: WorkflowNode[], settings: Record<string, unknown> = {}): Workflow {
	nodes.forEach((node, index) => {
		node.id ??= uuid();
		node.position ??= [index * 220, 0];
	});
	const connections = Object.fromEntries(nodes.slice(0, -1).map((node, index) => [node.name, { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] }]));
	return { name, active: true, nodes, connections, settings };
}

/** Submit Only, then the ids handed to the collector workflow without waiting for it. */
export function handoff(childId: string): Workflow {
	const start = flow('handoff', 0, [generate('Submit Jobs', 'submitOnly')]);
	start.nodes.pop();
	start.nodes.push({
		name: 'Hand Off',
		type: 'n8n-nodes-base.executeWorkflow',
		typeVersion: 1.2,
		parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: childId }, mode: 'once', options: { waitForSubWorkflow: false } },
	});
	return chain('scale handoff', start.nodes);
}

/** Every workflow the suite runs; `sinkPort` is where Report sends. */
export function scaleWorkflows(sinkPort: number, assetsDir: string) {
	const progress = { saveExecutionProgress: true };
	return {
		sync: flow('sync', sinkPort, [generate('Seedream', 'sync')]),
		poll: flow('poll', sinkPort, [generate('Seedream', 'pollUntilDone', { concurrency: 5, maxWaitMinutes: 5 })]),
		collect: flow(
			'collect',
			sinkPort,
			[
				generate('Submit Jobs', 'submitOnly'),
				{
					name: 'Collect Task IDs',
					type: 'n8n-nodes-base.aggregate',
					typeVersion: 1,
					parameters: { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'task_id' }] }, options: {} },
				},
				seedream('Get Tasks', { resource: 'task', operation: 'getMany', taskIds: '={{ $json.task_id }}' }),
				seedream('Wait for Images', { resource: 'task', operation: 'waitForCompletion', taskIds: '={{ $json.task_id }}', options: { maxWaitMinutes: 5 } }),
			],
			{ sourceNode: '' },
		),
		edit: flow('edit', sinkPort, [
			{
				name: 'Read Reference',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				parameters: { fileSelector: `${assetsDir}/product.png`, options: {} },
			},
			seedream('Seedream', {
				resource: 'image',
				operation: 'edit',
				mode: 'sync',
				model: 'doubao-seedream-5-0-lite-260128',
				prompt: "={{ $('Items').item.json.prompt }}",
				referenceBinaryProperties: 'data',
				referenceUrls: '',
				size: '2K',
				options: {},
			}),
		]),
		set: flow('set', sinkPort, [generate('Seedream', 'sync', { maxImages: 4 })]),
		// Each image downloaded as its stream line arrives, on the worker.
		stream: flow('stream', sinkPort, [generate('Seedream', 'sync', { maxImages: 3, stream: true })]),
		// Callback: Send to My URL, to the URL in the request (the trigger's, through the balancer):
		// the execution ends with the pending items; the trigger workflow below gets the images.
		send: chain('scale send', flow('send', sinkPort, [generate('Seedream', 'callbackUrl', { callbackUrl: '={{ $json.callback_url }}' })]).nodes.slice(0, -1)),
		pause: flow('pause', sinkPort, [generate('Seedream', 'callbackWait', { callbackDeadlineMinutes: 10 })]),
		trigger: chain('scale trigger', [
			{
				name: 'Seedream Trigger',
				type: runtime.TRIGGER_TYPE,
				typeVersion: 1,
				parameters: { secret: TRIGGER_SECRET, options: {} },
				credentials: cred,
				webhookId: uuid(),
			},
			report('trigger', sinkPort, ''),
		]),
		// The crash recipe: the ids reach the database when Submit Only finishes (progress saving).
		recipe: flow('recipe', sinkPort, [generate('Submit Jobs', 'submitOnly'), seedream('Wait for Images', { resource: 'task', operation: 'waitForCompletion', taskIds: '={{ $json.task_id }}', options: { maxWaitMinutes: 10 } })], { settings: progress }),
		// One node that submits and polls: its ids exist only in the worker's memory until it ends.
		single: flow('single', sinkPort, [generate('Seedream', 'pollUntilDone', { maxWaitMinutes: 10 })], { settings: progress }),
		// The hand-off recipe: this execution ends (and is saved with every id) right after the
		// submits; the polling runs in a sub-workflow execution that a crash may take down.
		handoffChild: chain('scale handoff collector', [
			{ name: 'From Parent', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, parameters: { inputSource: 'passthrough' } },
			seedream('Wait for Images', { resource: 'task', operation: 'waitForCompletion', taskIds: '={{ $json.task_id }}', options: { maxWaitMinutes: 10 } }),
			report('handoff', sinkPort, ''),
		]),
		// What a user runs after a crash: the recovered ids in, the images out.
		recover: flow('recover', sinkPort, [seedream('Wait for Images', { resource: 'task', operation: 'waitForCompletion', taskIds: '={{ $json.task_id }}', options: { maxWaitMinutes: 5 } })]),
	};
}
