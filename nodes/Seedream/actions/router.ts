import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settleWithConcurrency } from '../helpers/concurrency';
import { isToolNode, omitInlineData } from '../helpers/tool';
import { adaptConcurrency, AUTO_CONCURRENCY } from '../transport/adaptiveConcurrency';
import * as image from './image';
import * as task from './task';

type ItemHandler = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;
type BatchHandler = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

/** Image operations work on all items at once (validate all, submit, poll together). */
const batchHandlers: Record<string, BatchHandler> = {
	'image.generate': image.generate.execute,
	'image.edit': image.edit.execute,
	'image.decomposeLayers': image.decomposeLayers.execute,
};

/** Task lookups are independent per item. */
const itemHandlers: Record<string, ItemHandler> = {
	'task.get': task.get.execute,
	'task.getMany': task.getMany.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output = await route.call(this);
	return isToolNode(this) ? output.map(omitInlineData) : output;
}

async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const key = `${resource}.${operation}`;
	const batch =
		batchHandlers[key] ??
		(key === 'task.waitForCompletion' ? task.waitForCompletion.execute : undefined);
	if (batch) return await batch.call(this);
	const handler = itemHandlers[key];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}

	const items = this.getInputData();
	// Task lookups have no Concurrency option: Auto, so the lookup limiter bounds the requests.
	adaptConcurrency(this, AUTO_CONCURRENCY);
	const outcomes = await settleWithConcurrency(
		items,
		items.length,
		async (_item, itemIndex) => await handler.call(this, itemIndex),
	);
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if (outcome.status === 'fulfilled') {
			output.push(...outcome.value);
			continue;
		}
		const error = outcome.reason as Error & { description?: string };
		if (!this.continueOnFail()) {
			if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
			throw new NodeOperationError(this.getNode(), error, { itemIndex });
		}
		output.push({
			json: {
				error: error.message,
				...(error.description ? { description: error.description } : {}),
			},
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}
