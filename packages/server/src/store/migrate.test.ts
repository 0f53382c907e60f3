import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type Database, openDatabase } from './database.js';
import { MigrationError, migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { createStore, type Store } from './store.js';
import type { StoreSpec } from './store-spec.js';

// biome-ignore lint/suspicious/noExplicitAny: rows are written as each old schema had them.
type OldSchema = Kysely<any>;

const T0 = Date.UTC(2026, 0, 5, 12);
const NAMES = MIGRATIONS.map(([name]) => name);
const LATEST = NAMES.at(-1)!;

/**
 * Data as a released version of the schema held it: written with that version's columns only,
 * then checked through today's store once migrated to the latest version. Every version but the
 * latest needs one, so no migration ships without being run over real rows.
 */
interface Fixture {
  seed(db: OldSchema): Promise<void>;
  check(store: Store): Promise<void>;
}

const FIXTURES: Record<string, Fixture> = {
  '0001-records': {
    async seed(db) {
      await db
        .insertInto('conversations')
        .values({ id: 's1', public_id: 'c_v1', created_at: T0, last_seen_at: T0, last_seq: 2 })
        .execute();
      // One row per insert: SQLite has no DEFAULT in a multi-row VALUES list.
      await db
        .insertInto('messages')
        .values({
          conversation_id: 's1',
          seq: 1,
          id: 'msg_1',
          role: 'user',
          text: 'Hi',
          created_at: T0,
        })
        .execute();
      await db
        .insertInto('messages')
        .values({
          conversation_id: 's1',
          seq: 2,
          id: 'msg_2',
          role: 'assistant',
          text: 'Hello!',
          meta: JSON.stringify({ toolsUsed: ['search_knowledge_base'] }),
          created_at: T0,
        })
        .execute();
      await db
        .insertInto('model_items')
        .values({ conversation_id: 's1', item: JSON.stringify({ role: 'user', content: 'Hi' }) })
        .execute();
      await db
        .insertInto('tickets')
        .values({
          id: 'T-1',
          conversation_id: 's1',
          conversation_public_id: 'c_v1',
          subject: 'Refund',
          description: 'Charged twice',
          priority: 'high',
          created_at: T0,
          transcript: '[]',
        })
        .execute();
      await db
        .insertInto('feedback')
        .values({ conversation_id: 's1', message_id: 'msg_2', rating: 'up', created_at: T0 })
        .execute();
      await db
        .insertInto('idempotency')
        .values({
          conversation_id: 's1',
          key: 'k1',
          request_hash: 'hash',
          state: 'done',
          reply: JSON.stringify({ question: { id: 'msg_1' } }),
          expires_at: T0 + 3_600_000,
        })
        .execute();
      await db
        .insertInto('usage')
        .values({ conversation_id: 's1', day: '2026-01-05', turns: 1, tokens: 42 })
        .execute();
    },
    async check(store) {
      // The columns added since get the values a new conversation starts with.
      expect(await store.conversations.get('s1')).toMatchObject({
        publicId: 'c_v1',
        lastSeq: 2,
        status: 'bot',
        visitorSeenSeq: 0,
        operator: undefined,
        contact: undefined,
        escalatedAt: undefined,
        closedAt: undefined,
      });
      expect((await store.log.all('s1')).map((m) => [m.seq, m.role, m.text])).toEqual([
        [1, 'user', 'Hi'],
        [2, 'assistant', 'Hello!'],
      ]);
      expect((await store.log.get('s1', 'msg_2'))?.toolsUsed).toEqual(['search_knowledge_base']);
      expect(await store.items.recent('s1', 10)).toEqual([{ role: 'user', content: 'Hi' }]);
      expect(await store.tickets.get('T-1')).toMatchObject({
        conversation: 'c_v1',
        status: 'open',
        transcript: [],
      });
      expect((await store.tickets.get('T-1'))?.contact).toBeUndefined();
      expect((await store.feedback.list({ limit: 10 })).items).toEqual([
        expect.objectContaining({ conversation: 'c_v1', messageId: 'msg_2', rating: 'up' }),
      ]);
      expect(await store.idempotency.begin('s1', 'k1', 'hash', 60_000)).toEqual({
        state: 'done',
        turn: { question: { id: 'msg_1' } },
      });
      expect(await store.usage.get('s1', '2026-01-05')).toEqual({ turns: 1, tokens: 42 });
      // And the conversation goes on: the log continues, the human loop works.
      expect((await store.log.append('s1', { role: 'user', text: 'Again' })).seq).toBe(3);
      expect(
        await store.conversations.changeStatus('s1', { to: 'waiting', from: ['bot'] }),
      ).toMatchObject({ status: 'waiting' });
      expect(await store.conversations.setContact('s1', { email: 'sam@example.com' })).toBe(true);
      expect((await store.tickets.get('T-1'))?.contact).toEqual({ email: 'sam@example.com' });
    },
  },

  '0002-human-loop': {
    async seed(db) {
      await db
        .insertInto('conversations')
        .values({
          id: 's2',
          public_id: 'c_v2',
          created_at: T0,
          last_seen_at: T0,
          last_seq: 0,
          status: 'human',
          status_changed_at: T0,
          operator_id: 'op-1',
          operator_name: 'Dana',
          contact_email: 'sam@example.com',
          visitor_seen_seq: 0,
          escalated_at: T0 - 60_000,
        })
        .execute();
      await db
        .insertInto('tickets')
        .values({
          id: 'T-2',
          conversation_id: 's2',
          conversation_public_id: 'c_v2',
          subject: 'Invoice',
          description: 'Needs a copy',
          priority: 'low',
          created_at: T0,
          transcript: '[]',
          contact_email: 'sam@example.com',
          status: 'pending',
          assignee_id: 'op-1',
          assignee_name: 'Dana',
          updated_at: T0,
        })
        .execute();
    },
    async check(store) {
      expect(await store.conversations.get('s2')).toMatchObject({
        status: 'human',
        operator: { id: 'op-1', name: 'Dana' },
        contact: { email: 'sam@example.com' },
        escalatedAt: T0 - 60_000,
      });
      expect(await store.tickets.get('T-2')).toMatchObject({
        status: 'pending',
        assignee: { id: 'op-1', name: 'Dana' },
        contact: { email: 'sam@example.com' },
      });
    },
  },
};

/** The specs of one backend, each naming an empty database. */
interface Backend {
  spec(): Promise<StoreSpec>;
}

function migrationSuite(backend: Backend): void {
  const open: Database[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.close()));
  });
  const openEmpty = async () => {
    const database = openDatabase(await backend.spec());
    open.push(database);
    return database;
  };

  it('brings an empty database to the latest version, and then has nothing left to do', async () => {
    const database = await openEmpty();
    expect(await migrateToLatest(database.db, database.dialect)).toEqual(NAMES);
    expect(await migrateToLatest(database.db, database.dialect)).toEqual([]);
    const store = createStore(database, new ManualClock(T0), TEST_STORE_LIMITS);
    await store.conversations.create('fresh');
    expect((await store.log.append('fresh', { role: 'user', text: 'hi' })).seq).toBe(1);
  });

  it.each(NAMES.slice(0, -1))(
    'migrates a database at %s, with data in it, to the latest version',
    async (version) => {
      const database = await openEmpty();
      const upTo = NAMES.indexOf(version);
      expect(await migrateToLatest(database.db, database.dialect, { upTo: version })).toEqual(
        NAMES.slice(0, upTo + 1),
      );
      const fixture = FIXTURES[version];
      if (!fixture) throw new Error(`no fixture for ${version}: add one to FIXTURES`);
      await fixture.seed(database.db);
      expect(await migrateToLatest(database.db, database.dialect)).toEqual(NAMES.slice(upTo + 1));
      await fixture.check(createStore(database, new ManualClock(T0), TEST_STORE_LIMITS));
    },
  );

  it('keeps the data of every older version through all later migrations', async () => {
    const database = await openEmpty();
    for (const version of NAMES.slice(0, -1)) {
      await migrateToLatest(database.db, database.dialect, { upTo: version });
      await FIXTURES[version]?.seed(database.db);
    }
    await migrateToLatest(database.db, database.dialect);
    const store = createStore(database, new ManualClock(T0), TEST_STORE_LIMITS);
    for (const version of NAMES.slice(0, -1)) await FIXTURES[version]?.check(store);
  });
}

