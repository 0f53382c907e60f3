import type { AgentInputItem } from '@openai/agents';
import type { HistoryMessage } from '@parley/shared';
import { LRUCache } from 'lru-cache';
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
import { NewestFirstIndex } from './newest-first-index.js';
import { sortKey } from './paging.js';

/** Default bound on live sessions; the least recently used one is dropped beyond it. */
export const DEFAULT_MAX_MEMORY_SESSIONS = 10_000;
/** Tickets and feedback records kept in memory (newest win). */
export const MEMORY_RECORD_CAP = 10_000;

export interface MemoryStoreOptions {
  clock: Clock;
  limits: StoreLimits;
  /** Default {@link DEFAULT_MAX_MEMORY_SESSIONS}. */
  maxSessions?: number;
}

interface IdempotencyRecord {
  requestHash: string;
  state: 'running' | 'done';
  reply?: StoredReply;
  /** When it was begun or completed; retention counts from here. */
  writtenAt: number;
}

/** Everything about one session lives here, so evicting or deleting the entry frees all of it. */
interface SessionEntry {
  record: SessionRecord;
  items: AgentInputItem[];
  transcript: HistoryMessage[];
  idempotency: Map<string, IdempotencyRecord>;
  /** Usage counters by UTC day ('YYYY-MM-DD'). */
  usage: Map<string, UsageTotals>;
}

/**
 * A store in process memory for development, tests and single-instance demos: nothing survives a
 * restart. Sessions are bounded by count (least recently used evicted) and expire by the injected
 * clock, checked on every read, so tests can move time without waiting.
 *
 * Values are copied in and out (`structuredClone`) so callers can never mutate stored history,
 * matching the serialising stores.
 *
 * @example
 * const store = new MemoryStore({ clock: systemClock, limits, maxSessions: 1000 });
 */
export class MemoryStore implements ParleyStore {
  readonly kind = 'memory';
  readonly #clock: Clock;
  readonly #limits: StoreLimits;
  readonly #sessions: LRUCache<string, SessionEntry>;
  readonly #tickets = new NewestFirstIndex<Ticket>(MEMORY_RECORD_CAP);
  readonly #feedback = new NewestFirstIndex<FeedbackRecord>(MEMORY_RECORD_CAP);
  readonly #locks: LocalTurnLocks;

  constructor(options: MemoryStoreOptions) {
    this.#clock = options.clock;
    this.#limits = options.limits;
    // No lru-cache TTL: it would expire by wall-clock time, not by the injected clock.
    this.#sessions = new LRUCache({ max: options.maxSessions ?? DEFAULT_MAX_MEMORY_SESSIONS });
    this.#locks = new LocalTurnLocks(options.clock);
  }

