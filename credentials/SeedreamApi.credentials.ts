import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SeedreamApi implements ICredentialType {
	name = 'seedreamApi';

	displayName = 'Seedream API';

	icon: Icon = {
		light: 'file:../nodes/Seedream/seedream.svg',
		dark: 'file:../nodes/Seedream/seedream.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-seedream/n8n-nodes-seedream#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Application token from the Ace Data Cloud console (https://platform.acedata.cloud), sent as a Bearer token. The credential test is a free task lookup: it proves the token is valid for task lookups, not that the key may generate images (a key can be limited to some APIs, or be out of balance).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.acedata.cloud',
			description: 'Root of the Seedream API. Change it only for a proxy or a local mock.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// Listing zero tasks is free, so testing the credential never costs credits. It cannot show
	// whether the key may generate: scoped keys can look up tasks without that permission.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/seedream/tasks',
			method: 'POST',
			body: { action: 'retrieve_batch', ids: [] },
			json: true,
		},
	};
}
