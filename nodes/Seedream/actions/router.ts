import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { settleWithConcurrency } from '../helpers/concurrency';
import * as image from './image';
import * as task from './task';

type OperationHandler = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

const handlers: Record<string, Record<string, OperationHandler>> = {
	image: { generate: image.generate.execute },
	task: { get: task.get.execute, getMany: task.getMany.execute },
};

function errorItem(
	error: Error & { description?: string | null; context?: { itemIndex?: number } },
	itemIndex: number,
): INodeExecutionData {
	return {
		json: {
			error: error.message,
			...(error.description ? { description: error.description } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs the selected operation for every input item, several at a time, and returns the outputs in
 * input order. With "Continue On Fail" a failed item becomes an error item and the rest go on;
 * otherwise every started item still finishes (they may be paid jobs) before the first error is thrown.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = handlers[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const options = (this.getNodeParameter('options', 0, {}) ?? {}) as { concurrency?: number };
	const concurrency = resource === 'image' ? Math.max(1, Number(options.concurrency ?? 5)) : 5;

	const outcomes = await settleWithConcurrency(items, concurrency, async (_item, itemIndex) =>
		handler.call(this, itemIndex),
	);

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if (outcome.status === 'fulfilled') {
			output.push(...outcome.value);
			continue;
		}
		const error = outcome.reason as Error;
		if (!this.continueOnFail()) {
			if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
			throw new NodeOperationError(this.getNode(), error, { itemIndex });
		}
		output.push(errorItem(error, itemIndex));
	}
	return [output];
}
