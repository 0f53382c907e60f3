import { afterEach, describe, expect, it, vi } from 'vitest';
import { TurnFailedError } from '../chat/turn-errors.js';
import { HttpError } from '../http/errors.js';
import { createTurnTracker, TurnInterruptedError } from './turn-tracker.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createTurnTracker', () => {
  it('counts running turns; end() is idempotent', () => {
    const tracker = createTurnTracker();
    const a = tracker.begin();
    const b = tracker.begin();
    expect(tracker.active).toBe(2);
    a.end();
    a.end();
    expect(tracker.active).toBe(1);
    b.end();
    expect(tracker.active).toBe(0);
    expect(tracker.draining).toBe(false);
  });

  it('drains at once when nothing runs', async () => {
    const tracker = createTurnTracker();
    expect(await tracker.drain({ graceMs: 10_000 })).toStrictEqual({ finished: 0, aborted: 0 });
    expect(tracker.draining).toBe(true);
  });

  it('waits for running turns that end within the grace period, without aborting them', async () => {
    vi.useFakeTimers();
    const tracker = createTurnTracker();
    const a = tracker.begin();
    const b = tracker.begin();
    const drained = tracker.drain({ graceMs: 5_000 });
    let settled = false;
    void drained.then(() => {
      settled = true;
    });

    await vi.advanceTimersByTimeAsync(1_000);
    a.end();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
    b.end();
    expect(await drained).toStrictEqual({ finished: 2, aborted: 0 });
    expect(a.signal.aborted || b.signal.aborted).toBe(false);
  });

  it('aborts the turns still running after the grace period with a retryable reason', async () => {
    vi.useFakeTimers();
    const tracker = createTurnTracker();
    const quick = tracker.begin();
    const slow = tracker.begin();
    // A turn reacting to its signal the way the chat code does: it ends once aborted.
    slow.signal.addEventListener('abort', () => setTimeout(() => slow.end(), 100));

    const drained = tracker.drain({ graceMs: 5_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    quick.end();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(slow.signal.aborted).toBe(true);
    expect(quick.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await drained).toStrictEqual({ finished: 1, aborted: 1 });
    expect(tracker.active).toBe(0);

    const reason: unknown = slow.signal.reason;
    expect(reason).toBeInstanceOf(TurnInterruptedError);
    expect(reason).toBeInstanceOf(TurnFailedError);
    expect(reason).toMatchObject({ code: 'model_unavailable', retryable: true });
  });

  it('gives up on aborted turns that never end after abortWaitMs', async () => {
    vi.useFakeTimers();
    const tracker = createTurnTracker();
    tracker.begin();
    const drained = tracker.drain({ graceMs: 1_000, abortWaitMs: 500 });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(await drained).toStrictEqual({ finished: 0, aborted: 1 });
  });

  it('refuses new turns once draining with a retryable 503', async () => {
    const tracker = createTurnTracker();
    const running = tracker.begin();
    const drained = tracker.drain({ graceMs: 1_000 });
    let refusal: unknown;
    try {
      tracker.begin();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HttpError);
    expect(refusal).toMatchObject({ code: 'model_unavailable', status: 503 });
    running.end();
    expect(await drained).toStrictEqual({ finished: 1, aborted: 0 });
  });

  it('returns the same promise when drain is called twice', () => {
    const tracker = createTurnTracker();
    tracker.begin();
    const first = tracker.drain({ graceMs: 10 });
    expect(tracker.drain({ graceMs: 99_999 })).toBe(first);
  });
});
