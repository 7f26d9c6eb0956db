import { timingSafeEqual } from 'node:crypto';

import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

/** Constant-time comparison of a shared secret (length differences are not hidden). */
export function secretsMatch(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || expected === '') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Answers a callback request with a status and JSON body, without resuming or starting anything. */
export function replyToCallback(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Lifecycle of a webhook that needs no registration with Ace Data Cloud (the callback URL is
 * passed with each job). Every node with `webhooks` must define these methods.
 */
export const NO_REGISTRATION_WEBHOOK_METHODS = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
