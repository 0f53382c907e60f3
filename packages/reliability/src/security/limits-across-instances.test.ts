import { chatTurn, type TurnResult } from '@parley/testkit/chat-client';
import { describeWithPostgres } from '@parley/testkit/postgres';
import { afterAll, expect, it } from 'vitest';
import { scratchDeployment } from '../support/deployment.js';
import { suiteRecorder } from '../support/results.js';
import { describeWithPostgresAndRedis, redisNamespace } from '../support/services.js';

/**
 * Rate limits from the real start-up path (`node dist/main.js`) on two instances behind one
 * address: a visitor alternating between them gets the configured limit in total, not once per
 * instance. Counted in PostgreSQL alone, and in Redis (`PARLEY_REDIS_URL`), the path where issue
 * 12 found every limit silently off.
 */

const results = suiteRecorder('security-limits-across-instances', 'attacks');
const NEW_CONVERSATIONS = 5;
const PER_CONVERSATION = 4;

function limitsHold(variant: 'PostgreSQL' | 'Redis') {
  const redis = variant === 'Redis' ? redisNamespace() : undefined;
  const deployment = scratchDeployment();
  afterAll(async () => {
    await redis?.clear();
  });

  it(`holds the new-conversation and per-conversation limits across instances (${variant})`, () =>
    results.check(`rate limits across two instances, counted in ${variant}`, async () => {
      const env = {
        PARLEY_RATE_LIMITS: 'on',
        PARLEY_RATE_IP_SESSIONS: String(NEW_CONVERSATIONS),
        PARLEY_RATE_SESSION_MESSAGES: String(PER_CONVERSATION),
        ...redis?.env,
      };
      const pair = await Promise.all([deployment.startProcess(env), deployment.startProcess(env)]);
      const urls = pair.map((s) => s.baseUrl);
      for (const url of urls) expect((await fetch(`${url}/readyz`)).status).toBe(200);

      // New conversations, alternating instances (half as SSE): the limit is for both together.
      const opened: TurnResult[] = [];
      for (let i = 0; i < NEW_CONVERSATIONS * 2; i++) {
        opened.push(await chatTurn(urls[i % 2]!, `Hello ${i}`, { sse: i % 4 < 2 }));
      }
      const statuses = opened.map((t) => t.status);
      expect(statuses).toEqual([
        ...Array(NEW_CONVERSATIONS).fill(200),
        ...Array(NEW_CONVERSATIONS).fill(429),
      ]);
      for (const refused of opened.slice(NEW_CONVERSATIONS)) {
        expect(refused.error?.code).toBe('rate_limited');
      }
      // Messages in one conversation, alternating instances (its first message counted too).
      const token = opened[0]!.token!;
      const messages: TurnResult[] = [];
      for (let i = 0; i < PER_CONVERSATION + 2; i++) {
        messages.push(await chatTurn(urls[(i + 1) % 2]!, `Again ${i}`, { token, sse: false }));
      }
      const allowed = messages.filter((t) => t.status === 200).length;
      expect(allowed).toBe(PER_CONVERSATION - 1);
      expect(messages.slice(allowed).map((t) => t.error?.code)).toEqual(
        Array(messages.length - allowed).fill('rate_limited'),
      );
      for (const server of pair) {
        expect(server.logs.join('')).not.toMatch(/allowing request without rate-limiting/i);
        expect(server.child.exitCode).toBeNull();
      }
      return {
        detail: `two entry-point processes on one PostgreSQL database${redis ? ' with PARLEY_REDIS_URL' : ''}, one client address alternating between them: PARLEY_RATE_IP_SESSIONS=${NEW_CONVERSATIONS} gave ${NEW_CONVERSATIONS} new conversations in total, then 429 rate_limited on both instances (JSON and SSE); PARLEY_RATE_SESSION_MESSAGES=${PER_CONVERSATION} gave one conversation ${PER_CONVERSATION} messages in total across both, then 429; /readyz 200 on both (every limiter reaches its counters), no limiter passing requests through`,
        numbers: {
          new_conversations_allowed: NEW_CONVERSATIONS,
          new_conversations_refused: NEW_CONVERSATIONS,
          messages_allowed: PER_CONVERSATION,
          messages_refused: messages.length - allowed,
        },
      };
    }));
}

await describeWithPostgres('rate limits across two instances (PostgreSQL)', () => {
  limitsHold('PostgreSQL');
});

await describeWithPostgresAndRedis('rate limits across two instances (Redis)', () => {
  limitsHold('Redis');
});
