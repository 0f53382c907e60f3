import { setTimeout as sleep } from 'node:timers/promises';
import { STORE_UNAVAILABLE_MESSAGE } from '@parley/server';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
  terminateConnections,
} from '@parley/testkit/postgres';
import { afterAll, afterEach, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { killAndWait, type ServerProcess, startServerProcess } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { SESSION_SECRET } from '../support/servers.js';
import { describeOutcome, p99, startTraffic, uncleanFailures } from './traffic.js';

/**
 * PostgreSQL dropping every connection of Parley's database (`pg_terminate_backend`, as a restart
 * or an operator would) while visitors chat: meanwhile only clean, retryable refusals; afterwards
 * every visitor answered again within seconds, by the same process (the pool reconnects; the
 * process is the real entry point, so a crash shows), and
 * every history exactly what its visitor was told.
 */

/** What a crashed process said about why, in one line. */
function crashReason(logs: string[]): string {
  const text = logs.join('');
  const thrown = /^\s*throw er; \/\/ (.+)$/m.exec(text)?.[1];
  const error = /^(\w*[Ee]rror: .+)$/m.exec(text)?.[1];
  const code = /code: '([^']+)'/.exec(text)?.[1];
  return [thrown, error, code && `(code ${code})`].filter(Boolean).join(': ') || text.slice(-300);
}

const results = suiteRecorder('faults-postgres-connections', 'infrastructure');
const VISITORS = 12;

await describeWithPostgres('PostgreSQL connections terminated under traffic', () => {
  let scratch: ScratchDatabase | undefined;
  let instance: ServerProcess | undefined;
  afterEach(async () => {
    if (instance) await killAndWait(instance.child, 'SIGKILL');
    instance = undefined;
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  /**
   * Terminates every connection to the database, once (`storm` 0) or every 25 ms for `storm` ms
   * (each reconnection is cut again: an outage that lasts), polling `/readyz` meanwhile.
   */
  async function outage(storm: number) {
    const readiness: number[] = [];
    let terminated = 0;
    const until = performance.now() + storm;
    do {
      terminated += await terminateConnections(scratch!.name);
      readiness.push(
        await fetch(`${instance!.baseUrl}/readyz`, { signal: AbortSignal.timeout(3_000) })
          .then((r) => r.status)
          .catch(() => 0),
      );
      if (storm > 0) await sleep(25);
    } while (performance.now() < until);
    return { terminated, readiness };
  }

  for (const [name, storm] of [
    ['every connection terminated once, mid-traffic', 0],
    ['every connection terminated every 25 ms for 2 s', 2_000],
  ] as const) {
    it(
      `${name}: clean retryable errors meanwhile, every visitor answered again within seconds`,
      () =>
        results.check(`PostgreSQL: ${name}`, async () => {
          scratch ??= await createScratchDatabase();
          // The real entry point in a process of its own: a crash would show, not be caught.
          instance = await startServerProcess({
            PARLEY_STORE: scratch.url,
            PARLEY_SESSION_SECRET: SESSION_SECRET,
            PARLEY_RATE_LIMITS: 'off',
          });
          const traffic = startTraffic(instance.baseUrl, VISITORS);
          await traffic.warmUp();

          traffic.setPhase('fault');
          const faultStarted = performance.now();
          const { terminated, readiness } = await outage(storm);
          const faultMs = performance.now() - faultStarted;
          traffic.setPhase('after');
          const recovery = await traffic.recovery(15_000).catch(async (error: Error) => {
            await traffic.stop();
            const exit = instance!.child.exitCode ?? instance!.child.signalCode;
            throw new Error(
              exit === null
                ? error.message
                : `Parley exited (${exit}) during the fault: ${crashReason(instance!.logs)}`,
            );
          });
          const readyAfter = await fetch(`${instance.baseUrl}/readyz`);
          await traffic.stop();
          const exited = instance.child.exitCode ?? instance.child.signalCode;
          expect(exited, `Parley exited:\n${instance.logs.join('').slice(-1500)}`).toBeNull();

          const { outcomes } = traffic;
          const failed = outcomes.filter((o) => !o.answered);
          const unclean = uncleanFailures(outcomes, STORE_UNAVAILABLE_MESSAGE);
          expectNone(unclean.map(describeOutcome), 'failures that were not a clean retryable 503');
          expect(terminated).toBeGreaterThan(0);
          expect(readyAfter.status).toBe(200);
          const mismatches = await traffic.historyMismatches();
          expectNone(mismatches, 'histories that differ from what their visitor was told');
          const during = outcomes.filter((o) => o.phase === 'fault');
          return {
            detail: `${VISITORS} visitors chatting continuously (alternating SSE and JSON) against one instance on PostgreSQL; ${terminated} server connections terminated. Every failed request was a retryable \`model_unavailable\` ("${STORE_UNAVAILABLE_MESSAGE}"): 503 JSON or an SSE error event with retryable true; /readyz answered ${[...new Set(readiness)].sort().join(' and ')} while it lasted and 200 after. The same process reconnected; every visitor's next turn was answered and every history matched what its visitor saw`,
            numbers: {
              requests: outcomes.length,
              answered: outcomes.filter((o) => o.answered).length,
              failed_clean: failed.length - unclean.length,
              failed_unclean: unclean.length,
              other_5xx: outcomes.filter((o) => o.status >= 500 && o.status !== 503).length,
              connections_terminated: terminated,
              fault_ms: Math.round(faultMs),
              readyz_503_seen: readiness.filter((s) => s === 503).length,
              turns_started_during_fault: during.length,
              failed_p99_ms: p99(failed.map((o) => o.ms)),
              first_answer_after_ms: Math.round(recovery.firstMs),
              all_visitors_back_ms: Math.round(recovery.allMs),
              histories_matching: VISITORS - mismatches.length,
            },
          };
        }),
      90_000,
    );
  }
});
