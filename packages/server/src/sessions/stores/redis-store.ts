import { randomUUID } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import type { HistoryMessage } from '@parley/shared';
import { Redis } from 'ioredis';
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
import { isSessionExpired } from './expiry.js';
import { clampPageSize, decodeCursor, encodeCursor, sortKey } from './paging.js';
import {
  abandonIdempotentScript,
  addUsageScript,
  beginIdempotentScript,
  completeIdempotentScript,
  type LuaScript,
  popScript,
  pushScript,
  releaseLockScript,
  saveFeedbackScript,
  saveTicketScript,
  touchScript,
} from './redis-scripts.js';

export const DEFAULT_REDIS_KEY_PREFIX = 'parley:';
/** How long `ready()` waits for the first connection by default. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5000;
/** How often failed turn-lock releases are retried while Redis is unreachable. */
const RELEASE_RETRY_MS = 500;
/** Length of the time part of a sort key plus its separator; the rest is the record's id. */
const SORT_KEY_ID_OFFSET = 16;

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL; ignored when `redis` is given. */
  url: string;
  clock: Clock;
  limits: StoreLimits;
  /** Default {@link DEFAULT_REDIS_KEY_PREFIX}; lets several deployments (or test runs) share a server. */
  keyPrefix?: string;
  /** An existing client to use instead of connecting to `url`; the caller keeps ownership. */
  redis?: Redis;
}

/** The five keys of one session; every write gives them the same remaining lifetime. */
interface SessionKeys {
  hash: string;
  items: string;
  messages: string;
  idempotency: string;
  usage: string;
}

/**
 * A store in Redis, for several server instances sharing sessions. Expiry is Redis's own: each
 * write gives all of a session's keys a PEXPIRE equal to the session's remaining lifetime, so
 * nothing needs sweeping. Reads also check the lifetime against the injected clock, so every
 * store agrees on when a session ends.
 *
 * Requests fail fast while Redis is unreachable (no offline queue, two retries) instead of
 * hanging a visitor's request; the client reconnects on its own.
 *
 * Keys (`p` = prefix): `p s:<id>` hash {createdAt, lastSeenAt}; `p s:<id>:items` and
 * `p s:<id>:msgs` lists of JSON; `p s:<id>:idem` hash of idempotency records; `p s:<id>:usage`
 * hash of usage counters (`<day>:turns`, `<day>:tokens`); `p lock:<id>` turn lock;
 * `p ticket:<id>` hash; `p tickets` sorted set (by lex of sort key); `p tickets:session:<id>`
 * set of ticket ids; `p feedback` sorted set plus `p feedback:records` and `p feedback:members`.
 *
 * @example
 * const store = new RedisStore({ url: 'redis://localhost:6379', clock: systemClock, limits });
 * await store.ready();
 */
