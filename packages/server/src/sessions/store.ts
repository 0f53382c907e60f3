import type { AgentInputItem } from '@openai/agents';
import type { ChatReply, FeedbackRequest, HistoryMessage } from '@parley/shared';

/** Which backend a store is; reported by `/healthz`. */
export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** A visitor's session. Times are epoch milliseconds from the injected clock. */
export interface SessionRecord {
  id: string;
  createdAt: number;
  lastSeenAt: number;
}

export type TicketPriority = 'low' | 'medium' | 'high' | 'urgent';

/** A support ticket opened by the agent, with the conversation as it stood. */
export interface Ticket {
  id: string;
  sessionId: string;
  subject: string;
  description: string;
  priority: TicketPriority;
  /** ISO 8601. */
  createdAt: string;
  transcript: HistoryMessage[];
}

export interface FeedbackRecord extends FeedbackRequest {
  sessionId: string;
  /** ISO 8601. */
  createdAt: string;
}

/** The answer of a completed turn, kept so a retried request returns it without running the agent. */
export type StoredReply = Omit<ChatReply, 'sessionToken'>;

/**
 * What `beginIdempotent` found for a key:
 * - `started`: no record; one was created in state "running" and the caller runs the turn;
 * - `running`: another request with this key is running now (→ 409 `turn_in_progress`);
 * - `done`: the turn completed before; `reply` is what it answered;
 * - `conflict`: the key was used with a different request body (→ 422 `idempotency_conflict`).
 */
export type IdempotencyOutcome =
  | { state: 'started' }
  | { state: 'running' }
  | { state: 'done'; reply: StoredReply }
  | { state: 'conflict' };

/** A held per-session turn lock; `release` is safe to call twice and never frees someone else's lock. */
export interface TurnLock {
  release(): Promise<void>;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** What one session used on one UTC day. */
export interface UsageTotals {
  /** Completed turns (one per visitor message answered by the model). */
  turns: number;
  /** Model tokens, input and output, as the Agents SDK's run usage counts them. */
  tokens: number;
}

/** Lifetimes every store enforces; all in milliseconds. */
export interface StoreLimits {
  /** A session unused for this long is gone (idle TTL). */
  sessionTtlMs: number;
  /** A session older than this is gone however busy it is (absolute maximum age). */
  sessionMaxAgeMs: number;
  /** How long idempotency records of completed turns are kept. */
  idempotencyTtlMs: number;
}

/**
 * Everything Parley persists, behind one interface with one implementation per backend (memory,
 * SQLite, Redis). The same contract test suite runs against each. Model items (everything the
 * Agents SDK needs to continue a conversation, tool calls included) and the display transcript are
 * kept apart: the model gets a bounded window of items, while history shows every message.
 *
 * Reads of an expired or deleted session behave exactly as if it had never existed.
 */
export interface ParleyStore {
  readonly kind: StoreKind;

  // Sessions
  createSession(id: string): Promise<SessionRecord>;
  /** The live session, or undefined when unknown, expired (idle or absolute) or deleted. */
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Marks the session used now, extending its idle TTL. */
  touchSession(id: string): Promise<void>;
  /**
   * Erases items, transcript, idempotency records and usage counters; the id can never be used
   * again. Tickets stay.
   */
  deleteSession(id: string): Promise<void>;

  // Model items (the Agents SDK Session's storage)
  /** The most recent `limit` items (all when omitted), oldest first. */
  getItems(sessionId: string, limit?: number): Promise<AgentInputItem[]>;
  addItems(sessionId: string, items: AgentInputItem[]): Promise<void>;
  popItem(sessionId: string): Promise<AgentInputItem | undefined>;
  clearItems(sessionId: string): Promise<void>;
  countItems(sessionId: string): Promise<number>;

  // Display transcript
  appendMessage(sessionId: string, message: HistoryMessage): Promise<void>;
  getTranscript(sessionId: string): Promise<HistoryMessage[]>;

  // Tickets
  createTicket(ticket: Ticket): Promise<void>;
  countTickets(sessionId: string): Promise<number>;
  getTicket(id: string): Promise<Ticket | undefined>;
  /** Newest first. */
  listTickets(options: { limit: number; cursor?: string }): Promise<Page<Ticket>>;

  // Feedback
  /** Stores or replaces the visitor's rating of one message. */
  saveFeedback(record: FeedbackRecord): Promise<void>;
  /** Newest first. */
  listFeedback(options: { limit: number; cursor?: string }): Promise<Page<FeedbackRecord>>;

  // Idempotency (scoped per session; `requestHash` identifies the body)
  beginIdempotent(sessionId: string, key: string, requestHash: string): Promise<IdempotencyOutcome>;
  completeIdempotent(sessionId: string, key: string, reply: StoredReply): Promise<void>;
  /** Forgets a running record whose turn failed, so the same key may be retried. */
  abandonIdempotent(sessionId: string, key: string): Promise<void>;

  // Usage counters (per session, per UTC day; the turn budget reads and writes them)
  /**
   * Adds `delta` to the session's counters for `day` ('YYYY-MM-DD', UTC) in one atomic step and
   * returns the new totals for that day. Counters belong to the session: they go with it when it
   * is deleted or expires. Writing day D may forget days before D - 6 (`USAGE_DAYS_KEPT`). Does
   * not touch the session: its idle TTL is unchanged.
   *
   * Unlike the other writes, a session that is unknown, expired or deleted is not an error:
   * nothing is recorded (no session is brought back) and zeros are returned. Usage is recorded
   * after a turn has already answered, best effort, and the visitor deleting their data mid-turn
   * must not turn that answer into a failure.
   *
   * @throws RangeError for a `day` that is not a calendar date, or a negative or fractional delta.
   */
  addUsage(sessionId: string, day: string, delta: UsageTotals): Promise<UsageTotals>;
  /** The session's totals for `day`; zeros when none, or when the session is not live. */
  getUsage(sessionId: string, day: string): Promise<UsageTotals>;

  // One turn at a time per session
  /** Takes the session's turn lock, or returns undefined when another turn holds it. */
  tryLockTurn(sessionId: string, ttlMs: number): Promise<TurnLock | undefined>;

  // Lifecycle
  /** Throws when the backend cannot be reached (used by `/readyz`). */
  ping(): Promise<void>;
  /** Deletes expired data now; stores also do this on their own schedule. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}
