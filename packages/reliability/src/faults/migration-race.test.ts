import { ManualClock, MIGRATIONS, openStore } from '@parley/server';
import { chatTurn, getHistory } from '@parley/testkit/chat-client';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { percentile } from '@parley/testkit/stats';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import { afterAll, afterEach, expect, it } from 'vitest';
import { query, schemaOf } from '../support/postgres.js';
import { killAndWait, type ServerProcess, startServerProcess } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { SESSION_SECRET } from '../support/servers.js';

/**
 * Two instances of the real entry point started at the same moment on one empty PostgreSQL
 * database, as an orchestrator rolling out a fresh deployment does: both become ready, the
 * migrations ran exactly once, and the schema is exactly the one a single instance creates.
 */

const results = suiteRecorder('faults-migration-race', 'infrastructure');
const ROUNDS = 3;

await describeWithPostgres('two instances starting on one empty PostgreSQL database', () => {
  const scratches: ScratchDatabase[] = [];
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => killAndWait(s.child, 'SIGKILL')));
  });
  afterAll(async () => {
    for (const scratch of scratches) await scratch.drop();
  });

  it(
    'both become healthy on one schema, migrated once',
    () =>
      results.check('two instances started at once on an empty database', async () => {
        // The schema one instance alone creates, to compare with.
        const reference = await createScratchDatabase();
        scratches.push(reference);
        const alone = await openStore(
          { kind: 'postgres', url: reference.url },
          { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
        );
        await alone.close();
        const expectedSchema = await schemaOf(reference.url);
        const expectedMigrations = MIGRATIONS.map(([name]) => name);

        const startupMs: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const scratch = await createScratchDatabase();
          scratches.push(scratch);
          const env = {
            PARLEY_STORE: scratch.url,
            PARLEY_SESSION_SECRET: SESSION_SECRET,
            PARLEY_RATE_LIMITS: 'off',
          };
          const started = performance.now();
          const pair = await Promise.all([startServerProcess(env), startServerProcess(env)]);
          startupMs.push(performance.now() - started);
          servers.push(...pair);
          for (const server of pair) {
            expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
            expect(server.logs.join('')).not.toMatch(/"level":(50|60)/);
          }
          const migrated = await query<{ name: string }>(
            'SELECT name FROM kysely_migration ORDER BY name',
            [],
            scratch.url,
          );
          expect(migrated.map((r) => r.name)).toEqual(expectedMigrations);
          expect(await schemaOf(scratch.url)).toEqual(expectedSchema);
          // And they share it: a conversation begun on one continues on the other.
          const [a, b] = pair as [ServerProcess, ServerProcess];
          const one = await chatTurn(a.baseUrl, 'How do I reset my password?');
          const two = await chatTurn(b.baseUrl, 'And my username?', { token: one.token! });
          expect(two.text).toBeTruthy();
          const history = await getHistory(a.baseUrl, { token: one.token! });
          expect(history.body.messages?.map((m) => m.role)).toEqual([
            'user',
            'assistant',
            'user',
            'assistant',
          ]);
          await Promise.all(servers.splice(0).map((s) => killAndWait(s.child, 'SIGKILL')));
        }
        const tables = new Set(expectedSchema.map((line) => line.split('.')[0])).size;
        return {
          detail: `${ROUNDS} rounds of two entry-point processes started in the same instant on an empty database: both answered /readyz 200 without an error logged, kysely_migration held each of the ${expectedMigrations.length} migrations exactly once, and every table and column matched the schema one instance alone creates; a conversation begun on one instance continued on the other`,
          numbers: {
            rounds: ROUNDS,
            migrations: expectedMigrations.length,
            tables,
            columns: expectedSchema.length,
            both_ready_p50_ms: Math.round(percentile(startupMs, 50) ?? 0),
          },
        };
      }),
    120_000,
  );
});
