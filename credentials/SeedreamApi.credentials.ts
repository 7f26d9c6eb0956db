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
			// n8n shows a connection failure of the test as the bare error code; this says what it means.
			hint: 'If the test answers ECONNREFUSED, ENOTFOUND or ETIMEDOUT, n8n cannot reach this address: check it (default https://api.acedata.cloud) and any proxy.',
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
		// Without these, n8n reports only the HTTP status text ("Unauthorized"), naming no field.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'The API Token was refused (401): copy the application token from the Ace Data Cloud console (https://platform.acedata.cloud) and paste it again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The API Token was recognised but refused (403): it may be expired, out of balance or not allowed to use the Seedream API. Check the application in the Ace Data Cloud console.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The Base URL does not point at the Seedream API (404 for /seedream/tasks): reset it to https://api.acedata.cloud unless you use a proxy.',
				},
			},
		],
	};
}
