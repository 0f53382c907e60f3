import { describeEachBackend } from '@parley/testkit/stores';
import type { Options } from 'express-rate-limit';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Store } from '../store/store.js';
import { SqlRateLimitStore } from './sql-rate-limit-store.js';

const WINDOW = 60_000;

function limiterStore(store: Store, prefix = 'messages:'): SqlRateLimitStore {
  const limiter = new SqlRateLimitStore(store.context, prefix);
  limiter.init({ windowMs: WINDOW } as Options);
  return limiter;
}

await describeEachBackend('SqlRateLimitStore', (stores) => {
  it('counts hits in a window that starts with the first one', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    const limiter = limiterStore(store);
    const resetTime = new Date(clock.now() + WINDOW);
    expect(await limiter.get('1.2.3.4')).toBeUndefined();
    expect(await limiter.increment('1.2.3.4')).toEqual({ totalHits: 1, resetTime });
    clock.advance(WINDOW / 2);
    expect(await limiter.increment('1.2.3.4')).toEqual({ totalHits: 2, resetTime });
    expect(await limiter.get('1.2.3.4')).toEqual({ totalHits: 2, resetTime });
    expect(await limiter.increment('5.6.7.8')).toEqual({
      totalHits: 1,
      resetTime: new Date(clock.now() + WINDOW),
    });
  });

  it('starts a new window once the old one has ended', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    const limiter = limiterStore(store);
    await limiter.increment('k');
    await limiter.increment('k');
    clock.advance(WINDOW - 1);
    expect((await limiter.increment('k')).totalHits).toBe(3);
    clock.advance(1);
    expect(await limiter.get('k')).toBeUndefined();
    expect(await limiter.increment('k')).toEqual({
      totalHits: 1,
      resetTime: new Date(clock.now() + WINDOW),
    });
  });

  it('counts 50 simultaneous hits exactly', async () => {
    const store = await stores.open();
    const limiter = limiterStore(store);
    const hits = await Promise.all(Array.from({ length: 50 }, () => limiter.increment('k')));
    expect(hits.map((h) => h.totalHits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect((await limiter.get('k'))?.totalHits).toBe(50);
  });

  it('takes hits back and forgets keys, never counting below zero', async () => {
    const store = await stores.open();
    const limiter = limiterStore(store);
    await limiter.increment('k');
    await limiter.decrement('k');
    await limiter.decrement('k');
    expect((await limiter.get('k'))?.totalHits).toBe(0);
    expect((await limiter.increment('k')).totalHits).toBe(1);
    await limiter.resetKey('k');
    expect(await limiter.get('k')).toBeUndefined();
    await limiter.decrement('never');
    expect(await limiter.get('never')).toBeUndefined();
  });

  it('keeps limiters apart by prefix', async () => {
    const store = await stores.open();
    const messages = limiterStore(store, 'messages:');
    const reads = limiterStore(store, 'reads:');
    await messages.increment('1.2.3.4');
    await messages.increment('1.2.3.4');
    expect((await reads.increment('1.2.3.4')).totalHits).toBe(1);
    await reads.resetKey('1.2.3.4');
    expect((await messages.get('1.2.3.4'))?.totalHits).toBe(2);
  });

  if (stores.backend === 'postgres')
    it('shares counts between instances on one database', async () => {
      const clock = new ManualClock();
      const a = limiterStore(await stores.open({ clock }));
      const b = limiterStore(await stores.open({ clock, fresh: false }));
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).increment('1.2.3.4')),
      );
      expect((await a.get('1.2.3.4'))?.totalHits).toBe(30);
      expect((await b.get('1.2.3.4'))?.totalHits).toBe(30);
    });
});
