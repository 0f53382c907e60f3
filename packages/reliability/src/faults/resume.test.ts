import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamEvent } from '@parley/shared';
import { chatTurn, followEvents, getHistory } from '@parley/testkit/chat-client';
import { type FakeOpenAI, type FakeResponder, startFakeOpenAI } from '@parley/testkit/fake-openai';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { percentile } from '@parley/testkit/stats';
import { afterAll, beforeAll, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { userTexts } from '../support/model-input.js';
import { suiteRecorder } from '../support/results.js';
import { type Instance, startInstance } from '../support/servers.js';
import { describeWithPostgresAndRedis, redisNamespace } from '../support/services.js';

/**
 * An answer streamed by instance A, the visitor's connection cut mid-answer, and the stream
 * resumed on instance B with `Last-Event-ID`, as a reconnecting widget behind a load balancer
 * does. What A delivered and what B delivered, joined, must be exactly the answer: nothing doubled,
 * nothing missing, and B's history holds it. Each visitor is cut after a different number of
 * events (the tool events count too), some resuming at once and some after the answer finished.
 */

const results = suiteRecorder('faults-resume-across-instances', 'infrastructure');
const VISITORS = 10;

/** Every answer: a knowledge-base search, then a long answer streamed in 24 deltas. */
function answerTo(question: string): string {
  return `Here is everything about "${question}": ${Array.from({ length: 24 }, (_, i) => `step ${i + 1} is done.`).join(' ')}`;
}

const responder: FakeResponder = (request) => {
  const body = request.body as {
    messages?: { role?: string }[];
    input?: { role?: string; type?: string }[];
  };
  const items = body.input ?? body.messages ?? [];
  const lastUser = items.map((i) => i.role).lastIndexOf('user');
  const toolRan = items
    .slice(lastUser + 1)
    .some((i) => (i as { type?: string }).type === 'function_call_output' || i.role === 'tool');
  const asked = userTexts(request).at(-1) ?? '';
  return toolRan
    ? { kind: 'text', text: answerTo(asked), deltas: 24 }
    : { kind: 'tool_call', name: 'search_knowledge_base', arguments: { query: asked } };
};

/** Orders SSE ids: `"12"` is the stored message 12, `"12.3"` the third live event after it. */
function position(id: string): [number, number] {
  const [seq, n] = id.split('.');
  return [Number(seq), n === undefined ? 0 : Number(n)];
}
const after = (a: string, b: string) => {
  const [sa, na] = position(a);
  const [sb, nb] = position(b);
  return sa > sb || (sa === sb && na > nb);
};

interface Resumed {
  visitor: number;
  cutAfter: number;
  waitedMs: number;
  resumeMs: number;
  problems: string[];
}

function resumeAcrossInstances(variant: 'PostgreSQL' | 'PostgreSQL + Redis') {
  const redis = variant === 'PostgreSQL + Redis' ? redisNamespace() : undefined;
  let fake: FakeOpenAI;
  let scratch: ScratchDatabase;
  const instances: Instance[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI({ responder, firstTokenDelayMs: 20, deltaIntervalMs: 40 });
    scratch = await createScratchDatabase();
    const env = {
      PARLEY_STORE: scratch.url,
      PARLEY_RATE_LIMITS: 'off',
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'gpt-fake',
      ...redis?.env,
    };
    instances.push(await startInstance(env), await startInstance(env));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await fake?.close();
    await scratch?.drop();
    await redis?.clear();
  });

  async function visit(visitor: number): Promise<Resumed> {
    const [a, b] = instances as [Instance, Instance];
    const problems: string[] = [];
    const first = await chatTurn(a.url, `Visitor ${visitor}: hello`);
    const token = first.token!;
    const question = `Visitor ${visitor}: how do I reset my password?`;
    // Cut after 1..VISITORS events of the answer (message, tool, then deltas); every other
    // visitor comes back only once the answer has finished on A.
    const cutAfter = visitor + 1;
    const waitMs = visitor % 2 === 0 ? 0 : 2_500;
    const cut = new AbortController();
    const seenOnA: { event: StreamEvent; id: string | undefined }[] = [];
    await chatTurn(a.url, question, {
      token,
      signal: cut.signal,
      onEvent: (event, id) => {
        seenOnA.push({ event, id });
        if (seenOnA.filter((e) => e.id !== undefined).length >= cutAfter) cut.abort();
      },
    });
    const lastEventId = seenOnA.findLast((e) => e.id !== undefined)?.id;
    if (!lastEventId)
      return { visitor, cutAfter, waitedMs: 0, resumeMs: 0, problems: ['no id seen on A'] };
    await sleep(waitMs);

    const resumeStarted = performance.now();
    const hangUp = new AbortController();
    const seenOnB: { event: StreamEvent; id: string | undefined }[] = [];
    await followEvents(b.url, {
      token,
      lastEventId,
      signal: AbortSignal.any([hangUp.signal, AbortSignal.timeout(15_000)]),
      onEvent: (event, id) => {
        seenOnB.push({ event, id });
        if (event.event === 'done' || event.event === 'error') hangUp.abort();
      },
    });
    const resumeMs = performance.now() - resumeStarted;

    const expected = answerTo(question);
    const deltas = (seen: typeof seenOnA) =>
      seen.map(({ event }) => (event.event === 'delta' ? event.data.text : '')).join('');
    const done = seenOnB.find((e) => e.event.event === 'done')?.event;
    const joined = deltas(seenOnA) + deltas(seenOnB);
    if (done?.event !== 'done')
      problems.push(`no done event on B (${seenOnB.map((e) => e.event.event).join(',')})`);
    else if (done.data.text !== expected) problems.push('done text is not the answer');
    if (joined !== expected) {
      problems.push(
        joined.length > expected.length
          ? `text doubled: ${joined.length} characters for ${expected.length}`
          : `text missing: ${joined.length} characters for ${expected.length}`,
      );
    }
    const idsA = seenOnA.flatMap((e) => (e.id ? [e.id] : []));
    const idsB = seenOnB.flatMap((e) => (e.id ? [e.id] : []));
    const repeated = idsB.filter((id) => idsA.includes(id));
    if (repeated.length > 0) problems.push(`ids sent twice: ${repeated.join(', ')}`);
    if (idsB.some((id) => !after(id, lastEventId)))
      problems.push(`B sent ids at or before ${lastEventId}: ${idsB.join(', ')}`);
    if (idsB.some((id, i) => i > 0 && !after(id, idsB[i - 1]!)))
      problems.push(`B's ids out of order: ${idsB.join(', ')}`);
    const history = await getHistory(b.url, { token });
    const texts = (history.body.messages ?? []).map((m) => `${m.role}:${m.text}`);
    if (texts.at(-1) !== `assistant:${expected}`)
      problems.push('history does not end with the answer');
    if (texts.filter((t) => t === `user:${question}`).length !== 1)
      problems.push('history does not hold the question exactly once');
    return { visitor, cutAfter, waitedMs: waitMs, resumeMs, problems };
  }

  it('joins what A streamed and what B resumed into exactly the answer, for every cut point', () =>
    results.check(
      `stream cut on instance A, resumed on B with Last-Event-ID (${variant})`,
      async () => {
        const resumed = await Promise.all(Array.from({ length: VISITORS }, (_, v) => visit(v)));
        const failed = resumed.filter((r) => r.problems.length > 0);
        expectNone(
          failed.map(
            (r) => `visitor ${r.visitor} cut after ${r.cutAfter}: ${r.problems.join(', ')}`,
          ),
          'resumed streams that were not exactly the answer',
        );
        const immediate = resumed.filter((r) => r.waitedMs === 0).map((r) => r.resumeMs);
        return {
          detail: `${VISITORS} visitors, each cut off from instance A after a different number of events (1-${VISITORS}: the question, the tool events, deltas) and resumed on instance B with Last-Event-ID, half at once and half after the answer had finished; coordination ${instances[0]?.running.coordination.kind}. Every time A's deltas and B's deltas joined were exactly the answer, B sent no id A had sent and nothing at or before Last-Event-ID, B's done event carried the whole answer, and B's history held the question once and the answer`,
          numbers: {
            visitors: VISITORS,
            resumed_exactly: VISITORS - failed.length,
            doubled: resumed.filter((r) => r.problems.some((p) => p.startsWith('text doubled')))
              .length,
            missing: resumed.filter((r) => r.problems.some((p) => p.startsWith('text missing')))
              .length,
            resume_to_done_p50_ms: Math.round(percentile(immediate, 50) ?? 0),
            resume_to_done_max_ms: Math.round(Math.max(0, ...immediate)),
          },
        };
      },
    ));
}

await describeWithPostgres('an answer resumed on another instance (PostgreSQL)', () => {
  resumeAcrossInstances('PostgreSQL');
});

await describeWithPostgresAndRedis(
  'an answer resumed on another instance (PostgreSQL + Redis)',
  () => {
    resumeAcrossInstances('PostgreSQL + Redis');
  },
);
