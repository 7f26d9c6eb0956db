import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { compactToolItems, isToolNode, omitInlineData, toolError } from '../jobs/tool';
import { settleWithConcurrency } from '../shared/concurrency';
import {
	asNodeError,
	failureItem,
	ItemFailure,
	type ItemOutcome,
	type RunPolicy,
} from '../shared/taskResult';
import { adaptConcurrency, AUTO_CONCURRENCY } from '../transport/adaptiveConcurrency';
import * as image from './image';
import * as task from './task';

/** An operation runs for all input items and returns one outcome per item, in output order. */
type Operation = (this: IExecuteFunctions, policy: RunPolicy) => Promise<ItemOutcome[]>;
type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** Lookups of one item do not depend on the others: all are under way, the lookup limiter paces them. */
function eachItem(operation: ItemOperation): Operation {
	return async function (this: IExecuteFunctions) {
		// Task lookups have no Concurrency option: Auto.
		adaptConcurrency(this, AUTO_CONCURRENCY);
		const items = this.getInputData();
		const outcomes = await settleWithConcurrency(
			items,
			items.length,
			async (_item, itemIndex) => await operation.call(this, itemIndex),
		);
		return outcomes.map(
			(outcome, itemIndex): ItemOutcome =>
				outcome.status === 'fulfilled'
					? { itemIndex, items: outcome.value }
					: { itemIndex, failure: new ItemFailure(asNodeError(this, outcome.reason, itemIndex)) },
		);
	};
}

const operations: Record<string, Operation> = {
	'image.generate': image.generate.execute,
	'image.edit': image.edit.execute,
	'image.decomposeLayers': image.decomposeLayers.execute,
	'task.get': eachItem(task.get.execute),
	'task.getMany': task.getMany.execute,
	'task.waitForCompletion': task.waitForCompletion.execute,
};

/**
 * Dispatches to the operation, then turns its per-item failures into the node's answer: the one
 * place "On Error" is applied. Stopping throws the first failure as it is (type, description,
 * item index); continuing puts an error item in its place, with the task id when a job exists.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[`${resource}.${operation}`];
	if (!run) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const policy: RunPolicy = { continueOnFail: this.continueOnFail() };
	const output: INodeExecutionData[] = [];
	for (const outcome of await run.call(this, policy)) {
		if ('items' in outcome) {
			output.push(...outcome.items);
			continue;
		}
		if (isToolNode(this)) toolError(outcome.failure.error);
		if (!policy.continueOnFail) throw outcome.failure.error;
		output.push(failureItem(outcome.failure, outcome.itemIndex, outcome.json));
	}
	// A tool's answer goes into an agent's context: compact, and no base64 images there, whatever
	// the operation.
	return [isToolNode(this) ? compactToolItems(omitInlineData(output)) : output];
}
