import { TurnFailedError } from '../chat/turn-errors.js';
import { HttpError } from '../http/errors.js';

/**
 * The abort reason of turns still running when the shutdown grace period ends. It is a retryable
 * `TurnFailedError`, so the chat code can rethrow `signal.reason` and the route sends a normal
 * retryable `error` event; the widget then retries, and reaches another instance.
 */
export class TurnInterruptedError extends TurnFailedError {
  constructor() {
    super('model_unavailable', 'The server is restarting. Please send your message again.', {
      retryable: true,
    });
  }
}

/** One running turn. */
export interface TrackedTurn {
  /** Marks the turn finished (idempotent). Call it in a `finally`. */
  end(): void;
  /** Aborted with a {@link TurnInterruptedError} when shutdown stops waiting for this turn. */
  readonly signal: AbortSignal;
}

export interface DrainResult {
  /** Turns that ended on their own during the grace period. */
  finished: number;
  /** Turns aborted when the grace period ran out. */
  aborted: number;
}

export interface TurnTracker {
  /**
   * Registers a turn. Throws `503 model_unavailable` once draining: send it elsewhere. Pass the
   * turn's own controller to have shutdown abort it directly (one signal per turn, nothing to
   * combine); without one the tracker makes its own.
   */
  begin(controller?: AbortController): TrackedTurn;
  /** Turns running now. */
  readonly active: number;
  /** True from the first `drain()` on; `/readyz` then answers 503. */
  readonly draining: boolean;
  /**
   * Stops new turns, waits up to `graceMs` for the running ones to end, then aborts the rest and
   * waits up to `abortWaitMs` (default 2 s) more for them to write their error event and end.
   * Calling it again returns the same promise.
   */
  drain(options: { graceMs: number; abortWaitMs?: number }): Promise<DrainResult>;
}

/** How long aborted turns get to send their `error` event before the process moves on. */
const DEFAULT_ABORT_WAIT_MS = 2_000;

/**
 * Tracks running visitor turns so a shutdown can let them finish instead of cutting streams
 * mid-answer, and abort (with a retryable error) only those that outlast the grace period.
 *
 * @example
 * const abort = new AbortController(); // also aborted when the visitor leaves
 * const turn = tracker.begin(abort);
 * try { await chat.turn({ ..., signal: turn.signal }); }
 * finally { turn.end(); }
 * // on SIGTERM:
 * const { finished, aborted } = await tracker.drain({ graceMs: config.shutdownGraceMs });
 */
export function createTurnTracker(): TurnTracker {
  const running = new Set<AbortController>();
  let draining: Promise<DrainResult> | undefined;
  let onIdle: (() => void) | undefined;

  function begin(controller = new AbortController()): TrackedTurn {
    if (draining) {
      throw new HttpError(
        'model_unavailable',
        'The server is restarting. Please send your message again.',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    running.add(controller);
    return {
      signal: controller.signal,
      end() {
        if (!running.delete(controller)) return;
        if (running.size === 0) onIdle?.();
      },
    };
  }

  /** Resolves when no turn is running, or after `ms`, whichever is first. */
  function idleWithin(ms: number): Promise<void> {
    if (running.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        onIdle = undefined;
        resolve();
      }
      onIdle = done;
    });
  }

  async function drainNow(graceMs: number, abortWaitMs: number): Promise<DrainResult> {
    const before = running.size;
    await idleWithin(graceMs);
    const late = [...running];
    const reason = new TurnInterruptedError();
    for (const controller of late) controller.abort(reason);
    if (late.length > 0) await idleWithin(abortWaitMs);
    return { finished: before - late.length, aborted: late.length };
  }

  return {
    begin,
    get active() {
      return running.size;
    },
    get draining() {
      return draining !== undefined;
    },
    drain({ graceMs, abortWaitMs = DEFAULT_ABORT_WAIT_MS }) {
      draining ??= drainNow(graceMs, abortWaitMs);
      return draining;
    },
  };
}
