/** The source of "now", injected everywhere time matters so tests can move it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests of expiry, hours and budgets. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 0, 5, 12)) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
