import type { INodeProperties } from 'n8n-workflow';

import * as decomposeLayers from './decomposeLayers.operation';
import * as edit from './edit.operation';
import * as generate from './generate.operation';

export { decomposeLayers, edit, generate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Decompose Layers',
				value: 'decomposeLayers',
				action: 'Decompose image into layers',
				description:
					'Split one image into a base layer and transparent PNG layers (Seedream 5.0 Pro)',
			},
			{
				name: 'Edit',
				value: 'edit',
				action: 'Edit image',
				description: 'Create images from a prompt and reference images (binary, URL or data URI)',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate image',
				description: 'Create one image or a set of related images from a text prompt',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...edit.description,
	...decomposeLayers.description,
];
