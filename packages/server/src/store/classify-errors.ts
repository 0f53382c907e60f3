import type { DatabaseConnection, Dialect, Driver } from 'kysely';
import { StoreUnavailableError } from '../errors.js';

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": the connection classes (08…),
 * shutdowns and restarts (57P01-57P03), too many connections (53300), statement and lock timeouts
 * (57014, 55P03), serialization failures and deadlocks (40001, 40P01); and a database closed to
 * connections (55000, by its message).
 */
const POSTGRES_TRANSIENT = /^(08|57P0[1-3]$|53300$|57014$|55P03$|40001$|40P01$)/;
/** 55000 is a broad class; only this message of it means "no connections now". */
const NOT_ACCEPTING_CONNECTIONS = /is not currently accepting connections/;
/** Node socket errors, and pg's own messages for a pool that cannot connect or lost its socket. */
const NODE_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Query read timeout',
  // A connection ended after a read timeout, asked to roll back its transaction.
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];
/** SQLite: another writer holds the database, or the disk failed us. */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;

/** Whether a driver error means the database is unavailable (retry later) rather than a bug. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (POSTGRES_TRANSIENT.test(code) || NODE_TRANSIENT.has(code) || SQLITE_TRANSIENT.test(code))
      return true;
    // `ALTER DATABASE … ALLOW_CONNECTIONS false`, as a maintenance window does it.
    if (code === '55000' && NOT_ACCEPTING_CONNECTIONS.test(error.message)) return true;
  }
  if (PG_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  // better-sqlite3 after the database was closed (a shutdown racing a request).
  return error.message === 'The database connection is not open';
}

function classify(error: unknown): unknown {
  return isTransientDatabaseError(error) ? new StoreUnavailableError(error) : error;
}

async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classify(error);
  }
}

/**
 * The dialect with every driver failure that means "the database is unavailable" turned into a
 * {@link StoreUnavailableError}, so the rest of Parley recognises outages by type. It wraps the
 * driver (connecting, transactions) and each connection's queries; everything else passes through.
 */
export function classifyingDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => classifyingDriver(dialect.createDriver()),
  };
}

function classifyingDriver(driver: Driver): Driver {
  // Connections handed out are wrappers; the inner driver gets its own connection object back.
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  return {
    init: (options) => classified(() => driver.init(options)),
    async acquireConnection(options) {
      const connection = await classified(() => driver.acquireConnection(options));
      const wrapped: DatabaseConnection = {
        executeQuery: (query, queryOptions) =>
          classified(() => connection.executeQuery(query, queryOptions)),
        streamQuery: (query, chunkSize, queryOptions) =>
          connection.streamQuery(query, chunkSize, queryOptions),
      };
      inner.set(wrapped, connection);
      return wrapped;
    },
    beginTransaction: (connection, settings) =>
      classified(() => driver.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) =>
      classified(() => driver.commitTransaction(unwrap(connection))),
    rollbackTransaction: (connection) =>
      classified(() => driver.rollbackTransaction(unwrap(connection))),
    releaseConnection: (connection, options) =>
      driver.releaseConnection(unwrap(connection), options),
    destroy: (options) => driver.destroy(options),
  };
}
