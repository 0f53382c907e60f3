import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { StoreLimits } from '../store/context.js';
import { openStore, type Store } from '../store/store.js';
import { createTurnBudget, type TurnBudgetOptions } from './turn-budget.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Sessions outlive the midnights these tests cross. */
const LIMITS: StoreLimits = {
  sessionTtlMs: 2 * DAY,
  sessionMaxAgeMs: 30 * DAY,
  idempotencyTtlMs: HOUR,
};

describe('createTurnBudget', () => {
  let clock: ManualClock;
  let store: Store;

  beforeEach(async () => {
    // Monday 2026-01-05, 12:00 UTC.
    clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
    store = await openStore({ kind: 'memory' }, { clock, limits: LIMITS });
    await store.conversations.create('s1');
    await store.conversations.create('s2');
  });
  afterEach(() => store.close());

  const budgetWith = (limits: Partial<Pick<TurnBudgetOptions, 'turnsPerDay' | 'tokensPerDay'>>) =>
    createTurnBudget({ usage: store.usage, clock, turnsPerDay: 3, tokensPerDay: 1000, ...limits });

  it('allows a session that has used nothing, known to the store or not', async () => {
    const budget = budgetWith({});
    expect(await budget.check('s1')).toEqual({ allowed: true });
    expect(await budget.check('unknown')).toEqual({ allowed: true });
  });

  it('records one turn and the run tokens on the current UTC day', async () => {
    const budget = budgetWith({});
    await budget.record('s1', { totalTokens: 120 });
    await budget.record('s1', { totalTokens: 0 });
    expect(await store.usage.get('s1', '2026-01-05')).toEqual({ turns: 2, tokens: 120 });
    expect(await store.usage.get('s2', '2026-01-05')).toEqual({ turns: 0, tokens: 0 });
  });

  it('refuses once the turns reach turnsPerDay, until the next UTC midnight', async () => {
    const budget = budgetWith({ turnsPerDay: 3 });
    for (let turn = 0; turn < 2; turn++) await budget.record('s1', { totalTokens: 10 });
    expect(await budget.check('s1')).toEqual({ allowed: true });
    await budget.record('s1', { totalTokens: 10 });

    const refused = { allowed: false, resetsAt: '2026-01-06T00:00:00.000Z' };
    expect(await budget.check('s1')).toEqual(refused);
    // Other sessions have budgets of their own.
    expect(await budget.check('s2')).toEqual({ allowed: true });

    clock.set(Date.UTC(2026, 0, 5, 23, 59, 59, 999));
    expect(await budget.check('s1')).toEqual(refused);
    clock.advance(1);
    expect(await budget.check('s1')).toEqual({ allowed: true });
    // Yesterday's usage is still there; today starts from zero.
    expect(await store.usage.get('s1', '2026-01-05')).toEqual({ turns: 3, tokens: 30 });
    expect(await store.usage.get('s1', '2026-01-06')).toEqual({ turns: 0, tokens: 0 });
  });

  it('refuses once the tokens reach tokensPerDay, letting the crossing turn finish', async () => {
    const budget = budgetWith({ turnsPerDay: 100, tokensPerDay: 1000 });
    await budget.record('s1', { totalTokens: 999 });
    expect(await budget.check('s1')).toEqual({ allowed: true });
    // Tokens are only known after a run, so the turn that crosses the limit is the last one.
    await budget.record('s1', { totalTokens: 400 });
    expect(await budget.check('s1')).toEqual({
      allowed: false,
      resetsAt: '2026-01-06T00:00:00.000Z',
    });

    await budget.record('s2', { totalTokens: 1000 });
    expect((await budget.check('s2')).allowed).toBe(false);
  });

  it('counts a turn recorded just before midnight against the day it ended on', async () => {
    const budget = budgetWith({ turnsPerDay: 1 });
    clock.set(Date.UTC(2026, 0, 5, 23, 59, 59, 500));
    expect(await budget.check('s1')).toEqual({ allowed: true });
    await budget.record('s1', { totalTokens: 50 });
    expect((await budget.check('s1')).allowed).toBe(false);

    clock.advance(500);
    expect(await budget.check('s1')).toEqual({ allowed: true });
    await budget.record('s1', { totalTokens: 70 });
    expect(await budget.check('s1')).toEqual({
      allowed: false,
      resetsAt: '2026-01-07T00:00:00.000Z',
    });
    expect(await store.usage.get('s1', '2026-01-05')).toEqual({ turns: 1, tokens: 50 });
    expect(await store.usage.get('s1', '2026-01-06')).toEqual({ turns: 1, tokens: 70 });
  });

  it('names the next UTC midnight across month and year ends', async () => {
    const budget = budgetWith({ turnsPerDay: 1 });
    for (const [now, resetsAt] of [
      [Date.UTC(2026, 0, 31, 0, 0, 0, 0), '2026-02-01T00:00:00.000Z'],
      [Date.UTC(2026, 1, 28, 18), '2026-03-01T00:00:00.000Z'],
      [Date.UTC(2026, 11, 31, 23, 59), '2027-01-01T00:00:00.000Z'],
    ] as const) {
      clock.set(now);
      await store.conversations.create(`at-${now}`);
      await budget.record(`at-${now}`, { totalTokens: 1 });
      expect(await budget.check(`at-${now}`)).toEqual({ allowed: false, resetsAt });
    }
  });

  it('treats Infinity as no limit on that measure', async () => {
    const tokensOnly = budgetWith({ turnsPerDay: Number.POSITIVE_INFINITY, tokensPerDay: 1000 });
    for (let turn = 0; turn < 20; turn++) await tokensOnly.record('s1', { totalTokens: 1 });
    expect(await tokensOnly.check('s1')).toEqual({ allowed: true });

    const turnsOnly = budgetWith({ turnsPerDay: 2, tokensPerDay: Number.POSITIVE_INFINITY });
    await turnsOnly.record('s2', { totalTokens: 10_000_000 });
    expect(await turnsOnly.check('s2')).toEqual({ allowed: true });
  });

  it('records nothing, without failing, for a conversation erased meanwhile', async () => {
    const budget = budgetWith({ turnsPerDay: 1 });
    await store.conversations.erase('s1');
    await expect(budget.record('s1', { totalTokens: 10 })).resolves.toBeUndefined();
    expect(await budget.check('s1')).toEqual({ allowed: true });
    expect(await store.conversations.get('s1')).toBeUndefined();
  });

  it('rejects limits and token counts that make no sense', async () => {
    for (const bad of [0, -1, Number.NaN, undefined as unknown as number]) {
      expect(() => budgetWith({ turnsPerDay: bad })).toThrow(RangeError);
      expect(() => budgetWith({ tokensPerDay: bad })).toThrow(RangeError);
    }
    const budget = budgetWith({});
    for (const totalTokens of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(budget.record('s1', { totalTokens })).rejects.toBeInstanceOf(RangeError);
    }
    expect(await store.usage.get('s1', '2026-01-05')).toEqual({ turns: 0, tokens: 0 });
  });
});
