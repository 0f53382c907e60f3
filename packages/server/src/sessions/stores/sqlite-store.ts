import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentInputItem } from '@openai/agents';
import type { HistoryMessage } from '@parley/shared';
import BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type {
  FeedbackRecord,
  IdempotencyOutcome,
  Page,
  ParleyStore,
  SessionRecord,
  StoredReply,
  StoreLimits,
  Ticket,
  TurnLock,
  UsageTotals,
} from '../store.js';
import { SessionNotFoundError } from '../store-errors.js';
import { assertUsageDay, assertUsageDelta, oldestKeptUsageDay, zeroUsage } from '../usage-days.js';
import { isIdempotencyExpired, isSessionExpired } from './expiry.js';
import { LocalTurnLocks } from './local-turn-locks.js';
import { clampPageSize, decodeCursor, encodeCursor, sortKey } from './paging.js';
import { migrate } from './sqlite-migrations.js';

/** How often expired sessions are swept by default. */
export const DEFAULT_SQLITE_SWEEP_MS = 10 * 60_000;
/** How long a write waits for another connection's lock (a backup, the sqlite3 shell) first. */
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  /** Database file (its folder is created), or `:memory:`. */
  path: string;
  clock: Clock;
  limits: StoreLimits;
  /** Default {@link DEFAULT_SQLITE_SWEEP_MS}; 0 turns the background sweep off. */
  sweepIntervalMs?: number;
  /** Told about a failed background sweep; defaults to a process warning. */
  onSweepError?: (error: unknown) => void;
}

interface SessionRow {
  id: string;
  createdAt: number;
  lastSeenAt: number;
}
interface JsonRow {
  json: string;
}
interface PageRow {
  sort_key: string;
  json: string;
}
interface IdempotencyRow {
  request_hash: string;
  state: 'running' | 'done';
  reply: string | null;
  written_at: number;
}

/**
 * A store in one SQLite file, for single-instance deployments that must survive restarts. The
 * file is owned by this process (WAL mode, one connection), so the turn lock is an in-process map.
 * Expired sessions read as missing at once and are deleted, with their items, transcript,
 * idempotency records and usage counters (ON DELETE CASCADE), by a periodic sweep.
 *
 * better-sqlite3 is synchronous: each method runs to completion without interleaving, and
 * multi-statement changes run in transactions.
 *
 * @example
 * const store = new SqliteStore({ path: 'data/parley.db', clock: systemClock, limits });
 */
