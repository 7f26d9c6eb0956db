import { getEventListeners } from 'node:events';

import {
	AdaptiveLimiter,
	AUTO_CONCURRENCY,
	AUTO_INITIAL,
	AUTO_MAX,
	parseConcurrency,
	type PermitOutcome,
} from '../../../../nodes/Seedream/transport/adaptiveConcurrency';

/**
 * A simulated API on fake timers: `capacity` requests at once are accepted and answered after
 * `latencyMs`; one more is refused at once with 429 and Retry-After. No real time passes.
 */
class SimulatedApi {
	capacity: number;
	active = 0;
	accepted = 0;
	refused = 0;
	maxActive = 0;
	/** The limiter's level after each answer, to follow it over time. */
	levels: number[] = [];

	constructor(
		private readonly limiter: AdaptiveLimiter,
		options: { capacity: number; latencyMs?: number; retryAfterMs?: number },
	) {
		this.capacity = options.capacity;
		this.latencyMs = options.latencyMs ?? 2000;
		this.retryAfterMs = options.retryAfterMs ?? 1000;
	}

	private readonly latencyMs: number;
	private readonly retryAfterMs: number;

	/** One item: retried after a refusal, as the transport does, until accepted. */
	async item(): Promise<void> {
		for (;;) {
			const permit = await this.limiter.acquire();
			if (this.active >= this.capacity) {
				this.refused++;
				await sleep(2);
				permit.finish({ kind: 'rateLimited', retryAfterMs: this.retryAfterMs });
				this.levels.push(this.limiter.limit);
				await sleep(this.retryAfterMs);
				continue;
			}
			this.active++;
			this.accepted++;
			this.maxActive = Math.max(this.maxActive, this.active);
			await sleep(this.latencyMs);
			this.active--;
			permit.finish({ kind: 'ok' });
			this.levels.push(this.limiter.limit);
			return;
		}
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runAll(work: Array<Promise<void>>, stepMs = 5, maxMs = 600_000) {
	let done = false;
	const all = Promise.all(work).then(() => (done = true));
	for (let elapsed = 0; !done && elapsed < maxMs; elapsed += stepMs) {
		await jest.advanceTimersByTimeAsync(stepMs);
	}
	await all;
}

let clockStart = 0;
beforeEach(() => {
	jest.useFakeTimers();
	clockStart = Date.now();
});
afterEach(() => jest.useRealTimers());

/** Named requests waiting for a slot, and when (ms after the test's start) each was granted one. */
function queue(limiter: AdaptiveLimiter, names: string[]) {
	const grantedAt: Record<string, number> = {};
	const waiting = names.map(async (name) => {
		const permit = await limiter.acquire();
		grantedAt[name] = Date.now() - clockStart;
		return permit;
	});
	return { grantedAt, waiting };
}

describe('AdaptiveLimiter', () => {
	it('grows from its start level to the maximum while every request is accepted', async () => {
		const limiter = AdaptiveLimiter.for(AUTO_CONCURRENCY);
		const api = new SimulatedApi(limiter, { capacity: Infinity });
		const work = Array.from({ length: 100 }, () => api.item());
		expect(limiter.active).toBe(AUTO_INITIAL);
		// Well inside one generation (2 s) every slot up to the maximum is taken.
		await jest.advanceTimersByTimeAsync(500);
		expect(limiter.active).toBe(AUTO_MAX);
		await runAll(work);
		expect(api.refused).toBe(0);
		expect(limiter.stats).toMatchObject({
			rateLimited: 0,
			cuts: 0,
			peak: AUTO_MAX,
			highest: AUTO_MAX,
		});
	});

	it('backs off to what the API accepts on 429, then grows again when the API takes more', async () => {
		const limiter = AdaptiveLimiter.for(AUTO_CONCURRENCY);
		const api = new SimulatedApi(limiter, { capacity: 8 });
		const work = Array.from({ length: 200 }, () => api.item());
		await jest.advanceTimersByTimeAsync(20_000);
		// Backed off: the level is what the API accepted, and the refusals stay few (probes only).
		expect(limiter.stats.cuts).toBeGreaterThanOrEqual(1);
		expect(limiter.limit).toBeLessThanOrEqual(9);
		expect(limiter.limit).toBeGreaterThanOrEqual(8);
		const refusedWhileLimited = api.refused;
		expect(refusedWhileLimited).toBeLessThanOrEqual(6);
		expect(api.maxActive).toBe(8);

		// The account's limit is raised: the level climbs past the old one.
		api.capacity = 20;
		await jest.advanceTimersByTimeAsync(60_000);
		expect(limiter.limit).toBeGreaterThan(10);
		expect(api.maxActive).toBeGreaterThan(10);
		await runAll(work);
		expect(api.accepted).toBe(200);
	});

	it.each<[string, (() => number) | undefined]>([
		['the system clock', undefined],
		['a clock of its own that starts at 10 s', () => Date.now() - clockStart + 10_000],
	])(
		'holds every new request for Retry-After, not only the refused one (%s)',
		async (_clock, now) => {
			const limiter = new AdaptiveLimiter({ initial: 2, max: 4, now });
			const first = await limiter.acquire();
			first.finish({ kind: 'rateLimited', retryAfterMs: 3000 });
			let granted = false;
			const next = limiter.acquire().then((permit) => {
				granted = true;
				return permit;
			});
			await jest.advanceTimersByTimeAsync(2900);
			expect(granted).toBe(false);
			await jest.advanceTimersByTimeAsync(200);
			expect(granted).toBe(true);
			(await next).finish({ kind: 'ok' });
		},
	);

	it.each([
		[60_000, true],
		[60_001, false],
	])(
		'holds for a Retry-After of %i ms: %s (longer than the transport waits holds nothing)',
		async (retryAfterMs, held) => {
			const limiter = new AdaptiveLimiter({ initial: 2, max: 4 });
			(await limiter.acquire()).finish({ kind: 'rateLimited', retryAfterMs });
			let granted = false;
			const next = limiter.acquire().then((permit) => {
				granted = true;
				return permit;
			});
			await jest.advanceTimersByTimeAsync(0);
			expect(granted).toBe(!held);
			await jest.advanceTimersByTimeAsync(retryAfterMs);
			(await next).finish({ kind: 'ok' });
		},
	);

	it('grows on an answer that came back accepted, before its admission window ends', async () => {
		const limiter = new AdaptiveLimiter({ initial: 1, max: 4 });
		const first = await limiter.acquire();
		const { grantedAt, waiting } = queue(limiter, ['second', 'third']);
		await jest.advanceTimersByTimeAsync(10);
		first.finish({ kind: 'ok' });
		await jest.advanceTimersByTimeAsync(0);
		expect(grantedAt).toEqual({ second: 10, third: 10 });
		expect(limiter.limit).toBe(2);
		for (const permit of await Promise.all(waiting)) permit.finish({ kind: 'ok' });
	});

	it('cuts once per burst: the first refusal sets the level, later ones of the burst only lower it', async () => {
		const limiter = new AdaptiveLimiter({ initial: 4, max: 4 });
		const permits = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
		permits[0].finish({ kind: 'rateLimited' });
		// Two others were running when it was refused.
		expect(limiter.limit).toBe(2);
		permits[1].finish({ kind: 'rateLimited' });
		expect(limiter.limit).toBe(1);
		expect(limiter.stats).toMatchObject({ rateLimited: 2, cuts: 1 });
		permits[2].finish({ kind: 'ok' });
	});

	it('counts as accepted only the requests sent no later than the refused one', async () => {
		const limiter = new AdaptiveLimiter({ initial: 4, max: 4 });
		const first = await limiter.acquire();
		await jest.advanceTimersByTimeAsync(10);
		const later = await Promise.all([limiter.acquire(), limiter.acquire()]);
		first.finish({ kind: 'rateLimited' });
		expect(limiter.limit).toBe(1);
		for (const permit of later) permit.finish({ kind: 'ok' });
	});

	it('counts a permit finished twice once', async () => {
		const limiter = new AdaptiveLimiter({ initial: 4, max: 4 });
		const permits = await Promise.all([limiter.acquire(), limiter.acquire()]);
		permits[0].finish({ kind: 'rateLimited' });
		permits[0].finish({ kind: 'rateLimited' });
		expect(limiter.stats).toMatchObject({ rateLimited: 1, cuts: 1 });
		expect(limiter.limit).toBe(1);
		expect(limiter.active).toBe(1);
		permits[1].finish({ kind: 'ok' });
	});

	it('never exceeds a fixed maximum, and returns to it after a 429', async () => {
		const limiter = AdaptiveLimiter.for({ auto: false, max: 3 });
		expect(limiter.limit).toBe(3);
		const api = new SimulatedApi(limiter, { capacity: 2, latencyMs: 200, retryAfterMs: 100 });
		const work = Array.from({ length: 30 }, () => api.item());
		await runAll(work);
		expect(limiter.stats.peak).toBe(3);
		expect(Math.max(...api.levels)).toBeLessThanOrEqual(3);
		expect(api.levels).toContain(2);
	});

	it('lets a stopped execution leave the queue', async () => {
		const limiter = new AdaptiveLimiter({ initial: 1, max: 1 });
		const held = await limiter.acquire();
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		controller.abort();
		await expect(waiting).rejects.toThrow('aborted');
		held.finish({ kind: 'ok' });
		expect(limiter.active).toBe(0);
		// Stopped before it asked: refused at once, no slot taken.
		await expect(limiter.acquire(controller.signal)).rejects.toThrow('aborted');
		expect(limiter.active).toBe(0);
	});

	it('leaves no abort listener on the execution signal once a request got its slot', async () => {
		const limiter = new AdaptiveLimiter({ initial: 1, max: 1 });
		const controller = new AbortController();
		for (let request = 0; request < 20; request++) {
			(await limiter.acquire(controller.signal)).finish({ kind: 'ok' });
		}
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	it('counts a request as accepted one admission window (50 ms) after the newest request went out', async () => {
		const limiter = new AdaptiveLimiter({
			initial: 1,
			max: 4,
			now: () => Date.now() - clockStart + 10_000,
		});
		const first = await limiter.acquire();
		const { grantedAt, waiting } = queue(limiter, ['second', 'third']);
		await jest.advanceTimersByTimeAsync(30);
		// The first fails (says nothing about capacity): the second takes its slot at 30 ms.
		first.finish({ kind: 'failed' });
		await jest.advanceTimersByTimeAsync(49);
		expect(grantedAt).toEqual({ second: 30 });
		expect(limiter.limit).toBe(1);
		// 50 ms after the second went out it counts as accepted: one more slot, the third goes.
		await jest.advanceTimersByTimeAsync(1);
		expect(grantedAt).toEqual({ second: 30, third: 80 });
		expect(limiter.limit).toBe(2);
		for (const permit of await Promise.all(waiting)) permit.finish({ kind: 'ok' });
	});

	it('counts requests as accepted after twice the fastest answer: 50 ms before any, then 25 ms to 1 s', async () => {
		let now = 0;
		const limiter = new AdaptiveLimiter({ initial: 1, max: 4, now: () => now });
		const answer = async (ms: number, outcome: PermitOutcome) => {
			const permit = await limiter.acquire();
			now += ms;
			permit.finish(outcome);
		};
		expect(limiter.admitMs).toBe(50);
		// A failure says nothing about how fast the API answers.
		await answer(5, { kind: 'failed' });
		expect(limiter.admitMs).toBe(50);
		await answer(700, { kind: 'ok' });
		expect(limiter.admitMs).toBe(1000);
		await answer(20, { kind: 'ok' });
		expect(limiter.admitMs).toBe(40);
		await answer(30, { kind: 'ok' });
		expect(limiter.admitMs).toBe(40);
		// A refusal is an answer too.
		await answer(5, { kind: 'rateLimited' });
		expect(limiter.admitMs).toBe(25);
	});
});

describe('parseConcurrency (the Concurrency option, also from expressions)', () => {
	it.each([
		[undefined, AUTO_CONCURRENCY],
		[null, AUTO_CONCURRENCY],
		[0, AUTO_CONCURRENCY],
		['', AUTO_CONCURRENCY],
		['auto', AUTO_CONCURRENCY],
		[' Auto ', AUTO_CONCURRENCY],
		[5, { auto: false, max: 5 }],
		['12', { auto: false, max: 12 }],
		[100, { auto: false, max: 100 }],
	])('%j → %j', (raw, expected) => {
		expect(parseConcurrency(raw)).toEqual(expected);
	});

	it.each([
		[-1],
		[2.5],
		[101],
		['many'],
		[Number.NaN],
		[true],
		['12.0'],
		['+5'],
		['1e2'],
		['5 items'],
	])('%j is refused', (raw) => {
		expect(parseConcurrency(raw)).toBeUndefined();
	});
});
