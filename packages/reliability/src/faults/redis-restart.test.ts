import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { STORE_UNAVAILABLE_MESSAGE } from '@parley/server';
import { describeWithRedis } from '@parley/testkit/redis';
import { afterAll, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import {
  killAndWait,
  type RedisProcess,
  type ServerProcess,
  startRedisServer,
  startServerProcess,
} from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { SESSION_SECRET } from '../support/servers.js';
import { describeOutcome, p99, startTraffic, uncleanFailures } from './traffic.js';

/**
 * Redis, used only to coordinate instances (turn locks, rate limits, events), killed with SIGKILL
 * under traffic and restarted empty: meanwhile clean retryable refusals and `/readyz` 503; then
 * Parley reconnects by itself, and since the records live in the SQL store, nothing is lost.
 */

const results = suiteRecorder('faults-redis-restart', 'infrastructure');
const VISITORS = 12;

// The shared Redis only decides whether Redis suites run at all; this one starts its own server.
await describeWithRedis('Redis (coordination) restarted under traffic', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-redis-restart-'));
  let redis: RedisProcess | undefined;
  let parley: ServerProcess | undefined;

  afterAll(async () => {
    if (parley) await killAndWait(parley.child, 'SIGKILL');
    if (redis) await killAndWait(redis.child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'fails cleanly with 503 while Redis is down, then recovers without restarting Parley or losing a message',
    () =>
      results.check(
        'Redis coordination killed (-9) and restarted empty during traffic',
        async () => {
          redis = await startRedisServer({ dir });
          parley = await startServerProcess({
            PARLEY_STORE: `sqlite:${path.join(dir, 'parley.db')}`,
            PARLEY_DATA_DIR: dir,
            PARLEY_REDIS_URL: redis.url,
            PARLEY_SESSION_SECRET: SESSION_SECRET,
            PARLEY_RATE_LIMITS: 'off',
          });
          const baseUrl = parley.baseUrl;
          const traffic = startTraffic(baseUrl, VISITORS);
          await traffic.warmUp();

          // Crash Redis, keep the traffic going for 1.5 s, then start an empty one on the same port.
          await killAndWait(redis.child, 'SIGKILL');
          const killedAt = performance.now();
          traffic.setPhase('fault');
          const readyWhileDown = await fetch(`${baseUrl}/readyz`);
          await sleep(1_500);
          const restartingAt = performance.now();
          redis = await startRedisServer({ dir, port: redis.port });
          traffic.setPhase('after');
          const recovery = await traffic.recovery(15_000);
          const readyAfter = await fetch(`${baseUrl}/readyz`);
          await traffic.stop();
          expect(parley.child.exitCode ?? parley.child.signalCode).toBeNull();

          const { outcomes } = traffic;
          const failed = outcomes.filter((o) => !o.answered);
          const unclean = uncleanFailures(outcomes, STORE_UNAVAILABLE_MESSAGE);
          expectNone(unclean.map(describeOutcome), 'failures that were not a clean retryable 503');
          // Requests sent and finished while Redis was down (one started just before the restart
          // may well be answered by the Redis that came back).
          const down = outcomes.filter((o) => o.startedAt > killedAt && o.endedAt < restartingAt);
          expect(down.length).toBeGreaterThan(0);
          expectNone(
            down.filter((o) => o.answered).map(describeOutcome),
            'turns answered while Redis was down',
          );
          // Failing fast: no request waits for Redis.
          expect(Math.max(...down.map((o) => o.ms))).toBeLessThan(2_000);
          expect(readyWhileDown.status).toBe(503);
          expect(readyAfter.status).toBe(200);
          const mismatches = await traffic.historyMismatches();
          expectNone(mismatches, 'histories that differ from what their visitor was told');

          return {
            detail: `${VISITORS} visitors sending continuously to the real entry point (SQLite file store, Redis coordination); Redis killed with SIGKILL for 1.5 s, then restarted empty on the same port. Every failed request was a retryable model_unavailable ("${STORE_UNAVAILABLE_MESSAGE}"): 503 JSON or an SSE error event; /readyz said 503 meanwhile. The same process reconnected by itself; every visitor's next turn was answered and every history matched what its visitor saw`,
            numbers: {
              requests: outcomes.length,
              answered: outcomes.length - failed.length,
              failed_clean: failed.length - unclean.length,
              failed_unclean: unclean.length,
              other_5xx: outcomes.filter((o) => o.status >= 500 && o.status !== 503).length,
              failed_p99_ms: p99(down.map((o) => o.ms)),
              first_answer_after_restart_ms: Math.round(recovery.firstMs),
              all_visitors_back_ms: Math.round(recovery.allMs),
              histories_matching: VISITORS - mismatches.length,
            },
          };
        },
      ),
    90_000,
  );
});
