/** A held turn lock; `release` is safe to call twice and never frees someone else's lock. */
export interface TurnLock {
  release(): Promise<void>;
}

/**
 * One turn at a time per conversation, across every instance: in memory for a SQLite store (one
 * process), PostgreSQL advisory locks, or Redis locks on a renewed lease. A lock held longer than
 * `ttlMs` is free again, and one whose instance died is free at once (memory, PostgreSQL) or
 * within the lease (Redis).
 */
export interface TurnLocks {
  /** Takes the conversation's turn lock, or returns undefined when another turn holds it. */
  tryLock(conversationId: string, ttlMs: number): Promise<TurnLock | undefined>;
}

/**
 * Runs `work` holding the lock named `key`, waiting up to `waitMs` for it when another holder
 * has it; undefined when it stayed taken that long. The same locks as turns, under another name.
 */
export async function whileLocked<T>(
  locks: TurnLocks,
  key: string,
  work: () => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<{ result: T } | undefined> {
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  let lock = await locks.tryLock(key, options.ttlMs ?? 15_000);
  while (!lock) {
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
    lock = await locks.tryLock(key, options.ttlMs ?? 15_000);
  }
  try {
    return { result: await work() };
  } finally {
    await lock.release().catch(() => {});
  }
}
