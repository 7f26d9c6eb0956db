import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { modeProperties } from '../../descriptions/delivery.description';
import { imageOptionsCollection, promptProperty } from '../../descriptions/image.description';
import {
	imageSetAndStreamOptions,
	modelOptionProperties,
	modelSelectorProperties,
	sizeProperties,
} from '../../descriptions/model.description';
import { runImageJobs } from '../../jobs/imageJobs';
import { readCommonInput } from '../../jobs/prepare';
import type { ItemOutcome, RunPolicy } from '../../shared/taskResult';

const properties: INodeProperties[] = [
	...modeProperties(),
	...modelSelectorProperties((model) => !model.requiresReferenceImage),
	promptProperty,
	...sizeProperties(),
	imageOptionsCollection([...modelOptionProperties(), ...imageSetAndStreamOptions()]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

/** Text to image: one image, or a set of related images, per input item. */
export async function execute(this: IExecuteFunctions, policy: RunPolicy): Promise<ItemOutcome[]> {
	return await runImageJobs.call(this, policy, async (context, itemIndex) =>
		readCommonInput(context, itemIndex),
	);
}
