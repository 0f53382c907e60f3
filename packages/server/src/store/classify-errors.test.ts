import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createScratchDatabase,
  describeWithPostgres,
  postgresTestUrl,
  type ScratchDatabase,
  terminateConnections,
} from '@parley/testkit/postgres';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { isStoreUnavailable, StoreUnavailableError } from '../errors.js';
import { isTransientDatabaseError } from './classify-errors.js';
import { openDatabase, pingDatabase } from './database.js';
import { openStore } from './store.js';

const withCode = (code: string, message = 'driver error') =>
  Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08001', 'cannot connect now'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now (starting up)'],
    ['53300', 'too many connections'],
    ['57014', 'statement timeout'],
    ['55P03', 'lock timeout'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
  ])('takes PostgreSQL %s (%s) for "unavailable"', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(true);
  });

  it('takes a database closed to connections (55000) for "unavailable", and the rest of 55000 not', () => {
    const closed = withCode('55000', 'database "parley" is not currently accepting connections');
    expect(isTransientDatabaseError(closed)).toBe(true);
    expect(isTransientDatabaseError(withCode('55000', 'cannot drop the current database'))).toBe(
      false,
    );
  });

  it.each([
    ['23505', 'unique violation'],
    ['23502', 'not null violation'],
    ['42P01', 'undefined table'],
    ['42703', 'undefined column'],
    ['22P02', 'invalid text representation'],
    ['57P04', 'database dropped'],
    ['53200', 'out of memory'],
  ])('takes PostgreSQL %s (%s) for a real error', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(false);
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
  ])('takes the socket error %s for "unavailable"', (code) => {
    expect(isTransientDatabaseError(withCode(code))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'Query read timeout',
    'Cannot use a pool after calling end on the pool',
    'The database connection is not open',
  ])('takes the driver message "%s" for "unavailable"', (message) => {
    expect(isTransientDatabaseError(new Error(message))).toBe(true);
  });

  it.each([
    ['SQLITE_BUSY', true],
    ['SQLITE_BUSY_SNAPSHOT', true],
    ['SQLITE_LOCKED', true],
    ['SQLITE_IOERR_WRITE', true],
    ['SQLITE_FULL', true],
    ['SQLITE_CANTOPEN', true],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', false],
    ['SQLITE_ERROR', false],
    ['SQLITE_MISMATCH', false],
  ])('takes SQLite %s for "unavailable": %s', (code, transient) => {
    expect(isTransientDatabaseError(new Sqlite.SqliteError('sqlite says no', code))).toBe(
      transient,
    );
  });

  it('takes anything that is not an error, or has no telling code, for a real error', () => {
    expect(isTransientDatabaseError('ECONNREFUSED')).toBe(false);
    expect(isTransientDatabaseError(undefined)).toBe(false);
    expect(isTransientDatabaseError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isTransientDatabaseError(new TypeError('x is not a function'))).toBe(false);
    expect(isTransientDatabaseError(withCode('SOMETHING_ELSE'))).toBe(false);
  });
});

describe('isStoreUnavailable', () => {
  it('finds a StoreUnavailableError among the causes of an error', () => {
    const outage = new StoreUnavailableError(withCode('ECONNRESET'));
    expect(isStoreUnavailable(outage)).toBe(true);
    expect(isStoreUnavailable(new Error('turn failed', { cause: outage }))).toBe(true);
    expect(isStoreUnavailable(withCode('ECONNRESET'))).toBe(false);
    expect(isStoreUnavailable(new Error('bug'))).toBe(false);
    // The driver's own error stays available for the logs.
    expect(outage.cause).toMatchObject({ code: 'ECONNRESET' });
    expect(outage.message).toMatch(/^Store unavailable: /);
  });
});

