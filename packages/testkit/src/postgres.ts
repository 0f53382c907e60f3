import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeWithService, within } from './services.js';

/**
 * The PostgreSQL server the tests use (PARLEY_TEST_POSTGRES_URL, default the local one with trust
 * auth). Tests never touch its databases: each run creates scratch databases and drops them.
 */
export const postgresTestUrl =
  process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether PostgreSQL answers within 1 s. Never throws. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresTestUrl,
    connectionTimeoutMillis: 1000,
  });
  client.on('error', () => {});
  const probe = client
    .connect()
    .then(() => client.query('select 1'))
    .then(() => true)
    .catch(() => false);
  try {
    return await within(1_000, probe, false);
  } finally {
    client.end().catch(() => {});
  }
}

/**
 * `describe` for suites that need a real PostgreSQL; skipped without one, failing instead when
 * PARLEY_REQUIRE_POSTGRES=1 (as in CI).
 */
export function describeWithPostgres(name: string, fn: () => void): Promise<void> {
  return describeWithService(
    {
      name: 'PostgreSQL',
      available: postgresAvailable,
      require: 'PARLEY_REQUIRE_POSTGRES',
      where: postgresTestUrl,
      hint: 'Start PostgreSQL or set PARLEY_TEST_POSTGRES_URL; CI sets PARLEY_REQUIRE_POSTGRES=1.',
    },
    name,
    fn,
  );
}

/** A database of its own for one test suite, dropped (with its connections) afterwards. */
export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresTestUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database named `parley_test_<random>` on the test server.
 *
 * @example
 * const scratch = await createScratchDatabase();
 * const store = await openStore({ kind: 'postgres', url: scratch.url }, …);
 * afterAll(() => scratch.drop());
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresTestUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => {},
      ),
  };
}

/** Ends every connection to a database, as a PostgreSQL restart or an operator would. */
export async function terminateConnections(database: string): Promise<number> {
  return admin(async (client) => {
    const result = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return result.rowCount ?? 0;
  });
}