describe('migrations', () => {
  it('are listed in order, each name unique, with a data fixture for every older version', () => {
    expect([...NAMES].sort()).toEqual(NAMES);
    expect(new Set(NAMES).size).toBe(NAMES.length);
    expect(Object.keys(FIXTURES).sort()).toEqual(NAMES.filter((name) => name !== LATEST));
  });
});

describe('migrations on SQLite in memory', () => {
  migrationSuite({ spec: async () => ({ kind: 'memory' }) });
});

describe('migrations on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'));
  let n = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  migrationSuite({ spec: async () => ({ kind: 'sqlite', path: join(dir, `db-${++n}.db`) }) });
});

await describeWithPostgres('migrations on PostgreSQL', () => {
  const scratches: ScratchDatabase[] = [];
  afterAll(async () => {
    for (const scratch of scratches) await scratch.drop();
  });
  const scratchSpec = async (): Promise<StoreSpec> => {
    const scratch = await createScratchDatabase();
    scratches.push(scratch);
    return { kind: 'postgres', url: scratch.url };
  };
  migrationSuite({ spec: scratchSpec });

  it('lets two instances started at the same moment on an empty database both succeed', async () => {
    for (let round = 0; round < 3; round++) {
      const spec = await scratchSpec();
      const first = openDatabase(spec);
      const second = openDatabase(spec);
      try {
        const ran = await Promise.all([
          migrateToLatest(first.db, 'postgres'),
          migrateToLatest(second.db, 'postgres'),
        ]);
        // Between them each migration ran exactly once.
        expect(ran.flat().sort()).toEqual(NAMES);
        const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(
          first.db,
        );
        expect(rows.map((r) => r.name).sort()).toEqual(NAMES);
      } finally {
        await first.close();
        await second.close();
      }
    }
  });

  it('rolls a failed migration back whole and says which one failed', async () => {
    const spec = await scratchSpec();
    const database = openDatabase(spec);
    try {
      // A table of the same name, made by someone else, makes 0001 fail half way.
      await sql`create table tickets (id text primary key)`.execute(database.db);
      const failed = migrateToLatest(database.db, 'postgres');
      await expect(failed).rejects.toBeInstanceOf(MigrationError);
      await expect(failed).rejects.toThrow(/0001-records/);
      const { rows } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables
        where table_schema = 'public' and table_name = 'conversations'`.execute(database.db);
      expect(rows).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
