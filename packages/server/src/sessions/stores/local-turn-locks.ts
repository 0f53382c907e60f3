import type { Clock } from '../../clock.js';
import type { TurnLock } from '../store.js';

interface HeldLock {
  owner: symbol;
  expiresAt: number;
}

/**
 * Per-session turn locks inside one process, expiring by the injected clock. Used by the memory
 * and SQLite stores, where one process owns all the data; Redis uses `SET NX PX` instead.
 */
export class LocalTurnLocks {
  readonly #held = new Map<string, HeldLock>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  tryLock(sessionId: string, ttlMs: number): TurnLock | undefined {
    const now = this.#clock.now();
    const current = this.#held.get(sessionId);
    if (current && current.expiresAt > now) return undefined;
    const owner = Symbol(sessionId);
    this.#held.set(sessionId, { owner, expiresAt: now + ttlMs });
    return {
      release: async () => {
        // Only the owner may release; after expiry someone else may hold the lock by now.
        if (this.#held.get(sessionId)?.owner === owner) this.#held.delete(sessionId);
      },
    };
  }

  /** Forgets locks whose holders never released them (a crashed turn), so the map stays small. */
  purgeExpired(): void {
    const now = this.#clock.now();
    for (const [sessionId, lock] of this.#held) {
      if (lock.expiresAt <= now) this.#held.delete(sessionId);
    }
  }

  clear(): void {
    this.#held.clear();
  }
}