describe('the store over SQLite', () => {
  it('reports a store that was closed as unavailable (a request racing a shutdown)', async () => {
    const store = await openStore(
      { kind: 'memory' },
      { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
    );
    await store.close();
    await expect(store.conversations.get('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    // Closing again is harmless.
    await store.close();
  });

  it('reports a constraint violation as itself, not as an outage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-classify-'));
    try {
      const store = await openStore(
        { kind: 'sqlite', path: join(dir, 'parley.db') },
        { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
      );
      await store.conversations.create('s1');
      const duplicate = await store.conversations.create('s1').catch((error: unknown) => error);
      expect(duplicate).not.toBeInstanceOf(StoreUnavailableError);
      expect(duplicate).toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describeWithPostgres('the store over PostgreSQL', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Migrated once with the default timeouts, so the short ones below only meet the test's own
    // statements.
    await (await open()).close();
  });
  afterAll(() => scratch?.drop());

  function open(postgres: Record<string, number> = {}, options: { migrate?: boolean } = {}) {
    return openStore(
      { kind: 'postgres', url: scratch.url },
      {
        clock: new ManualClock(),
        limits: TEST_STORE_LIMITS,
        postgres,
        migrate: options.migrate ?? true,
        onPoolError: () => {},
      },
    );
  }

  it('reports a server that refuses connections as unavailable', async () => {
    const url = new URL(postgresTestUrl);
    url.port = '1';
    const database = openDatabase(
      { kind: 'postgres', url: url.toString() },
      { postgres: { connectTimeoutMs: 1_000 } },
    );
    try {
      await expect(pingDatabase(database.db)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await database.close();
    }
  });

  it('reports a statement cut by the statement timeout as unavailable', async () => {
    const store = await open({ statementTimeoutMs: 100 }, { migrate: false });
    try {
      const slow = sql`select pg_sleep(2)`.execute(store.context.db);
      await expect(slow).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(slow.catch((error: Error) => error.cause)).resolves.toMatchObject({
        code: '57014',
      });
    } finally {
      await store.close();
    }
  });

  it('reports a write that waited too long for a row lock as unavailable', async () => {
    const store = await open({ lockTimeoutMs: 100 }, { migrate: false });
    const holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    try {
      await store.conversations.create('locked');
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM conversations WHERE id = 'locked' FOR UPDATE`);
      const append = store.log.append('locked', { role: 'user', text: 'hello' });
      await expect(append).rejects.toBeInstanceOf(StoreUnavailableError);
      await holder.query('ROLLBACK');
      // Once the lock is gone, the same write goes through.
      expect((await store.log.append('locked', { role: 'user', text: 'hello' })).seq).toBe(1);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('reports queries cut by a restart as unavailable, and carries on with new connections', async () => {
    const store = await open();
    try {
      await store.conversations.create('restart');
      const inFlight = sql`select pg_sleep(2)`.execute(store.context.db).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await terminateConnections(scratch.name);
      expect(await inFlight).toBeInstanceOf(StoreUnavailableError);
      // An idle connection may still be handed out before its end is noticed: that query fails
      // as unavailable too. Within a few queries the pool has new connections.
      const failures: unknown[] = [];
      let found: string | undefined;
      for (let attempt = 0; attempt < 5 && found === undefined; attempt++) {
        await store.conversations.get('restart').then(
          (conversation) => {
            found = conversation?.id;
          },
          (error: unknown) => failures.push(error),
        );
      }
      expect(found).toBe('restart');
      for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('reports a database closed to connections (ALLOW_CONNECTIONS false) as unavailable', async () => {
    const admin = new pg.Client({ connectionString: postgresTestUrl });
    await admin.connect();
    const database = openDatabase({ kind: 'postgres', url: scratch.url });
    try {
      await admin.query(`ALTER DATABASE "${scratch.name}" ALLOW_CONNECTIONS false`);
      await expect(pingDatabase(database.db)).rejects.toBeInstanceOf(StoreUnavailableError);
      await admin.query(`ALTER DATABASE "${scratch.name}" ALLOW_CONNECTIONS true`);
      await pingDatabase(database.db);
    } finally {
      await admin.query(`ALTER DATABASE "${scratch.name}" ALLOW_CONNECTIONS true`);
      await admin.end();
      await database.close();
    }
  });

  it('drops a connection cut off without a word (a partition), and goes on once the network is back', async () => {
    const proxy = await freezableProxy(new URL(scratch.url));
    const url = new URL(scratch.url);
    url.port = String(proxy.port);
    const store = await openStore(
      { kind: 'postgres', url: url.toString() },
      {
        clock: new ManualClock(),
        limits: TEST_STORE_LIMITS,
        // One connection, so the next query must get the cut one again unless it was dropped.
        postgres: { poolSize: 1, statementTimeoutMs: 300 },
        migrate: false,
        onPoolError: () => {},
      },
    );
    try {
      expect(await store.conversations.get('none')).toBeUndefined();
      await store.conversations.create('frozen');
      proxy.freezeOpenConnections();
      // Inside a transaction too (the rollback meets the ended connection).
      await expect(
        store.log.append('frozen', { role: 'user', text: 'hello' }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      // The network is back for new connections: the next query gets one, not the frozen one.
      const started = Date.now();
      expect(await store.conversations.get('none')).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
      proxy.close();
    }
  });

  it('reports a connection cut while a transaction holds it as unavailable, without crashing', async () => {
    const store = await open();
    // Errors nobody handles end the process; the monitor only watches, so the test can say so.
    const uncaught: Error[] = [];
    const monitor = (error: Error) => uncaught.push(error);
    process.on('uncaughtExceptionMonitor', monitor);
    try {
      const transaction = store.context.db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          // The connection is checked out but idle, as between two statements of a transaction.
          await terminateConnections(scratch.name);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await sql`select 1`.execute(trx);
        })
        .catch((error: unknown) => error);
      expect(await transaction).toBeInstanceOf(StoreUnavailableError);
      expect(uncaught).toEqual([]);
      // And the store carries on with new connections.
      await store.conversations.create('after-cut').catch(() => {});
      expect((await store.conversations.get('after-cut'))?.id).toBe('after-cut');
    } finally {
      process.off('uncaughtExceptionMonitor', monitor);
      await store.close();
    }
  });

  it('reports a store that was closed as unavailable (a request racing a shutdown)', async () => {
    const store = await open();
    await store.ping();
    await store.close();
    await expect(store.conversations.get('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('reports a constraint violation as itself, not as an outage', async () => {
    const store = await open();
    try {
      await store.conversations.create('twice');
      const duplicate = await store.conversations.create('twice').catch((error: unknown) => error);
      expect(duplicate).not.toBeInstanceOf(StoreUnavailableError);
      expect(duplicate).toMatchObject({ code: '23505' });
    } finally {
      await store.close();
    }
  });
});

/**
 * A TCP proxy to PostgreSQL whose open connections can be frozen: no byte passes either way and
 * nothing is closed, as in a network partition. New connections go through.
 */
async function freezableProxy(target: URL) {
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  const frozen: net.Socket[] = [];
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { client, server };
    pairs.add(pair);
    client.pipe(server);
    server.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    for (const socket of [client, server]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as net.AddressInfo).port,
    freezeOpenConnections(): void {
      for (const { client, server } of pairs) {
        client.unpipe(server);
        server.unpipe(client);
        client.pause();
        server.pause();
        frozen.push(client, server);
      }
      pairs.clear();
    },
    close(): void {
      for (const socket of frozen) socket.destroy();
      for (const { client, server } of pairs) {
        client.destroy();
        server.destroy();
      }
      proxy.close();
    },
  };
}
