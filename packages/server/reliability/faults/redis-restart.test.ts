import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { StoreLimits } from '../../src/sessions/store.js';
import { STORE_UNAVAILABLE_MESSAGE } from '../../src/sessions/store-errors.js';
import { RedisStore } from '../../src/sessions/stores/redis-store.js';
import { describeWithRedis } from '../../src/test-support/redis.js';
import { startTestApp, type TestApp } from '../../src/test-support/test-app.js';
import {
  chatTurn,
  history,
  keepAliveAgent,
  useProductionTimeouts,
} from '../support/http-client.js';
import { killAndWait, type RedisProcess, startRedisServer } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { percentile, roundMs, waitUntil } from '../support/stats.js';
import { historyMismatch, type SentTurn } from './history-check.js';

const results = suiteRecorder('faults-redis-restart', 'infrastructure');
const VISITORS = 12;
const limits: StoreLimits = {
  sessionTtlMs: 3_600_000,
  sessionMaxAgeMs: 86_400_000,
  idempotencyTtlMs: 3_600_000,
};
type Phase = 'before' | 'down' | 'after';

interface Outcome {
  visitor: number;
  phase: Phase;
  status: number;
  ms: number;
  answered: boolean;
  code: string | undefined;
  message: string | undefined;
  retryable: boolean | undefined;
  networkError: string | undefined;
}

