import type { StreamEvent } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../coordination/event-bus.js';
import { LIVE_TURN_TTL_MS, LiveTurns, MAX_LIVE_EVENTS } from './live-turns.js';

const delta = (text: string): StreamEvent => ({ event: 'delta', data: { text } });
const live = (...ns: number[]): LiveEvent[] => ns.map((n) => ({ n, event: delta(`d${n}`) }));
const numbers = (events: LiveEvent[]) => events.map((e) => e.n);

describe('LiveTurns', () => {
  it('keeps the running answer of each conversation and replays it after a number', () => {
    const turns = new LiveTurns();
    turns.add('c_1', 4, live(1, 2));
    turns.add('c_1', 4, live(3));
    turns.add('c_2', 9, live(1));
    expect(turns.after('c_1', 4, 0)).toEqual(live(1, 2, 3));
    expect(numbers(turns.after('c_1', 4, 2))).toEqual([3]);
    expect(turns.after('c_1', 4, 3)).toEqual([]);
    expect(numbers(turns.after('c_2', 9, 0))).toEqual([1]);
    expect(turns.latestBase('c_1')).toBe(4);
    // Another answer's events are not this one's.
    expect(turns.after('c_1', 2, 0)).toEqual([]);
    expect(turns.after('c_3', 1, 0)).toEqual([]);
    expect(turns.latestBase('c_3')).toBeUndefined();
  });

  it('keeps only the newest answer of a conversation: late events of an older one are dropped', () => {
    const turns = new LiveTurns();
    turns.add('c_1', 4, live(1, 2));
    turns.add('c_1', 6, live(1));
    turns.add('c_1', 4, live(3));
    expect(turns.latestBase('c_1')).toBe(6);
    expect(turns.after('c_1', 4, 0)).toEqual([]);
    expect(numbers(turns.after('c_1', 6, 0))).toEqual([1]);
  });

  it('forgets the events of a try that failed when its retry starts', () => {
    const turns = new LiveTurns();
    turns.add('c_1', 4, live(1, 2, 3));
    // The retry numbers on from 4 and says so with its first batch.
    turns.add('c_1', 4, live(4, 5), 4);
    turns.add('c_1', 4, live(6));
    expect(numbers(turns.after('c_1', 4, 0))).toEqual([4, 5, 6]);
  });

  it('orders batches that arrive out of order, and ignores repeats', () => {
    const turns = new LiveTurns();
    turns.add('c_1', 4, live(3, 4));
    turns.add('c_1', 4, live(1, 2));
    turns.add('c_1', 4, live(2, 5));
    expect(numbers(turns.after('c_1', 4, 0))).toEqual([1, 2, 3, 4, 5]);
  });

  it(`holds at most ${MAX_LIVE_EVENTS} events of one answer`, () => {
    const turns = new LiveTurns();
    turns.add('c_1', 1, live(...Array.from({ length: MAX_LIVE_EVENTS + 10 }, (_, i) => i + 1)));
    expect(turns.after('c_1', 1, 0)).toHaveLength(MAX_LIVE_EVENTS);
  });

  it('forgets answers untouched for a while, once something new arrives', () => {
    let now = 0;
    const turns = new LiveTurns(() => now);
    turns.add('c_1', 1, live(1));
    now += LIVE_TURN_TTL_MS - 1;
    turns.add('c_2', 1, live(1));
    expect(turns.after('c_1', 1, 0)).toHaveLength(1);
    now += 2;
    turns.add('c_2', 1, live(2));
    expect(turns.after('c_1', 1, 0)).toEqual([]);
    expect(turns.latestBase('c_1')).toBeUndefined();
    expect(numbers(turns.after('c_2', 1, 0))).toEqual([1, 2]);
  });
});