export class SqliteStore implements ParleyStore {
  readonly kind = 'sqlite';
  readonly #db: BetterSqlite3.Database;
  readonly #clock: Clock;
  readonly #limits: StoreLimits;
  readonly #locks: LocalTurnLocks;
  readonly #sweep: NodeJS.Timeout | undefined;
  readonly #sql;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new BetterSqlite3(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.#db.pragma('foreign_keys = ON');
    migrate(this.#db);
    this.#clock = options.clock;
    this.#limits = options.limits;
    this.#locks = new LocalTurnLocks(options.clock);
    this.#sql = prepareStatements(this.#db);

    const interval = options.sweepIntervalMs ?? DEFAULT_SQLITE_SWEEP_MS;
    if (interval > 0) {
      const onError =
        options.onSweepError ??
        ((error: unknown) => process.emitWarning(`SQLite session sweep failed: ${String(error)}`));
      // unref: the sweep alone must not keep the process alive at shutdown.
      this.#sweep = setInterval(() => {
        this.purgeExpired().catch(onError);
      }, interval).unref();
    }
  }

  async createSession(id: string): Promise<SessionRecord> {
    const now = this.#clock.now();
    // A fresh session: anything left under this id (never expected, ids are random) goes first.
    this.#db.transaction(() => {
      this.#sql.deleteSession.run(id);
      this.#sql.insertSession.run(id, now, now);
    })();
    return { id, createdAt: now, lastSeenAt: now };
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#live(id);
  }

  async touchSession(id: string): Promise<void> {
    if (this.#live(id)) this.#sql.touchSession.run(this.#clock.now(), id);
  }

  async deleteSession(id: string): Promise<void> {
    this.#sql.deleteSession.run(id);
  }

  async getItems(sessionId: string, limit?: number): Promise<AgentInputItem[]> {
    if (!this.#live(sessionId)) return [];
    if (limit !== undefined && limit <= 0) return [];
    const rows = (
      limit === undefined
        ? this.#sql.selectItems.all(sessionId)
        : this.#sql.selectLastItems.all(sessionId, limit)
    ) as JsonRow[];
    return rows.map((row) => JSON.parse(row.json) as AgentInputItem);
  }

  async addItems(sessionId: string, items: AgentInputItem[]): Promise<void> {
    this.#db.transaction(() => {
      this.#require(sessionId);
      for (const item of items) this.#sql.insertItem.run(sessionId, JSON.stringify(item));
    })();
  }

  async popItem(sessionId: string): Promise<AgentInputItem | undefined> {
    return this.#db.transaction(() => {
      if (!this.#live(sessionId)) return undefined;
      const row = this.#sql.selectLastItem.get(sessionId) as
        | (JsonRow & { seq: number })
        | undefined;
      if (!row) return undefined;
      this.#sql.deleteItem.run(row.seq);
      return JSON.parse(row.json) as AgentInputItem;
    })();
  }

  async clearItems(sessionId: string): Promise<void> {
    this.#sql.clearItems.run(sessionId);
  }

  async countItems(sessionId: string): Promise<number> {
    if (!this.#live(sessionId)) return 0;
    return this.#sql.countItems.pluck().get(sessionId) as number;
  }

  async appendMessage(sessionId: string, message: HistoryMessage): Promise<void> {
    this.#db.transaction(() => {
      this.#require(sessionId);
      this.#sql.insertMessage.run(sessionId, JSON.stringify(message));
    })();
  }

  async getTranscript(sessionId: string): Promise<HistoryMessage[]> {
    if (!this.#live(sessionId)) return [];
    const rows = this.#sql.selectMessages.all(sessionId) as JsonRow[];
    return rows.map((row) => JSON.parse(row.json) as HistoryMessage);
  }

  async createTicket(ticket: Ticket): Promise<void> {
    this.#sql.upsertTicket.run(
      ticket.id,
      ticket.sessionId,
      sortKey(ticket.createdAt, ticket.id),
      JSON.stringify(ticket),
    );
  }

  async countTickets(sessionId: string): Promise<number> {
    return this.#sql.countTickets.pluck().get(sessionId) as number;
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    const row = this.#sql.selectTicket.get(id) as JsonRow | undefined;
    return row ? (JSON.parse(row.json) as Ticket) : undefined;
  }

  async listTickets(options: { limit: number; cursor?: string }): Promise<Page<Ticket>> {
    return this.#page<Ticket>(this.#sql.ticketsFirstPage, this.#sql.ticketsAfter, options);
  }

  async saveFeedback(record: FeedbackRecord): Promise<void> {
    this.#sql.upsertFeedback.run(
      record.sessionId,
      record.messageId,
      sortKey(record.createdAt, `${record.sessionId}\u0000${record.messageId}`),
      JSON.stringify(record),
    );
  }

  async listFeedback(options: { limit: number; cursor?: string }): Promise<Page<FeedbackRecord>> {
    return this.#page<FeedbackRecord>(
      this.#sql.feedbackFirstPage,
      this.#sql.feedbackAfter,
      options,
    );
  }

  async beginIdempotent(
    sessionId: string,
    key: string,
    requestHash: string,
  ): Promise<IdempotencyOutcome> {
    return this.#db.transaction((): IdempotencyOutcome => {
      this.#require(sessionId);
      const now = this.#clock.now();
      const row = this.#sql.selectIdempotency.get(sessionId, key) as IdempotencyRow | undefined;
      if (row && !isIdempotencyExpired(row.written_at, now, this.#limits)) {
        if (row.request_hash !== requestHash) return { state: 'conflict' };
        if (row.state === 'running' || row.reply === null) return { state: 'running' };
        return { state: 'done', reply: JSON.parse(row.reply) as StoredReply };
      }
      this.#sql.startIdempotency.run(sessionId, key, requestHash, now);
      return { state: 'started' };
    })();
  }

  async completeIdempotent(sessionId: string, key: string, reply: StoredReply): Promise<void> {
    this.#sql.completeIdempotency.run(JSON.stringify(reply), this.#clock.now(), sessionId, key);
  }

  async abandonIdempotent(sessionId: string, key: string): Promise<void> {
    this.#sql.abandonIdempotency.run(sessionId, key);
  }

  async addUsage(sessionId: string, day: string, delta: UsageTotals): Promise<UsageTotals> {
    assertUsageDay(day);
    assertUsageDelta(delta);
    return this.#db.transaction((): UsageTotals => {
      // Best effort by contract: nothing to record against, and never a session brought back.
      if (!this.#live(sessionId)) return zeroUsage();
      this.#sql.pruneUsage.run(sessionId, oldestKeptUsageDay(day));
      return this.#sql.addUsage.get(sessionId, day, delta.turns, delta.tokens) as UsageTotals;
    })();
  }

  async getUsage(sessionId: string, day: string): Promise<UsageTotals> {
    assertUsageDay(day);
    if (!this.#live(sessionId)) return zeroUsage();
    return (this.#sql.selectUsage.get(sessionId, day) as UsageTotals | undefined) ?? zeroUsage();
  }

  async tryLockTurn(sessionId: string, ttlMs: number): Promise<TurnLock | undefined> {
    return this.#locks.tryLock(sessionId, ttlMs);
  }

  async ping(): Promise<void> {
    this.#sql.ping.get();
  }

  async purgeExpired(): Promise<number> {
    const now = this.#clock.now();
    const { sessionTtlMs, sessionMaxAgeMs, idempotencyTtlMs } = this.#limits;
    this.#locks.purgeExpired();
    return this.#db.transaction(() => {
      // Sessions first: their idempotency rows go with them through the cascade.
      const sessions = this.#sql.purgeSessions.run(now - sessionTtlMs, now - sessionMaxAgeMs);
      const records = this.#sql.purgeIdempotency.run(now - idempotencyTtlMs);
      return sessions.changes + records.changes;
    })();
  }

  async close(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#locks.clear();
    if (this.#db.open) this.#db.close();
  }

  /** The live session, deleting it (and its data) when the clock says it expired. */
  #live(id: string): SessionRecord | undefined {
    const row = this.#sql.selectSession.get(id) as SessionRow | undefined;
    if (!row) return undefined;
    if (isSessionExpired(row, this.#clock.now(), this.#limits)) {
      this.#sql.deleteSession.run(id);
      return undefined;
    }
    return { id: row.id, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt };
  }

  #require(id: string): void {
    if (!this.#live(id)) throw new SessionNotFoundError(id);
  }

  #page<T>(
    first: BetterSqlite3.Statement,
    after: BetterSqlite3.Statement,
    options: { limit: number; cursor?: string },
  ): Page<T> {
    const size = clampPageSize(options.limit);
    // One row more than asked tells whether there is a next page.
    const rows = (
      options.cursor === undefined
        ? first.all(size + 1)
        : after.all(decodeCursor(options.cursor), size + 1)
    ) as PageRow[];
    const pageRows = rows.slice(0, size);
    const items = pageRows.map((row) => JSON.parse(row.json) as T);
    const last = pageRows.at(-1);
    return rows.length > size && last
      ? { items, nextCursor: encodeCursor(last.sort_key) }
      : { items };
  }
}

