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
