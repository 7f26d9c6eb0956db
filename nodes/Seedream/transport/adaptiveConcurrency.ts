/**
 * How many requests of one kind an execution keeps in flight, adapted to what the API takes.
 *
 * Ace Data Cloud rate-limits a token (429) at a level it does not publish, so a fixed number is
 * either slow (most accounts take far more) or a 429 storm. The limiter starts at a few requests
 * and doubles while requests are accepted; on a 429 it drops to the number of requests the API
 * was accepting at that moment and then probes upwards slowly (additive increase, with the
 * probe spaced out further after each one that was refused). `Retry-After` holds back every new
 * request of the kind, not only the refused one. Latency well above the best seen stops growth;
 * far above it cuts the level by a quarter.
 *
 * "Accepted" cannot wait for the answer of a synchronous generation (20 s to minutes), so the
 * requests still unanswered a short admission window after the newest one went out count as
 * accepted: a rate-limit refusal comes back within one round trip. The window is twice the fastest answer seen, at
 * least 25 ms and at most 1 s (50 ms before any answer came).
 *
 * One limiter per request kind per execution (see adaptConcurrency): nothing is shared between
 * executions, so each queue-mode worker adapts on its own.
 */

import { sleep } from 'n8n-workflow';

/** `auto` grows up to `max`; a fixed number starts there and never goes above it. */
export interface ConcurrencySetting {
	auto: boolean;
	max: number;
}

export const AUTO_INITIAL = 10;
export const AUTO_MAX = 64;
export const FIXED_MAX = 100;
export const AUTO_CONCURRENCY: ConcurrencySetting = { auto: true, max: AUTO_MAX };

/**
 * The Concurrency option as typed or computed by an expression: 0, empty or "auto" is Auto,
 * a whole number from 1 to FIXED_MAX a fixed maximum. Undefined when it is neither.
 */
export function parseConcurrency(raw: unknown): ConcurrencySetting | undefined {
	if (raw === undefined || raw === null) return AUTO_CONCURRENCY;
	if (typeof raw === 'string') {
		const text = raw.trim().toLowerCase();
		if (text === '' || text === 'auto') return AUTO_CONCURRENCY;
		if (!/^\d+$/.test(text)) return undefined;
		return parseConcurrency(Number(text));
	}
	if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > FIXED_MAX) {
		return undefined;
	}
	return raw === 0 ? AUTO_CONCURRENCY : { auto: false, max: raw };
}

export type PermitOutcome =
	| { kind: 'ok' }
	| { kind: 'rateLimited'; retryAfterMs?: number }
	/** Any other failure: says nothing about capacity. */
	| { kind: 'failed' };

export interface Permit {
	/** Call once, when the request's answer is known (or it failed). */
	finish(outcome: PermitOutcome): void;
}

export interface LimiterOptions {
	initial: number;
	max: number;
	/** Injected for tests. */
	now?: () => number;
}

export interface LimiterStats {
	rateLimited: number;
	cuts: number;
	/** Most requests in flight at once. */
	peak: number;
	/** Highest level the limit reached. */
	highest: number;
}

const MIN_ADMIT_MS = 25;
const DEFAULT_ADMIT_MS = 50;
const MAX_ADMIT_MS = 1000;
/** The longest Retry-After the transport honours (DEFAULT_RETRY_POLICY.maxRetryAfterMs). */
const MAX_HOLD_MS = 60_000;
const MAX_PROBE_WINDOWS = 16;

interface Ticket {
	startedAt: number;
	/** The cut count when it started: a refusal of a request sent before a cut is part of that cut. */
	epoch: number;
	credited: boolean;
	done: boolean;
}

interface Waiter {
	resolve: (permit: Permit) => void;
}

export class AdaptiveLimiter {
	readonly stats: LimiterStats;
	private current: number;
	private readonly initial: number;
	private readonly max: number;
	private readonly now: () => number;
	private readonly inFlight = new Set<Ticket>();
	private readonly queue: Waiter[] = [];
	private slowStart = true;
	private epoch = 0;
	private credit = 0;
	/** Windows of accepted requests between two probes above the level. */
	private probeWindows = 1;
	/** Accepted requests since the last probe raised the level; undefined once it was confirmed. */
	private sinceRaise?: number;
	private fastestAnswerMs = Number.POSITIVE_INFINITY;
	private bestLatencyMs = Number.POSITIVE_INFINITY;
	private smoothedLatencyMs?: number;
	private latencySamples = 0;
	private holdUntil = 0;
	private newestStartAt = Number.NEGATIVE_INFINITY;
	private pumpPending = false;
	private admissionPending = false;