/** Every statement the store runs, compiled once. */
function prepareStatements(db: BetterSqlite3.Database) {
  return {
    insertSession: db.prepare(
      'INSERT INTO sessions (id, created_at, last_seen_at) VALUES (?, ?, ?)',
    ),
    selectSession: db.prepare(
      'SELECT id, created_at AS createdAt, last_seen_at AS lastSeenAt FROM sessions WHERE id = ?',
    ),
    touchSession: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    purgeSessions: db.prepare('DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?'),

    insertItem: db.prepare('INSERT INTO items (session_id, json) VALUES (?, ?)'),
    selectItems: db.prepare('SELECT json FROM items WHERE session_id = ? ORDER BY seq'),
    selectLastItems: db.prepare(
      `SELECT json FROM (SELECT seq, json FROM items WHERE session_id = ? ORDER BY seq DESC LIMIT ?)
       ORDER BY seq`,
    ),
    selectLastItem: db.prepare(
      'SELECT seq, json FROM items WHERE session_id = ? ORDER BY seq DESC LIMIT 1',
    ),
    deleteItem: db.prepare('DELETE FROM items WHERE seq = ?'),
    clearItems: db.prepare('DELETE FROM items WHERE session_id = ?'),
    countItems: db.prepare('SELECT count(*) FROM items WHERE session_id = ?'),

    insertMessage: db.prepare('INSERT INTO messages (session_id, json) VALUES (?, ?)'),
    selectMessages: db.prepare('SELECT json FROM messages WHERE session_id = ? ORDER BY seq'),

    upsertTicket: db.prepare(
      'INSERT OR REPLACE INTO tickets (id, session_id, sort_key, json) VALUES (?, ?, ?, ?)',
    ),
    countTickets: db.prepare('SELECT count(*) FROM tickets WHERE session_id = ?'),
    selectTicket: db.prepare('SELECT json FROM tickets WHERE id = ?'),
    ticketsFirstPage: db.prepare(
      'SELECT sort_key, json FROM tickets ORDER BY sort_key DESC LIMIT ?',
    ),
    ticketsAfter: db.prepare(
      'SELECT sort_key, json FROM tickets WHERE sort_key < ? ORDER BY sort_key DESC LIMIT ?',
    ),

    upsertFeedback: db.prepare(
      `INSERT INTO feedback (session_id, message_id, sort_key, json) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, message_id)
       DO UPDATE SET sort_key = excluded.sort_key, json = excluded.json`,
    ),
    feedbackFirstPage: db.prepare(
      'SELECT sort_key, json FROM feedback ORDER BY sort_key DESC LIMIT ?',
    ),
    feedbackAfter: db.prepare(
      'SELECT sort_key, json FROM feedback WHERE sort_key < ? ORDER BY sort_key DESC LIMIT ?',
    ),

    selectIdempotency: db.prepare(
      `SELECT request_hash, state, reply, written_at FROM idempotency
       WHERE session_id = ? AND key = ?`,
    ),
    startIdempotency: db.prepare(
      `INSERT OR REPLACE INTO idempotency (session_id, key, request_hash, state, reply, written_at)
       VALUES (?, ?, ?, 'running', NULL, ?)`,
    ),
    completeIdempotency: db.prepare(
      `UPDATE idempotency SET state = 'done', reply = ?, written_at = ?
       WHERE session_id = ? AND key = ?`,
    ),
    abandonIdempotency: db.prepare(
      `DELETE FROM idempotency WHERE session_id = ? AND key = ? AND state = 'running'`,
    ),
    purgeIdempotency: db.prepare('DELETE FROM idempotency WHERE written_at <= ?'),

    addUsage: db.prepare(
      `INSERT INTO session_usage (session_id, day, turns, tokens) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, day)
       DO UPDATE SET turns = turns + excluded.turns, tokens = tokens + excluded.tokens
       RETURNING turns, tokens`,
    ),
    selectUsage: db.prepare(
      'SELECT turns, tokens FROM session_usage WHERE session_id = ? AND day = ?',
    ),
    pruneUsage: db.prepare('DELETE FROM session_usage WHERE session_id = ? AND day < ?'),

    ping: db.prepare('SELECT 1'),
  };
}
