import type { SessionRecord, StoreLimits } from '../store.js';

/**
 * The moment (epoch ms) a session stops existing: its idle deadline or its absolute deadline,
 * whichever comes first. A session is live while `now < sessionExpiresAt(...)`.
 */
export function sessionExpiresAt(record: SessionRecord, limits: StoreLimits): number {
  return Math.min(
    record.lastSeenAt + limits.sessionTtlMs,
    record.createdAt + limits.sessionMaxAgeMs,
  );
}

export function isSessionExpired(record: SessionRecord, now: number, limits: StoreLimits): boolean {
  return now >= sessionExpiresAt(record, limits);
}

/** Whether an idempotency record written at `writtenAt` is past its retention. */
export function isIdempotencyExpired(writtenAt: number, now: number, limits: StoreLimits): boolean {
  return now >= writtenAt + limits.idempotencyTtlMs;
}
