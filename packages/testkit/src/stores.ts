import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  ManualClock,
  openStore,
  type Store,
  type StoreLimits,
  type StoreSpec,
} from '@parley/server';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createScratchDatabase, describeWithPostgres, type ScratchDatabase } from './postgres.js';

export const TEST_STORE_LIMITS: StoreLimits = {
  sessionTtlMs: 24 * 3_600_000,
  sessionMaxAgeMs: 30 * 86_400_000,
  idempotencyTtlMs: 24 * 3_600_000,
};

/** One backend of the store, as a test suite gets it. */
export interface StoreHarness {
  readonly backend: 'sqlite-memory' | 'sqlite-file' | 'postgres';
  /**
   * Opens a store on an empty database (`fresh`, the default) or on the same database as the
   * previous open of this test (`fresh: false`: a second instance). Closed after each test.
   */
  open(options?: { clock?: Clock; limits?: Partial<StoreLimits>; fresh?: boolean }): Promise<Store>;
  /** The spec the last open used (for starting a real server on the same database). */
  readonly spec: StoreSpec;
}

function harness(
  backend: StoreHarness['backend'],
  newSpec: () => Promise<StoreSpec>,
  cleanup: () => Promise<void> = async () => {},
): StoreHarness {
  const open: Store[] = [];
  let spec: StoreSpec | undefined;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  afterAll(cleanup);
  return {
    backend,
    get spec() {
      if (!spec) throw new Error('open a store first');
      return spec;
    },
    async open(options = {}) {
      if (options.fresh !== false || !spec) spec = await newSpec();
      const store = await openStore(spec, {
        clock: options.clock ?? new ManualClock(),
        limits: { ...TEST_STORE_LIMITS, ...options.limits },
      });
      open.push(store);
      return store;
    },
  };
}

/**
 * Runs one contract suite against every backend: SQLite in memory, a SQLite file, and PostgreSQL
 * (a scratch database per suite; required when PARLEY_REQUIRE_POSTGRES=1).
 *
 * @example
 * await describeEachBackend('conversation log', (stores) => {
 *   it('numbers messages in order', async () => { const store = await stores.open(); … });
 * });
 */
export async function describeEachBackend(
  name: string,
  fn: (stores: StoreHarness) => void,
): Promise<void> {
  describe(`${name} (SQLite in memory)`, () => {
    fn(harness('sqlite-memory', async () => ({ kind: 'memory' })));
  });
  describe(`${name} (SQLite file)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
    let n = 0;
    fn(
      harness(
        'sqlite-file',
        async () => ({ kind: 'sqlite', path: join(dir, `store-${++n}.db`) }),
        async () => rmSync(dir, { recursive: true, force: true }),
      ),
    );
  });
  await describeWithPostgres(`${name} (PostgreSQL)`, () => {
    let scratch: ScratchDatabase | undefined;
    beforeAll(async () => {
      scratch = await createScratchDatabase();
    });
    let first = true;
    fn(
      harness(
        'postgres',
        async () => {
          if (!scratch) throw new Error('no scratch database');
          const spec: StoreSpec = { kind: 'postgres', url: scratch.url };
          // The first open migrates an empty database; later ones empty the tables instead.
          if (!first) await truncate(spec);
          first = false;
          return spec;
        },
        async () => scratch?.drop(),
      ),
    );
  });
}

async function truncate(spec: StoreSpec & { kind: 'postgres' }): Promise<void> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: spec.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables
       WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'`,
    );
    // DELETE rather than TRUNCATE: on a handful of small tables it is ten times faster, and
    // nothing in the store depends on sequences starting again.
    const deletes = rows.map((r) => `DELETE FROM ${r.name};`).join(' ');
    if (rows.length > 0) await client.query(`BEGIN; ${deletes} COMMIT;`);
  } finally {
    await client.end();
  }
}

/**
 * Runs `action` while another PostgreSQL session erases conversation `id` the way
 * `conversations.erase` does (the conversation row first, then its rows in `table`) and commits
 * 200 ms later: what a second instance erasing at the same moment looks like. Returns what
 * `action` resolved to.
 */
export async function whileErasedElsewhere<T>(
  spec: StoreSpec,
  id: string,
  table: string,
  action: () => Promise<T>,
): Promise<T> {
  if (spec.kind !== 'postgres') throw new Error('PostgreSQL only');
  const eraser = new pg.Client({ connectionString: spec.url });
  await eraser.connect();
  try {
    await eraser.query('BEGIN');
    await eraser.query('DELETE FROM conversations WHERE id = $1', [id]);
    await eraser.query(`DELETE FROM ${table} WHERE conversation_id = $1`, [id]);
    const running = action();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await eraser.query('COMMIT');
    return await running;
  } finally {
    await eraser.end();
  }
}