// The shared Redis only decides whether Redis suites run at all; this one starts its own server.
await describeWithRedis('Redis restarted under traffic', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-redis-restart-'));
  const agent = keepAliveAgent(VISITORS + 4);
  let redis: RedisProcess | undefined;
  let store: RedisStore | undefined;
  let app: TestApp | undefined;

  afterAll(async () => {
    agent.destroy();
    await app?.close();
    await store?.close();
    if (redis) await killAndWait(redis.child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'fails cleanly with 503 while Redis is down, then recovers without restarting Parley',
    () =>
      results.check('Redis killed (-9) and restarted during traffic', async () => {
        redis = await startRedisServer({ dir });
        store = new RedisStore({
          url: redis.url,
          clock: systemClock,
          limits,
          keyPrefix: 'parley:',
        });
        await store.ready();
        app = await startTestApp({ store, clock: systemClock, env: { PARLEY_RATE_LIMITS: 'off' } });
        useProductionTimeouts(app.server);
        const baseUrl = app.baseUrl;

        let phase: Phase = 'before';
        let stopping = false;
        const outcomes: Outcome[] = [];
        const sent: SentTurn[][] = Array.from({ length: VISITORS }, () => []);
        const tokens: (string | undefined)[] = Array.from({ length: VISITORS }, () => undefined);
        const answeredAfter = new Set<number>();

        const visitorLoop = async (visitor: number) => {
          for (let turn = 1; !stopping; turn++) {
            const startedIn = phase;
            const message = `Visitor ${visitor}, message ${turn}: how do I reset my password?`;
            const token = tokens[visitor];
            const result = await chatTurn(baseUrl, message, {
              sse: turn % 2 === 0,
              agent,
              timeoutMs: 10_000,
              ...(token ? { token } : {}),
            });
            const answered = result.status === 200 && result.text !== undefined;
            outcomes.push({
              visitor,
              phase: startedIn,
              status: result.status,
              ms: result.ms,
              answered,
              code: result.error?.code,
              message: result.error?.message,
              retryable:
                result.error && 'retryable' in result.error ? result.error.retryable : undefined,
              networkError: result.networkError,
            });
            if (result.token) tokens[visitor] = result.token;
            if (tokens[visitor])
              sent[visitor]!.push({ message, answer: answered ? result.text : undefined });
            if (answered && startedIn === 'after') answeredAfter.add(visitor);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        };
        const loops = Array.from({ length: VISITORS }, (_, v) => visitorLoop(v));

        // Healthy traffic first, until every visitor has a conversation.
        await waitUntil(() => tokens.every(Boolean), {
          timeoutMs: 10_000,
          what: 'every visitor answered',
        });
        await new Promise((resolve) => setTimeout(resolve, 500));

        // Crash Redis (kill -9), keep the traffic going for 1.5 s, then restart it on the same port.
        await killAndWait(redis.child, 'SIGKILL');
        phase = 'down';
        const readyWhileDown = await fetch(`${baseUrl}/readyz`);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const restartedAt = performance.now();
        redis = await startRedisServer({ dir, port: redis.port });
        phase = 'after';
        // Parley is not touched: the client reconnects on its own.
        const recoveryMs = await waitUntil(() => answeredAfter.size > 0, {
          timeoutMs: 15_000,
          what: 'a turn answered after the restart',
        });
        await waitUntil(() => answeredAfter.size === VISITORS, {
          timeoutMs: 15_000,
          what: 'every visitor answered again after the restart',
        }).catch((error: Error) => {
          const stuck = outcomes.filter(
            (o) => o.phase === 'after' && !answeredAfter.has(o.visitor),
          );
          const codes = [
            ...new Set(stuck.map((o) => `v${o.visitor} ${o.status} ${o.code} ${o.message}`)),
          ].join(', ');
          throw new Error(`${error.message}; still failing after the restart: ${codes}`);
        });
        const allBackMs = performance.now() - restartedAt;
        const readyAfter = await fetch(`${baseUrl}/readyz`);
        stopping = true;
        await Promise.all(loops);

        // While Redis was down: only clean, retryable 503s (JSON) or `error` events (SSE).
        const failed = outcomes.filter((o) => !o.answered);
        const unclean = failed.filter(
          (o) =>
            o.networkError !== undefined ||
            o.code !== 'model_unavailable' ||
            o.message !== STORE_UNAVAILABLE_MESSAGE ||
            (o.status !== 503 && o.status !== 200) ||
            (o.status === 200 && o.retryable !== true),
        );
        expect(unclean.slice(0, 5)).toEqual([]);
        expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
        const downOutcomes = outcomes.filter((o) => o.phase === 'down');
        expect(downOutcomes.length).toBeGreaterThan(0);
        expect(downOutcomes.every((o) => !o.answered)).toBe(true);
        // Failing fast: no request waits for Redis.
        expect(Math.max(...downOutcomes.map((o) => o.ms))).toBeLessThan(2_000);
        expect(readyWhileDown.status).toBe(503);
        expect(readyAfter.status).toBe(200);

        // Nothing lost: every conversation continues with exactly what its visitor was told.
        const mismatches: string[] = [];
        for (let v = 0; v < VISITORS; v++) {
          const read = await history(baseUrl, { agent, token: tokens[v]! });
          const problem = historyMismatch(read.messages, sent[v]!);
          if (read.status !== 200 || problem)
            mismatches.push(`visitor ${v}: ${read.status} ${problem}`);
        }
        expect(mismatches).toEqual([]);

        const answered = outcomes.filter((o) => o.answered).length;
        return {
          detail: `${VISITORS} visitors sending continuously; Redis (AOF, fsync always) killed with SIGKILL for 1.5 s, then restarted on the same port. Every failed request was a retryable model_unavailable ("${STORE_UNAVAILABLE_MESSAGE}"): 503 JSON or an SSE error event; /readyz said 503 meanwhile. Parley reconnected by itself; every visitor's next turn was answered and every history matched what its visitor saw`,
          numbers: {
            requests: outcomes.length,
            answered,
            failed_clean: failed.length,
            failed_unclean: unclean.length,
            other_5xx: outcomes.filter((o) => o.status >= 500 && o.status !== 503).length,
            failed_p99_ms: roundMs(
              percentile(
                downOutcomes.map((o) => o.ms),
                99,
              ),
            ),
            first_answer_after_restart_ms: roundMs(recoveryMs),
            all_visitors_back_ms: roundMs(allBackMs),
            histories_matching: VISITORS - mismatches.length,
          },
        };
      }),
    60_000,
  );
});
