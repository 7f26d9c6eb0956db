/**
 * 401/403 on generate say what is likely wrong from what the API sent (issue 15): a low balance,
 * a key not allowed to generate (scoped keys: "task lookup does not grant permission to submit a
 * generation"), an expired key, or, when the API gives no reason, both usual causes.
 */
import { request } from 'undici';

import { SeedreamApi } from '../../../../credentials/SeedreamApi.credentials';
import { generateParameters, useMockApi } from '../../../helpers/seedream';

const api = useMockApi();
const CONSOLE = 'https://platform.acedata.cloud';
const BALANCE = /balance is too low/;
const KEY_SCOPE = /not allowed to use the Seedream Images API/;
const CREDENTIAL_TEST = /credential test does not settle this/;

/** The credential's Test button as n8n sends it: its request, with the token as Bearer. */
async function credentialTest(token: string) {
	const { test } = new SeedreamApi();
	expect(test.request.baseURL).toContain('$credentials.baseUrl');
	const response = await request(`${api.mock.url}${test.request.url}`, {
		method: test.request.method ?? 'GET',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(test.request.body),
	});
	return { status: response.statusCode, body: (await response.body.json()) as unknown };
}

describe('the credential test', () => {
	it('says what it proves (task lookups) and what it cannot (that the key may generate)', () => {
		const token = new SeedreamApi().properties.find((property) => property.name === 'apiToken')!;
		expect(token.description).toMatch(/valid for task lookups/);
		expect(token.description).toMatch(/not that the key may generate/);
	});

	it('passes for a lookup-only key, whose generate then fails naming the key scope, not the balance', async () => {
		expect(await credentialTest('lookup-only-token')).toEqual({
			status: 200,
			body: { items: [], count: 0 },
		});
		const result = await api.run(generateParameters(), { token: 'lookup-only-token' });
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.message).toContain('[forbidden]');
		expect(result.error?.description).toMatch(KEY_SCOPE);
		expect(result.error?.description).toContain(CONSOLE);
		expect(result.error?.description).toMatch(CREDENTIAL_TEST);
		expect(result.error?.description).not.toMatch(BALANCE);
		expect(api.mock.stats).toMatchObject({ creates: 1, jobsCreated: 0 });
		// The same key may still look tasks up.
		const lookup = await api.run(
			{ resource: 'task', operation: 'getMany', taskIds: 'a1, b2' },
			{ token: 'lookup-only-token' },
		);
		expect(lookup.error).toBeUndefined();
	});
});

describe('401 and 403 on generate', () => {
	it('used_up: the balance, nothing about the key', async () => {
		const result = await api.run(generateParameters(), { token: 'poor-token' });
		expect(result.error?.message).toContain('[used_up]');
		expect(result.error?.description).toMatch(BALANCE);
		expect(result.error?.description).not.toMatch(KEY_SCOPE);
	});

	it('token_expired: the key expired, make a new one', async () => {
		const result = await api.run(generateParameters(), { token: 'expired-token' });
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.message).toContain('[token_expired]');
		expect(result.error?.description).toMatch(/key has expired/);
		expect(result.error?.description).toContain(CONSOLE);
	});

	it.each<[string, string | undefined, string | null]>([
		['no code and no message', undefined, null],
		['no code, a bare "Forbidden"', 'Forbidden', null],
		['a code the node does not know', 'Request refused.', 'policy_blocked'],
	])('a 403 with %s names both causes and the console page', async (_name, message, code) => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 403, code, message });
		const result = await api.run(generateParameters());
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.message).not.toContain('used_up');
		const description = String(result.error?.description);
		expect(description).toMatch(/without saying why/);
		expect(description).toMatch(/balance is too low/);
		expect(description).toMatch(/not allowed to use the Seedream Images API/);
		expect(description).toContain(CONSOLE);
		expect(description).toMatch(CREDENTIAL_TEST);
		expect(api.mock.stats.jobsCreated).toBe(0);
	});

	it.each([
		['names a permission', 'This token does not have permission for this API.', KEY_SCOPE],
		['names the balance', 'Insufficient balance.', BALANCE],
		['names an expiry', 'The key expired on 2026-11-30.', /key has expired/],
		['names a usage limit', 'The usage limit of this key was reached.', /usage limit/],
	])('a 403 without a code whose message %s is explained by it', async (_name, message, hint) => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 403, code: null, message });
		const result = await api.run(generateParameters());
		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toMatch(hint);
		expect(result.error?.description).not.toMatch(/without saying why/);
	});

	it('a 401 without a code still points at the token', async () => {
		api.mock.injectFault({ route: 'create', kind: 'status', status: 401, code: null });
		const result = await api.run(generateParameters());
		expect(result.error?.message).toContain('[invalid_token]');
		expect(result.error?.description).toMatch(/token was rejected/);
	});
});