  /** Sessions held right now, expired ones not yet purged included; for metrics and tests. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  async createSession(id: string): Promise<SessionRecord> {
    const now = this.#clock.now();
    const record = { id, createdAt: now, lastSeenAt: now };
    this.#sessions.set(id, {
      record,
      items: [],
      transcript: [],
      idempotency: new Map(),
      usage: new Map(),
    });
    return { ...record };
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const entry = this.#live(id);
    return entry ? { ...entry.record } : undefined;
  }

  async touchSession(id: string): Promise<void> {
    const entry = this.#live(id);
    if (entry) entry.record.lastSeenAt = this.#clock.now();
  }

  async deleteSession(id: string): Promise<void> {
    this.#sessions.delete(id);
  }

  async getItems(sessionId: string, limit?: number): Promise<AgentInputItem[]> {
    const items = this.#live(sessionId)?.items ?? [];
    return structuredClone(limit === undefined ? items : lastN(items, limit));
  }

  async addItems(sessionId: string, items: AgentInputItem[]): Promise<void> {
    this.#require(sessionId).items.push(...structuredClone(items));
  }

  async popItem(sessionId: string): Promise<AgentInputItem | undefined> {
    return this.#live(sessionId)?.items.pop();
  }

  async clearItems(sessionId: string): Promise<void> {
    const entry = this.#live(sessionId);
    if (entry) entry.items = [];
  }

  async countItems(sessionId: string): Promise<number> {
    return this.#live(sessionId)?.items.length ?? 0;
  }

  async appendMessage(sessionId: string, message: HistoryMessage): Promise<void> {
    this.#require(sessionId).transcript.push(structuredClone(message));
  }

  async getTranscript(sessionId: string): Promise<HistoryMessage[]> {
    return structuredClone(this.#live(sessionId)?.transcript ?? []);
  }

  async createTicket(ticket: Ticket): Promise<void> {
    this.#tickets.set(ticket.id, sortKey(ticket.createdAt, ticket.id), structuredClone(ticket));
  }

  async countTickets(sessionId: string): Promise<number> {
    let count = 0;
    for (const ticket of this.#tickets.values()) if (ticket.sessionId === sessionId) count++;
    return count;
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    return structuredClone(this.#tickets.get(id));
  }

  async listTickets(options: { limit: number; cursor?: string }): Promise<Page<Ticket>> {
    return structuredClone(this.#tickets.page(options.limit, options.cursor));
  }

  async saveFeedback(record: FeedbackRecord): Promise<void> {
    const id = feedbackId(record);
    this.#feedback.set(id, sortKey(record.createdAt, id), structuredClone(record));
  }

  async listFeedback(options: { limit: number; cursor?: string }): Promise<Page<FeedbackRecord>> {
    return structuredClone(this.#feedback.page(options.limit, options.cursor));
  }

  async beginIdempotent(
    sessionId: string,
    key: string,
    requestHash: string,
  ): Promise<IdempotencyOutcome> {
    const entry = this.#require(sessionId);
    const now = this.#clock.now();
    const existing = entry.idempotency.get(key);
    if (existing && !isIdempotencyExpired(existing.writtenAt, now, this.#limits)) {
      if (existing.requestHash !== requestHash) return { state: 'conflict' };
      if (existing.state === 'running' || !existing.reply) return { state: 'running' };
      return { state: 'done', reply: structuredClone(existing.reply) };
    }
    entry.idempotency.set(key, { requestHash, state: 'running', writtenAt: now });
    return { state: 'started' };
  }

  async completeIdempotent(sessionId: string, key: string, reply: StoredReply): Promise<void> {
    const record = this.#live(sessionId)?.idempotency.get(key);
    if (!record) return;
    record.state = 'done';
    record.reply = structuredClone(reply);
    record.writtenAt = this.#clock.now();
  }

  async abandonIdempotent(sessionId: string, key: string): Promise<void> {
    const entry = this.#live(sessionId);
    if (entry?.idempotency.get(key)?.state === 'running') entry.idempotency.delete(key);
  }

  async addUsage(sessionId: string, day: string, delta: UsageTotals): Promise<UsageTotals> {
    assertUsageDay(day);
    assertUsageDelta(delta);
    const entry = this.#live(sessionId);
    // Best effort by contract: nothing to record against, and never a session brought back.
    if (!entry) return zeroUsage();
    const oldest = oldestKeptUsageDay(day);
    for (const kept of entry.usage.keys()) if (kept < oldest) entry.usage.delete(kept);
    const current = entry.usage.get(day) ?? zeroUsage();
    const totals = { turns: current.turns + delta.turns, tokens: current.tokens + delta.tokens };
    entry.usage.set(day, totals);
    return { ...totals };
  }

  async getUsage(sessionId: string, day: string): Promise<UsageTotals> {
    assertUsageDay(day);
    const totals = this.#live(sessionId)?.usage.get(day);
    return totals ? { ...totals } : zeroUsage();
  }

  async tryLockTurn(sessionId: string, ttlMs: number): Promise<TurnLock | undefined> {
    return this.#locks.tryLock(sessionId, ttlMs);
  }

  async ping(): Promise<void> {}

  async purgeExpired(): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    // Collected first: deleting while iterating an LRUCache is not allowed.
    const expired: string[] = [];
    for (const [id, entry] of this.#sessions.entries()) {
      if (isSessionExpired(entry.record, now, this.#limits)) {
        expired.push(id);
        continue;
      }
      for (const [key, record] of entry.idempotency) {
        if (isIdempotencyExpired(record.writtenAt, now, this.#limits)) {
          entry.idempotency.delete(key);
          removed++;
        }
      }
    }
    for (const id of expired) this.#sessions.delete(id);
    this.#locks.purgeExpired();
    return removed + expired.length;
  }

  async close(): Promise<void> {
    this.#sessions.clear();
    this.#locks.clear();
  }

  /** The live entry (refreshing its LRU position), dropping it if the clock says it expired. */
  #live(id: string): SessionEntry | undefined {
    const entry = this.#sessions.get(id);
    if (entry && isSessionExpired(entry.record, this.#clock.now(), this.#limits)) {
      this.#sessions.delete(id);
      return undefined;
    }
    return entry;
  }

  #require(id: string): SessionEntry {
    const entry = this.#live(id);
    if (!entry) throw new SessionNotFoundError(id);
    return entry;
  }
}

function lastN<T>(values: T[], limit: number): T[] {
  return limit <= 0 ? [] : values.slice(-limit);
}

/** Feedback is unique per session and message. */
function feedbackId(record: FeedbackRecord): string {
  return `${record.sessionId}\u0000${record.messageId}`;
}