	constructor(options: LimiterOptions) {
		this.max = Math.max(1, Math.floor(options.max));
		this.initial = Math.min(this.max, Math.max(1, Math.floor(options.initial)));
		this.current = this.initial;
		this.now = options.now ?? Date.now;
		this.stats = { rateLimited: 0, cuts: 0, peak: 0, highest: this.initial };
	}

	static for(setting: ConcurrencySetting): AdaptiveLimiter {
		return new AdaptiveLimiter({
			initial: setting.auto ? AUTO_INITIAL : setting.max,
			max: setting.max,
		});
	}

	get limit(): number {
		return this.current;
	}

	get active(): number {
		return this.inFlight.size;
	}

	get admitMs(): number {
		if (!Number.isFinite(this.fastestAnswerMs)) return DEFAULT_ADMIT_MS;
		return Math.min(MAX_ADMIT_MS, Math.max(MIN_ADMIT_MS, 2 * this.fastestAnswerMs));
	}

	/** Waits for a slot; rejects when `signal` aborts first. */
	async acquire(signal?: AbortSignal): Promise<Permit> {
		if (signal?.aborted) throw new Error('aborted');
		return await new Promise<Permit>((resolve, reject) => {
			const onAbort = () => {
				const index = this.queue.indexOf(waiter);
				if (index >= 0) this.queue.splice(index, 1);
				reject(new Error('aborted'));
			};
			const waiter: Waiter = {
				resolve: (permit) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(permit);
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.queue.push(waiter);
			this.pump();
		});
	}

	private pump(): void {
		if (this.pumpPending || this.queue.length === 0) return;
		const now = this.now();
		if (now < this.holdUntil) return this.pumpLater(this.holdUntil - now);
		while (this.queue.length > 0 && this.inFlight.size < this.current) {
			this.start(this.queue.shift()!, now);
		}
		this.watchAdmissions();
	}

	private pumpLater(ms: number): void {
		this.pumpPending = true;
		void sleep(Math.max(1, Math.ceil(ms))).then(() => {
			this.pumpPending = false;
			this.pump();
		});
	}

	/**
	 * Credits the requests still unanswered one admission window after the newest one went out:
	 * requests reach the limiter one by one (each reads its credentials first), and the refusal
	 * of the last of a burst must have had its window too. One wait at a time, and only while
	 * growth is possible and wanted.
	 */
	private watchAdmissions(): void {
		if (this.admissionPending || this.queue.length === 0 || this.current >= this.max) return;
		if (![...this.inFlight].some((ticket) => !ticket.credited)) return;
		this.admissionPending = true;
		void sleep(Math.max(1, Math.ceil(this.newestStartAt + this.admitMs - this.now()))).then(() => {
			this.admissionPending = false;
			if (this.now() - this.newestStartAt >= this.admitMs) {
				for (const ticket of [...this.inFlight]) if (!ticket.credited) this.creditFor(ticket);
			}
			this.watchAdmissions();
		});
	}

	private start(waiter: Waiter, now: number): void {
		const ticket: Ticket = { startedAt: now, epoch: this.epoch, credited: false, done: false };
		this.inFlight.add(ticket);
		this.newestStartAt = now;
		this.stats.peak = Math.max(this.stats.peak, this.inFlight.size);
		waiter.resolve({ finish: (outcome) => this.finish(ticket, outcome) });
	}

	private finish(ticket: Ticket, outcome: PermitOutcome): void {
		if (ticket.done) return;
		ticket.done = true;
		this.inFlight.delete(ticket);
		const now = this.now();
		const answerMs = now - ticket.startedAt;
		if (outcome.kind !== 'failed') this.fastestAnswerMs = Math.min(this.fastestAnswerMs, answerMs);
		if (outcome.kind === 'rateLimited') {
			this.stats.rateLimited++;
			// Longer than the transport waits, the refused request fails at once: so may the others.
			const holdMs = outcome.retryAfterMs ?? 0;
			if (holdMs > 0 && holdMs <= MAX_HOLD_MS)
				this.holdUntil = Math.max(this.holdUntil, now + holdMs);
			const accepted = this.acceptedBefore(ticket);
			if (ticket.epoch === this.epoch) {
				this.cut(Math.min(this.current - 1, accepted));
				this.probeWindows = this.slowStart ? 2 : Math.min(MAX_PROBE_WINDOWS, this.probeWindows * 2);
				this.slowStart = false;
			} else {
				// More refusals of the same burst: they refine the level, they are not a new cut.
				this.current = Math.max(1, Math.min(this.current, accepted));
			}
		} else if (outcome.kind === 'ok') {
			this.sampleLatency(ticket, answerMs);
			if (!ticket.credited) this.creditFor(ticket);
		}
		this.pump();
	}

	/**
	 * Requests the API is taking while it refused `refused`: those sent no later than it and
	 * still running. A limit refuses in arrival order, so anything sent later proves nothing yet,
	 * even when its admission window has passed (the refusal may just be slow to arrive).
	 */
	private acceptedBefore(refused: Ticket): number {
		let accepted = 0;
		for (const ticket of this.inFlight) if (ticket.startedAt <= refused.startedAt) accepted++;
		return accepted;
	}

	private cut(level: number): void {
		this.current = Math.max(1, level);
		this.epoch++;
		this.credit = 0;
		this.sinceRaise = undefined;
		this.stats.cuts++;
	}

	private sampleLatency(ticket: Ticket, latencyMs: number): void {
		this.bestLatencyMs = Math.min(this.bestLatencyMs, latencyMs);
		this.smoothedLatencyMs =
			this.smoothedLatencyMs === undefined
				? latencyMs
				: 0.7 * this.smoothedLatencyMs + 0.3 * latencyMs;
		this.latencySamples++;
		// The API slowing down sharply under our load: fewer at once, once per level.
		if (
			this.latencySamples >= 4 &&
			this.smoothedLatencyMs > 4 * Math.max(this.bestLatencyMs, 1) &&
			ticket.epoch === this.epoch &&
			this.current > 1
		) {
			this.cut(Math.floor(this.current * 0.75));
			this.slowStart = false;
		}
	}

	private latencyRising(): boolean {
		return (
			this.smoothedLatencyMs !== undefined &&
			this.latencySamples >= 4 &&
			this.smoothedLatencyMs > 2 * Math.max(this.bestLatencyMs, 1)
		);
	}

	/** One accepted request: growth, but only while requests wait (otherwise nothing is proven). */
	private creditFor(ticket: Ticket): void {
		ticket.credited = true;
		if (this.queue.length === 0 || this.current >= this.max || this.latencyRising()) return;
		if (this.slowStart) {
			this.current++;
		} else {
			// A full window accepted at a probed level: the next probe may come sooner.
			if (this.sinceRaise !== undefined && ++this.sinceRaise >= this.current) {
				this.sinceRaise = undefined;
				this.probeWindows = Math.max(1, this.probeWindows / 2);
			}
			if (++this.credit >= this.current * this.probeWindows) {
				this.credit = 0;
				this.current++;
				this.sinceRaise = 0;
			}
		}
		this.stats.highest = Math.max(this.stats.highest, this.current);
		this.pump();
	}
}

/** The limiters of one execution; looked up by the execution's context object. */
export interface ExecutionLimiters {
	create: AdaptiveLimiter;
	query: AdaptiveLimiter;
	download: AdaptiveLimiter;
}

const byExecution = new WeakMap<object, ExecutionLimiters>();

/**
 * Gives an execution its own create, lookup and download limiters. Keyed by the execution's
 * context object, which n8n creates per node run, so the state ends with the run.
 */
export function adaptConcurrency(context: object, setting: ConcurrencySetting): ExecutionLimiters {
	const limiters: ExecutionLimiters = {
		create: AdaptiveLimiter.for(setting),
		query: AdaptiveLimiter.for(setting),
		download: AdaptiveLimiter.for(setting),
	};
	byExecution.set(context, limiters);
	return limiters;
}

export function limiterFor(
	context: object,
	kind: keyof ExecutionLimiters,
): AdaptiveLimiter | undefined {
	return byExecution.get(context)?.[kind];
}
