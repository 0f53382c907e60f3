import type { Options, Store } from 'express-rate-limit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRateLimitHealth } from './rate-limit-health.js';

/** A store whose calls fail while `down` is set; counts how often it was (re)initialised. */
function flakyStore() {
  const state = { down: true, inits: 0, hits: 0 };
  const fail = () => {
    if (state.down) throw new Error('connect ECONNREFUSED');
  };
  const store: Store = {
    async init() {
      state.inits++;
      fail();
    },
    async increment() {
      fail();
      state.hits++;
      return { totalHits: state.hits, resetTime: undefined };
    },
    async decrement() {
      fail();
    },
    async resetKey() {
      fail();
    },
  };
  return { store, state };
}

function tracked() {
  const lines: { level: number; msg: string; limiter?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const errors: string[] = [];
  const states: [string, boolean][] = [];
  const health = createRateLimitHealth({
    logger,
    onStoreError: (limiter) => errors.push(limiter),
    onStateChange: (limiter, failing) => states.push([limiter, failing]),
  });
  return { health, lines, errors, states };
}

describe('createRateLimitHealth', () => {
  it('reports a failing store once, counts every failure, and heals by initialising again', async () => {
    const { health, lines, errors, states } = tracked();
    const { store, state } = flakyStore();
    const observed = health.observe('ip-messages', store);
    observed.init?.({ windowMs: 60_000 } as Options);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(health.failing()).toEqual(['ip-messages']);

    for (let i = 0; i < 5; i++) await expect(observed.increment('k')).rejects.toThrow();
    expect(errors).toHaveLength(6);
    expect(lines.filter((l) => l.msg.includes('failing'))).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, limiter: 'ip-messages' });

    state.down = false;
    const inits = state.inits;
    await expect(observed.increment('k')).resolves.toMatchObject({ totalHits: 1 });
    // The store's scripts are loaded afresh before the first call after a failure...
    expect(state.inits).toBe(inits + 1);
    await observed.increment('k');
    // ...and only then.
    expect(state.inits).toBe(inits + 1);
    expect(health.failing()).toEqual([]);
    expect(lines.filter((l) => l.msg.includes('recovered'))).toHaveLength(1);
    expect(states).toEqual([
      ['ip-messages', true],
      ['ip-messages', false],
    ]);
  });

  it('is healthy while every store answers', async () => {
    const { health, lines } = tracked();
    const { store, state } = flakyStore();
    state.down = false;
    const observed = health.observe('ip-sessions', store);
    observed.init?.({ windowMs: 1000 } as Options);
    await observed.increment('k');
    expect(health.failing()).toEqual([]);
    expect(lines).toEqual([]);
  });
});
