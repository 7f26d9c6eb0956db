// Rate limits of the mock API, per token, on creates (POST /seedream/images): a cap on creates
// being handled at once and/or on creates accepted per second. Beyond it the create is refused
// with 429 too_many_requests and a Retry-After before any job starts, as a gateway would
// (the real numbers are unpublished, contract §4: "429 only").
import { HttpError } from './validation';

export interface RateLimitOptions {
	/** Creates of one token being handled at the same moment (arrival to answer). */
	maxConcurrentCreates?: number;
	/** Creates of one token accepted within any one-second window. */
	createsPerSecond?: number;
	/**
	 * Retry-After (seconds) sent with a refusal over the concurrent cap. Over the per-second cap
	 * it is the time until the window frees a slot, rounded up. Default 1; 0 sends none.
	 */
	retryAfterSeconds?: number;
}

interface TokenState {
	active: number;
	/** Acceptance times within the last second. */
	accepted: number[];
}

export class CreateRateLimiter {
	private readonly tokens = new Map<string, TokenState>();
	/** Refusals so far. */
	refused = 0;

	constructor(private readonly options: () => RateLimitOptions | undefined) {}

	/**
	 * Admits a create of `token` or throws the 429. An admitted create holds its concurrent slot
	 * until `release` (the answer is done).
	 */
	admit(token: string, now = Date.now()): () => void {
		const limits = this.options();
		if (!limits || (!limits.maxConcurrentCreates && !limits.createsPerSecond)) return () => {};
		const state = this.tokens.get(token) ?? { active: 0, accepted: [] };
		this.tokens.set(token, state);
		while (state.accepted.length > 0 && now - state.accepted[0] >= 1000) state.accepted.shift();
		const retryAfter = limits.retryAfterSeconds ?? 1;
		if (limits.maxConcurrentCreates && state.active >= limits.maxConcurrentCreates) {
			throw this.refusal(retryAfter);
		}
		if (limits.createsPerSecond && state.accepted.length >= limits.createsPerSecond) {
			const freeInMs = 1000 - (now - state.accepted[0]);
			throw this.refusal(retryAfter === 0 ? 0 : Math.max(1, Math.ceil(freeInMs / 1000)));
		}
		state.active++;
		state.accepted.push(now);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			state.active--;
		};
	}

	reset(): void {
		this.tokens.clear();
		this.refused = 0;
	}

	private refusal(retryAfterSeconds: number): HttpError {
		this.refused++;
		return new HttpError(
			429,
			'too_many_requests',
			undefined,
			retryAfterSeconds > 0 ? { 'retry-after': String(retryAfterSeconds) } : {},
		);
	}
}
