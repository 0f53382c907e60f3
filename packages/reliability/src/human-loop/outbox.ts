import { setTimeout as sleep } from 'node:timers/promises';
import { query } from '../support/postgres.js';

/**
 * Reading the outbox (queued mail and webhook deliveries) straight from the PostgreSQL database,
 * so a suite sees what is kept, how often it was tried and when it is due, whichever instance or
 * background job did the work.
 */
export interface OutboxRow {
  id: number;
  conversationId: string | null;
  attempts: number;
  createdAt: number;
  dueAt: number;
  doneAt: number | null;
  claimedUntil: number | null;
  lastError: string | null;
}

export async function outboxRows(url: string, kind: 'mail' | 'webhook'): Promise<OutboxRow[]> {
  const rows = await query<{
    id: string;
    conversation_id: string | null;
    attempts: number;
    created_at: string;
    due_at: string;
    done_at: string | null;
    claimed_until: string | null;
    last_error: string | null;
  }>(
    'SELECT id, conversation_id, attempts, created_at, due_at, done_at, claimed_until, last_error FROM outbox WHERE kind = $1 ORDER BY id',
    [kind],
    url,
  );
  const number = (value: string | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    id: Number(row.id),
    conversationId: row.conversation_id,
    attempts: row.attempts,
    createdAt: Number(row.created_at),
    dueAt: Number(row.due_at),
    doneAt: number(row.done_at),
    claimedUntil: number(row.claimed_until),
    lastError: row.last_error,
  }));
}

/**
 * Runs `work` (the outbox job: `sendDue`, `deliverDue`) again and again until `settled` holds for
 * the rows; the background job runs too, so only the rows say what happened. Returns the rows.
 */
export async function driveUntil(
  work: () => Promise<unknown>,
  rows: () => Promise<OutboxRow[]>,
  settled: (rows: OutboxRow[]) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<OutboxRow[]> {
  const started = performance.now();
  for (;;) {
    await work();
    const current = await rows();
    // Settled, and nothing claimed: no attempt is still under way somewhere.
    if (settled(current) && current.every((r) => r.claimedUntil === null)) return current;
    if (performance.now() - started > timeoutMs) {
      const shown = current
        .map(
          (r) =>
            `#${r.id} attempts ${r.attempts}${r.doneAt ? ' done' : ''}${r.claimedUntil ? ` claimed until ${r.claimedUntil}` : ''} due ${r.dueAt}`,
        )
        .join(', ');
      throw new Error(`${what} not reached within ${timeoutMs} ms (${shown})`);
    }
    await sleep(100);
  }
}