export class RedisStore implements ParleyStore {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  readonly #clock: Clock;
  readonly #limits: StoreLimits;
  readonly #prefix: string;
  readonly #url: string;
  #lastError: Error | undefined;
  #closed = false;
  /** Turn locks whose release failed while Redis was unreachable: key → owner and expiry. */
  readonly #unreleased = new Map<string, { owner: string; expiresAt: number }>();
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisStoreOptions) {
    this.#clock = options.clock;
    this.#limits = options.limits;
    this.#prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.#url = options.url;
    this.#ownsClient = options.redis === undefined;
    this.#redis =
      options.redis ??
      new Redis(options.url, {
        lazyConnect: false,
        // Fail a command after two reconnect attempts rather than queueing it indefinitely.
        maxRetriesPerRequest: 2,
        // Commands issued while disconnected fail at once: the HTTP layer answers 503 quickly.
        enableOfflineQueue: false,
        connectTimeout: DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      });
    // Without a listener ioredis prints every connection error; keep the last one for messages.
    this.#redis.on('error', (error: Error) => {
      this.#lastError = error;
    });
    // Registered first, so stale locks are freed before any visitor's command after a reconnect.
    this.#redis.on('ready', () => this.#retryReleases());
  }

  /**
   * Resolves once the client is connected; rejects naming the server (password hidden) when it
   * is not within `timeoutMs`. Commands fail until then because the offline queue is off.
   */
  async ready(timeoutMs = DEFAULT_REDIS_CONNECT_TIMEOUT_MS): Promise<void> {
    if (this.#redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#redis.off('ready', onReady);
        const cause = this.#lastError ? `: ${this.#lastError.message}` : '';
        reject(
          new Error(
            `Redis at ${redactUrl(this.#url)} did not answer within ${timeoutMs} ms${cause}`,
          ),
        );
      }, timeoutMs);
      this.#redis.once('ready', onReady);
    });
  }

  async createSession(id: string): Promise<SessionRecord> {
    const now = this.#clock.now();
    const keys = this.#sessionKeys(id);
    // A fresh session: anything left under this id (never expected, ids are random) goes first.
    await this.#exec(
      this.#redis
        .multi()
        .del(...allKeys(keys))
        .hset(keys.hash, 'createdAt', now, 'lastSeenAt', now)
        .pexpire(keys.hash, Math.min(this.#limits.sessionTtlMs, this.#limits.sessionMaxAgeMs)),
    );
    return { id, createdAt: now, lastSeenAt: now };
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const fields = await this.#redis.hmget(this.#sessionKeys(id).hash, 'createdAt', 'lastSeenAt');
    return this.#liveRecord(id, fields);
  }

  async touchSession(id: string): Promise<void> {
    await this.#sessionScript(touchScript, id, []);
  }

  async deleteSession(id: string): Promise<void> {
    await this.#redis.del(...allKeys(this.#sessionKeys(id)));
  }

  async getItems(sessionId: string, limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    const values = await this.#readList(sessionId, 'items', limit === undefined ? 0 : -limit);
    return values.map((value) => JSON.parse(value) as AgentInputItem);
  }

  async addItems(sessionId: string, items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) {
      if (!(await this.getSession(sessionId))) throw new SessionNotFoundError(sessionId);
      return;
    }
    await this.#push(
      sessionId,
      2,
      items.map((item) => JSON.stringify(item)),
    );
  }

  async popItem(sessionId: string): Promise<AgentInputItem | undefined> {
    const value = await this.#sessionScript(popScript, sessionId, []);
    return typeof value === 'string' ? (JSON.parse(value) as AgentInputItem) : undefined;
  }

  async clearItems(sessionId: string): Promise<void> {
    await this.#redis.del(this.#sessionKeys(sessionId).items);
  }

  async countItems(sessionId: string): Promise<number> {
    const keys = this.#sessionKeys(sessionId);
    const [fields, length] = await this.#exec(
      this.#redis.multi().hmget(keys.hash, 'createdAt', 'lastSeenAt').llen(keys.items),
    );
    return this.#liveRecord(sessionId, fields as (string | null)[]) ? (length as number) : 0;
  }

  async appendMessage(sessionId: string, message: HistoryMessage): Promise<void> {
    await this.#push(sessionId, 3, [JSON.stringify(message)]);
  }

  async getTranscript(sessionId: string): Promise<HistoryMessage[]> {
    const values = await this.#readList(sessionId, 'messages', 0);
    return values.map((value) => JSON.parse(value) as HistoryMessage);
  }

  async createTicket(ticket: Ticket): Promise<void> {
    await saveTicketScript.run(
      this.#redis,
      [
        this.#key(`ticket:${ticket.id}`),
        this.#key('tickets'),
        this.#ticketSetKey(ticket.sessionId),
      ],
      [
        JSON.stringify(ticket),
        sortKey(ticket.createdAt, ticket.id),
        ticket.sessionId,
        ticket.id,
        this.#key('tickets:session:'),
      ],
    );
  }

  async countTickets(sessionId: string): Promise<number> {
    return this.#redis.scard(this.#ticketSetKey(sessionId));
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    const json = await this.#redis.hget(this.#key(`ticket:${id}`), 'json');
    return json === null ? undefined : (JSON.parse(json) as Ticket);
  }

  async listTickets(options: { limit: number; cursor?: string }): Promise<Page<Ticket>> {
    return this.#page(this.#key('tickets'), options, async (members) => {
      const pipeline = this.#redis.pipeline();
      for (const member of members) {
        pipeline.hget(this.#key(`ticket:${member.slice(SORT_KEY_ID_OFFSET)}`), 'json');
      }
      return (await this.#exec(pipeline)) as (string | null)[];
    });
  }

  async saveFeedback(record: FeedbackRecord): Promise<void> {
    const identity = `${record.sessionId}\u0000${record.messageId}`;
    await saveFeedbackScript.run(
      this.#redis,
      [this.#key('feedback'), this.#key('feedback:records'), this.#key('feedback:members')],
      [identity, sortKey(record.createdAt, identity), JSON.stringify(record)],
    );
  }

  async listFeedback(options: { limit: number; cursor?: string }): Promise<Page<FeedbackRecord>> {
    return this.#page(this.#key('feedback'), options, (members) =>
      members.length === 0
        ? Promise.resolve([])
        : this.#redis.hmget(this.#key('feedback:records'), ...members),
    );
  }

  async beginIdempotent(
    sessionId: string,
    key: string,
    requestHash: string,
  ): Promise<IdempotencyOutcome> {
    const result = (await this.#sessionScript(beginIdempotentScript, sessionId, [
      key,
      requestHash,
      this.#limits.idempotencyTtlMs,
    ])) as [number, string?, (string | null)?];
    const [code, state, reply] = result;
    if (code === 0) throw new SessionNotFoundError(sessionId);
    if (code === 1) return { state: 'started' };
    if (state === 'conflict') return { state: 'conflict' };
    // A done record without its reply cannot be replayed; report it as still running.
    if (state === 'done' && typeof reply === 'string') {
      return { state: 'done', reply: JSON.parse(reply) as StoredReply };
    }
    return { state: 'running' };
  }

  async completeIdempotent(sessionId: string, key: string, reply: StoredReply): Promise<void> {
    await this.#sessionScript(completeIdempotentScript, sessionId, [key, JSON.stringify(reply)]);
  }

  async abandonIdempotent(sessionId: string, key: string): Promise<void> {
    await abandonIdempotentScript.run(
      this.#redis,
      [this.#sessionKeys(sessionId).idempotency],
      [key],
    );
  }

  async addUsage(sessionId: string, day: string, delta: UsageTotals): Promise<UsageTotals> {
    assertUsageDay(day);
    assertUsageDelta(delta);
    const result = (await this.#sessionScript(addUsageScript, sessionId, [
      day,
      delta.turns,
      delta.tokens,
      oldestKeptUsageDay(day),
    ])) as [number, number?, number?];
    const [code, turns, tokens] = result;
    // Best effort by contract: nothing to record against, and never a session brought back.
    if (code !== 1) return zeroUsage();
    return { turns: turns ?? 0, tokens: tokens ?? 0 };
  }

  async getUsage(sessionId: string, day: string): Promise<UsageTotals> {
    assertUsageDay(day);
    const keys = this.#sessionKeys(sessionId);
    // One MULTI, so the session check and the counters are read at the same instant.
    const [fields, counters] = await this.#exec(
      this.#redis
        .multi()
        .hmget(keys.hash, 'createdAt', 'lastSeenAt')
        .hmget(keys.usage, `${day}:turns`, `${day}:tokens`),
    );
    if (!this.#liveRecord(sessionId, fields as (string | null)[])) return zeroUsage();
    const [turns, tokens] = counters as (string | null)[];
    return { turns: Number(turns ?? 0), tokens: Number(tokens ?? 0) };
  }

  async tryLockTurn(sessionId: string, ttlMs: number): Promise<TurnLock | undefined> {
    const key = this.#key(`lock:${sessionId}`);
    const owner = randomUUID();
    // If Redis goes away mid-turn, the lock outlives the outage (a persistent Redis keeps it
    // through a restart) and the visitor would get 409 until it expires; so a release that
    // fails, or a SET whose answer was lost (it may have been applied), is retried once Redis is
    // back. Releasing only ever deletes this owner's lock. Wall time, like Redis's PX expiry.
    const releaseLater = (error: unknown) => {
      this.#unreleased.set(key, { owner, expiresAt: Date.now() + ttlMs });
      this.#retryReleases();
      return error;
    };
    let taken: string | null;
    try {
      taken = await this.#redis.set(key, owner, 'PX', ttlMs, 'NX');
    } catch (error) {
      throw releaseLater(error);
    }
    if (taken !== 'OK') return undefined;
    return {
      release: async () => {
        try {
          await releaseLockScript.run(this.#redis, [key], [owner]);
        } catch (error) {
          throw releaseLater(error);
        }
      },
    };
  }

  /**
   * Retries the lock releases that failed: at once when the connection is ready again, and every
   * half second meanwhile, until each succeeds, its lock expires, or the store closes.
   */
  #retryReleases(): void {
    if (this.#closed || this.#unreleased.size === 0) return;
    if (this.#redis.status === 'ready') {
      for (const [key, { owner, expiresAt }] of this.#unreleased) {
        if (Date.now() >= expiresAt) {
          this.#unreleased.delete(key);
          continue;
        }
        releaseLockScript.run(this.#redis, [key], [owner]).then(
          () => {
            if (this.#unreleased.get(key)?.owner === owner) this.#unreleased.delete(key);
          },
          () => {},
        );
      }
    }
    this.#retryTimer ??= setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retryReleases();
    }, RELEASE_RETRY_MS).unref();
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  /**
   * Returns 0: Redis deletes an ended session's keys itself, because every write sets their TTL
   * to the session's remaining lifetime. Idempotency records older than their retention stay in
   * their session's hash until the session's keys expire, but are ignored (and overwritten) by
   * `beginIdempotent`, so there is nothing left to sweep here.
   */
  async purgeExpired(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    if (!this.#ownsClient) return;
    try {
      await this.#redis.quit();
    } catch {
      // QUIT cannot be sent while disconnected; drop the socket and stop reconnecting instead.
      this.#redis.disconnect();
    }
  }

  #key(suffix: string): string {
    return `${this.#prefix}${suffix}`;
  }

  #sessionKeys(id: string): SessionKeys {
    const hash = this.#key(`s:${id}`);
    return {
      hash,
      items: `${hash}:items`,
      messages: `${hash}:msgs`,
      idempotency: `${hash}:idem`,
      usage: `${hash}:usage`,
    };
  }

  #ticketSetKey(sessionId: string): string {
    return this.#key(`tickets:session:${sessionId}`);
  }

  /** Runs a session script: the session's keys plus now, idle TTL and max age, then `args`. */
  #sessionScript(
    script: LuaScript,
    sessionId: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const keys = this.#sessionKeys(sessionId);
    return script.run(this.#redis, allKeys(keys), [
      this.#clock.now(),
      this.#limits.sessionTtlMs,
      this.#limits.sessionMaxAgeMs,
      ...args,
    ]);
  }

  /** Appends to list number `keyIndex` (1-based, in KEYS order) of a live session. */
  async #push(sessionId: string, keyIndex: 2 | 3, values: string[]): Promise<void> {
    const pushed = await this.#sessionScript(pushScript, sessionId, [keyIndex, ...values]);
    if (pushed !== 1) throw new SessionNotFoundError(sessionId);
  }

  /** A session list from index `start` (negative counts from the end), empty unless live. */
  async #readList(sessionId: string, list: 'items' | 'messages', start: number): Promise<string[]> {
    const keys = this.#sessionKeys(sessionId);
    // One MULTI, so the session check and the list are read at the same instant.
    const [fields, values] = await this.#exec(
      this.#redis.multi().hmget(keys.hash, 'createdAt', 'lastSeenAt').lrange(keys[list], start, -1),
    );
    return this.#liveRecord(sessionId, fields as (string | null)[]) ? (values as string[]) : [];
  }

  /** The session described by HMGET createdAt lastSeenAt, unless missing or ended by the clock. */
  #liveRecord(id: string, fields: (string | null)[]): SessionRecord | undefined {
    const [createdAt, lastSeenAt] = fields;
    if (createdAt == null || lastSeenAt == null) return undefined;
    const record = { id, createdAt: Number(createdAt), lastSeenAt: Number(lastSeenAt) };
    return isSessionExpired(record, this.#clock.now(), this.#limits) ? undefined : record;
  }

  /** Runs a MULTI or pipeline and returns its results, throwing the first command error. */
  async #exec(batch: ReturnType<Redis['multi']>): Promise<unknown[]> {
    const results = await batch.exec();
    if (!results) throw new Error('Redis transaction was aborted');
    return results.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  }

  /** One page of a lex-ordered index, newest first, resolving members to records with `load`. */
  async #page<T>(
    indexKey: string,
    options: { limit: number; cursor?: string },
    load: (members: string[]) => Promise<(string | null)[]>,
  ): Promise<Page<T>> {
    const size = clampPageSize(options.limit);
    const max = options.cursor === undefined ? '+' : `(${decodeCursor(options.cursor)}`;
    // One member more than asked tells whether there is a next page.
    const members = await this.#redis.zrevrangebylex(indexKey, max, '-', 'LIMIT', 0, size + 1);
    const pageMembers = members.slice(0, size);
    const values = await load(pageMembers);
    const items = values.flatMap((value) => (value === null ? [] : [JSON.parse(value) as T]));
    const last = pageMembers.at(-1);
    return members.length > size && last !== undefined
      ? { items, nextCursor: encodeCursor(last) }
      : { items };
  }
}

/** A session's keys in the order the session scripts take them as KEYS. */
function allKeys(keys: SessionKeys): string[] {
  return [keys.hash, keys.items, keys.messages, keys.idempotency, keys.usage];
}

/** The URL without its password, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured Redis URL';
  }
}
