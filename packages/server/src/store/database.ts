import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { classifyingDialect } from './classify-errors.js';
import type { Tables } from './schema.js';
import type { StoreSpec } from './store-spec.js';

/** The SQL dialects the store speaks; `memory` is SQLite in memory. */
export type SqlDialect = 'sqlite' | 'postgres';

/** PostgreSQL connection settings (`PARLEY_PG_*`). */
export interface PostgresOptions {
  /** Connections per instance. */
  poolSize: number;
  /** A statement running longer is cancelled: a stuck database cannot hold a turn forever. */
  statementTimeoutMs: number;
  /** Waiting longer for a row or table lock is an error. */
  lockTimeoutMs: number;
  /**
   * Giving up on a connection: opening one, or waiting for a free one in the pool (node-postgres
   * uses one setting for both), after which the request is answered with a retryable 503.
   */
  connectTimeoutMs: number;
}

export const DEFAULT_POSTGRES_OPTIONS: PostgresOptions = {
  poolSize: 10,
  statementTimeoutMs: 10_000,
  lockTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
};

/**
 * An open database: the typed query builder and which dialect it speaks. `close` closes the
 * connections underneath rather than destroying Kysely, so a query that races a shutdown fails
 * with the driver's "closed" error, which is classified as the store being unavailable (a
 * retryable 503), not with Kysely's plain "driver has already been destroyed".
 */
export interface Database {
  db: Kysely<Tables>;
  dialect: SqlDialect;
  /** What `/healthz` reports. */
  kind: StoreSpec['kind'];
  close(): Promise<void>;
}

// PostgreSQL's bigint (int8) arrives as a string by default; Parley's bigints are epoch
// milliseconds and counters, far below 2^53, so they are read as numbers. Per pool, not global.
const INT8_OID = 20;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format),
};

/**
 * Ends a pooled connection whose query timed out on the client side. Such a connection is still
 * waiting for the answer to that query: after a network cut (packets dropped, nothing closed) it
 * may wait for good, and every later query on it waits behind, so the pool, handing it out again,
 * would answer each request with a timeout long after the database is back. Ended, it is dropped
 * when released and the pool opens a new one.
 */
function endAfterReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') {
          client.end().catch(() => {});
        }
      });
    }
    return result;
  };
}

/**
 * Opens the database a {@link StoreSpec} names. SQLite runs in WAL mode with a busy timeout, so
 * readers never wait for the writer and a short write lock is waited out instead of failing.
 * PostgreSQL gets a pool with statement, lock and idle-transaction timeouts; a pool that loses its
 * connections (a restart, `pg_terminate_backend`) makes new ones on the next query.
 *
 * @example
 * const { db } = openDatabase({ kind: 'memory' });
 */
export function openDatabase(
  spec: StoreSpec,
  options: { postgres?: Partial<PostgresOptions>; onPoolError?: (error: Error) => void } = {},
): Database {
  if (spec.kind === 'postgres') {
    const settings = { ...DEFAULT_POSTGRES_OPTIONS, ...options.postgres };
    const pool = new pg.Pool({
      connectionString: spec.url,
      max: settings.poolSize,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      lock_timeout: settings.lockTimeoutMs,
      idle_in_transaction_session_timeout: settings.statementTimeoutMs * 2,
      // The client gives up a little after the server would have cancelled the statement.
      query_timeout: settings.statementTimeoutMs + 2_000,
      // The operating system probes an idle connection, so one cut off without a word (a network
      // partition drops packets, it closes nothing) is noticed and closed eventually.
      keepAlive: true,
      types,
    });
    // An idle connection the server closed (restart, terminate) is reported here; without a
    // listener that report would crash the process. The pool replaces it on the next query.
    pool.on('error', (error) => options.onPoolError?.(error));
    // The pool only listens while a connection is idle. One lost while checked out (mid-query, or
    // between the statements of a transaction) emits 'error' too, and unheard that would crash the
    // process as well; its query fails instead (→ StoreUnavailableError), and the pool drops it
    // when it is released.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      endAfterReadTimeout(client);
    });
    const db = new Kysely<Tables>({ dialect: classifyingDialect(new PostgresDialect({ pool })) });
    let ended: Promise<void> | undefined;
    return { db, dialect: 'postgres', kind: 'postgres', close: () => (ended ??= pool.end()) };
  }
  const file = spec.kind === 'sqlite' ? spec.path : ':memory:';
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({
    dialect: classifyingDialect(new SqliteDialect({ database: withStatementCache(sqlite) })),
  });
  return {
    db,
    dialect: 'sqlite',
    kind: spec.kind,
    close: async () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Statements kept prepared per SQLite database; Parley's queries are a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The SQLite database as Kysely's driver sees it, with its statements prepared once: the driver
 * prepares every query again, and preparing costs as much as running a small one. The query
 * builder's SQL text (values are parameters) is the cache key. A statement is only used by one
 * query at a time, since better-sqlite3 runs each to completion synchronously.
 */
function withStatementCache(sqlite: Sqlite.Database): Sqlite.Database {
  const cache = new Map<string, Sqlite.Statement>();
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = target.prepare(source);
          if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** Throws when the database does not answer (used by `/readyz`). */
export async function pingDatabase(db: Kysely<Tables>): Promise<void> {
  await sql`select 1`.execute(db);
}
