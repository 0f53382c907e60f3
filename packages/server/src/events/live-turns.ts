import type { LiveEvent } from '../coordination/event-bus.js';

/** How long a finished answer's events stay replayable, and how many one answer may hold. */
export const LIVE_TURN_TTL_MS = 5 * 60_000;
export const MAX_LIVE_EVENTS = 5_000;

interface LiveTurn {
  base: number;
  events: LiveEvent[];
  touchedAt: number;
}

/**
 * The running answers this instance has heard of, from any instance: their events by number, kept
 * a few minutes after the last one so a visitor whose connection dropped can resume on any
 * instance with `Last-Event-ID`. Only the newest answer of each conversation is kept (one turn runs
 * at a time); memory is bounded per answer and by expiry.
 */
export class LiveTurns {
  readonly #turns = new Map<string, LiveTurn>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Adds events of the answer to the message at `base`. `restartAt` (a retry of an answer that
   * failed) drops the events numbered before it: a stream opened now must not replay the failed
   * try's text in front of the new one.
   */
  add(conversation: string, base: number, events: readonly LiveEvent[], restartAt?: number): void {
    this.#sweep();
    let turn = this.#turns.get(conversation);
    if (!turn || turn.base < base) {
      turn = { base, events: [], touchedAt: this.now() };
      this.#turns.set(conversation, turn);
    }
    if (turn.base !== base) return;
    if (restartAt !== undefined) turn.events = turn.events.filter((e) => e.n >= restartAt);
    for (const event of events) {
      if (turn.events.length >= MAX_LIVE_EVENTS) break;
      // Batches can arrive out of order over some buses; keep the events sorted by number.
      const last = turn.events.at(-1);
      if (!last || last.n < event.n) turn.events.push(event);
      else if (!turn.events.some((e) => e.n === event.n)) {
        turn.events.push(event);
        turn.events.sort((a, b) => a.n - b.n);
      }
    }
    turn.touchedAt = this.now();
    // Kept in the order they were last touched, so the sweep stops at the first live one.
    this.#turns.delete(conversation);
    this.#turns.set(conversation, turn);
  }

  /** The events of the answer to the message at `base` after number `n`, in order. */
  after(conversation: string, base: number, n: number): LiveEvent[] {
    const turn = this.#turns.get(conversation);
    if (!turn || turn.base !== base) return [];
    return turn.events.filter((event) => event.n > n);
  }

  /** The newest answer's base position, if one is known. */
  latestBase(conversation: string): number | undefined {
    return this.#turns.get(conversation)?.base;
  }

  /** Drops expired answers: the oldest-touched first, stopping at the first still live. */
  #sweep(): void {
    const cutoff = this.now() - LIVE_TURN_TTL_MS;
    for (const [conversation, turn] of this.#turns) {
      if (turn.touchedAt >= cutoff) break;
      this.#turns.delete(conversation);
    }
  }
}
