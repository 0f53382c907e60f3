import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Tables } from '../store/schema.js';
import { type BusMessage, BusSubscribers, type EventBus } from './event-bus.js';

/** The notification channel; every instance listens on it. */
export const POSTGRES_CHANNEL = 'parley_events';
/** PostgreSQL refuses notification payloads of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7_900;
const RECONNECT_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * The bus over PostgreSQL LISTEN/NOTIFY. Publishing is `pg_notify` through the store's pool
 * (delivered at commit, to every listener, this instance's too). Listening needs one connection of
 * its own, outside the pool: it is reopened with backoff whenever it drops (a restart,
 * `pg_terminate_backend`), and each reconnect is announced as `resync`, since notifications sent
 * meanwhile are lost.
 */
export function postgresBus(options: {
  url: string;
  db: Kysely<Tables>;
  onError?: (error: Error) => void;
}): EventBus & { ready(): Promise<void>; listening(): boolean } {
  const subscribers = new BusSubscribers();
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let connected: Promise<void> | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (notification) => {
      if (notification.channel !== POSTGRES_CHANNEL || !notification.payload) return;
      try {
        subscribers.deliver(JSON.parse(notification.payload) as BusMessage);
      } catch {
        // Not ours, or not JSON: ignore.
      }
    });
    next.on('error', (error) => {
      options.onError?.(error);
      reconnect(next);
    });
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN ${POSTGRES_CHANNEL}`);
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    if (attempt > 0) subscribers.deliver({ type: 'resync' });
    attempt = 0;
  };

  const reconnect = (dropped: pg.Client) => {
    if (closed || client !== dropped) return;
    client = undefined;
    dropped.end().catch(() => {});
    const retry = () => {
      if (closed) return;
      const delay = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)] ?? 5_000;
      attempt++;
      setTimeout(() => {
        connected = connect().catch((error: Error) => {
          options.onError?.(error);
          retry();
        });
      }, delay).unref();
    };
    retry();
  };

  connected = connect();

  return {
    ready: () => connected ?? Promise.resolve(),
    /** Whether the LISTEN connection is up; while it reconnects, other instances' events are missed. */
    listening: () => client !== undefined,
    async publish(message) {
      const payload = JSON.stringify(message);
      if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
        throw new RangeError(`Bus message of ${payload.length} characters is too large to notify`);
      }
      await sql`select pg_notify(${POSTGRES_CHANNEL}, ${payload})`.execute(options.db);
    },
    subscribe: (handler) => subscribers.add(handler),
    async close() {
      closed = true;
      subscribers.clear();
      await client?.end().catch(() => {});
    },
  };
}
