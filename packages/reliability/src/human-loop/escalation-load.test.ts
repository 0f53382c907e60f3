import { setTimeout as sleep } from 'node:timers/promises';
import { chatTurn, getHistory, sendChat, type TurnResult } from '@parley/testkit/chat-client';
import type { FakeOpenAI } from '@parley/testkit/fake-openai';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { percentile, waitUntil } from '@parley/testkit/stats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { startLoadModel } from '../support/fake-model-env.js';
import { userTexts, visitorTag } from '../support/model-input.js';
import { suiteRecorder } from '../support/results.js';
import { type Instance, loggedErrors, startTwoInstances } from '../support/servers.js';
import { describeWithPostgresAndRedis, redisNamespace } from '../support/services.js';
import { type Follower, followWithResume } from './follower.js';
import { followInbox, humanLoopEnv, listAll, operatorApi, visitorOf } from './operators.js';

/**
 * 200 visitors chatting with the assistant on two instances sharing PostgreSQL (once coordinating
 * through PostgreSQL alone, once through Redis), at a person's pace: each arrives in turn, then
 * writes every 8-16 s. Once all are in, 20 of them (10 on each instance) ask for a person at the
 * same moment. Those 20 must appear waiting exactly once, in the inbox lists of both instances and
 * on both live inboxes; four operators, two on each instance, join and reply to them; every reply
 * must reach exactly its visitor's event stream within 2 s; the visitors' messages while a person
 * handles them make no model call; and meanwhile the other 180 keep getting their own answers,
 * with zero 5xx anywhere.
 */

const results = suiteRecorder('human-loop-escalation-load', 'human_loop');
const VISITORS = 200;
/** Visitors 0, 1, 20, 21, …, 180, 181: twenty, ten on each instance. */
const escalates = (v: number) => v % 20 < 2;
const ESCALATING = Array.from({ length: VISITORS }, (_, v) => v).filter(escalates).length;
/** Visitor v arrives at v × this, and follows its conversation on instance v mod 2. */
const ARRIVAL_MS = 60;
/** A person's pace: 8 to 16 s between two messages, spread over visitors and turns. */
const thinkMs = (v: number, turn: number) => 8_000 + ((v * 7_919 + turn * 104_729) % 8_000);
const OPERATORS = 4;
const REPLIES_EACH = 2;
const DELIVERY_BOUND_MS = 2_000;

type Item = { role?: string; type?: string };

/** The echo model, except that a visitor asking for a person gets `request_human` called. */
function startEscalatingModel() {
  return startLoadModel('chat_completions', (echo) => (request) => {
    const last = userTexts(request).at(-1) ?? '';
    if (!/talk to a human/i.test(last)) return echo(request);
    const body = request.body as { messages?: Item[]; input?: Item[] };
    const items = body.input ?? body.messages ?? [];
    const lastUser = items.map((i) => i.role).lastIndexOf('user');
    const toolRan = items
      .slice(lastUser + 1)
      .some((i) => i.type === 'function_call_output' || i.role === 'tool');
    const tag = /\[v\d{3}-t\d+\]/.exec(last)?.[0] ?? '';
    return toolRan
      ? { kind: 'text', text: `Someone from our team will join you here shortly ${tag}.` }
      : { kind: 'tool_call', name: 'request_human', arguments: { reason: 'Asked for a person.' } };
  });
}

interface TurnRecord {
  visitor: number;
  turn: number;
  startedAt: number;
  result: TurnResult;
}

interface SentReply {
  visitor: number;
  operator: string;
  instance: number;
  text: string;
  sentAt: number;
  status: number;
}

interface Scenario {
  turns: TurnRecord[];
  moment: number;
  escalations: TurnRecord[];
  listed: { a: string[]; b: string[]; statuses: number[] };
  conversationOf: Map<number, string>;
  inboxWaiting: { a: Map<string, number>; b: Map<string, number> };
  replies: SentReply[];
  joins: number[];
  followers: Map<number, Follower>;
  thanks: { visitor: number; status: number; answered: boolean; state: string | undefined }[];
  modelCallsWhileHuman: number;
  histories: { visitor: number; problem: string }[];
  historyStatuses: number[];
  durationMs: number;
}

function escalationUnderLoad(variant: 'PostgreSQL' | 'PostgreSQL + Redis') {
  const redis = variant === 'PostgreSQL + Redis' ? redisNamespace() : undefined;
  const loop = humanLoopEnv();
  let model: Awaited<ReturnType<typeof startEscalatingModel>>;
  let scratch: ScratchDatabase;
  const instances: Instance[] = [];
  let run: Scenario;

  beforeAll(async () => {
    model = await startEscalatingModel();
    scratch = await createScratchDatabase();
    const env = { ...model.env, ...loop.env, PARLEY_STORE: scratch.url, ...redis?.env };
    instances.push(...(await startTwoInstances(env)));
    run = await scenario(instances as [Instance, Instance], model.fake);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await model?.fake.close();
    await scratch?.drop();
    await redis?.clear();
    loop.cleanup();
  });

  it('lists the 20 once and gets every operator reply to exactly its visitor within 2 s', () =>
    results.check(
      `${ESCALATING} of ${VISITORS} visitors ask for a person at once (${variant})`,
      () => {
        const escalatedIds = [...run.conversationOf.values()];
        const listProblems = [
          ...(['a', 'b'] as const).flatMap((side) => {
            const listed = run.listed[side];
            const problems: string[] = [];
            if (new Set(listed).size !== listed.length)
              problems.push(`instance ${side.toUpperCase()} lists a conversation twice`);
            if ([...listed].sort().join() !== [...escalatedIds].sort().join())
              problems.push(
                `instance ${side.toUpperCase()} lists ${listed.length} waiting for ${ESCALATING}`,
              );
            const events = run.inboxWaiting[side];
            const wrong = escalatedIds.filter((id) => events.get(id) !== 1);
            if (wrong.length > 0)
              problems.push(
                `instance ${side.toUpperCase()}'s live inbox announced ${wrong.length} conversations not exactly once`,
              );
            return problems;
          }),
          ...run.escalations
            .filter(
              (e) =>
                !e.result.events.some((x) => x.event === 'status' && x.data.status === 'waiting'),
            )
            .map((e) => `visitor ${e.visitor} not told it waits (${e.result.status})`),
        ];
        expectNone(listProblems, 'escalations not listed exactly once');

        const delivery: number[] = [];
        const problems: string[] = [];
        let missing = 0;
        let duplicated = 0;
        let crossTalk = 0;
        for (const [v, follower] of run.followers) {
          const mine = run.replies.filter((r) => r.visitor === v);
          const got = follower.operatorMessages();
          for (const reply of mine) {
            const copies = got.filter((g) => g.message.text === reply.text);
            if (copies.length === 0) missing++;
            if (copies.length > 1) duplicated += copies.length - 1;
            if (copies[0]) delivery.push(copies[0].at - reply.sentAt);
          }
          const foreign = got.filter(
            (g) => !g.message.text.includes(`[v${String(v).padStart(3, '0')}]`),
          );
          crossTalk += foreign.length;
          if (foreign.length > 0)
            problems.push(`visitor ${v} got ${foreign.length} replies for others`);
        }
        if (missing > 0) problems.push(`${missing} replies never reached their visitor`);
        if (duplicated > 0) problems.push(`${duplicated} replies arrived twice`);
        const late = delivery.filter((ms) => ms > DELIVERY_BOUND_MS);
        if (late.length > 0)
          problems.push(
            `${late.length} replies took over ${DELIVERY_BOUND_MS} ms (max ${Math.round(Math.max(...late))} ms)`,
          );
        const refused = [...run.joins, ...run.replies.map((r) => r.status)].filter(
          (s) => s !== 200 && s !== 201,
        );
        if (refused.length > 0) problems.push(`operator calls refused: ${refused.join(', ')}`);
        const thanksWrong = run.thanks.filter(
          (t) => t.status !== 200 || t.answered || t.state !== 'human',
        );
        if (thanksWrong.length > 0)
          problems.push(`${thanksWrong.length} visitor messages while human answered or refused`);
        if (run.modelCallsWhileHuman > 0)
          problems.push(
            `${run.modelCallsWhileHuman} model calls for conversations a person handles`,
          );
        expectNone(problems, 'operator replies not delivered exactly to their visitors');
        const escalationMs = run.escalations.map((e) => e.result.ms);
        // From asking to the `waiting` status on the visitor's own event stream.
        const announcedMs = run.escalations.flatMap((e) => {
          const status = run.followers
            .get(e.visitor)
            ?.received.find((r) => r.event.event === 'status' && r.event.data.status === 'waiting');
          return status ? [status.at - e.startedAt] : [];
        });
        return {
          detail: `${VISITORS} visitors chatting on two instances (coordination ${instances[0]?.running.coordination.kind}), each writing every 8-16 s; once all were in, ${ESCALATING} (10 per instance) asked for a person at the same moment. Both instances listed exactly those ${ESCALATING} as waiting, each once, and both live inboxes announced each once; ${OPERATORS} operators (two per instance) joined and sent ${REPLIES_EACH} replies each: every reply reached exactly its visitor's event stream, once, within ${DELIVERY_BOUND_MS} ms; the visitors' answers to the operators were stored and forwarded without a model call`,
          numbers: {
            visitors: VISITORS,
            escalated: ESCALATING,
            listed_waiting_a: run.listed.a.length,
            listed_waiting_b: run.listed.b.length,
            escalation_turn_p50_ms: Math.round(percentile(escalationMs, 50) ?? 0),
            escalation_turn_max_ms: Math.round(Math.max(0, ...escalationMs)),
            waiting_on_stream_p50_ms: Math.round(percentile(announcedMs, 50) ?? 0),
            waiting_on_stream_max_ms: Math.round(Math.max(0, ...announcedMs)),
            operators: OPERATORS,
            replies: run.replies.length,
            delivered_once: run.replies.length - missing - duplicated,
            missing,
            duplicated,
            cross_talk: crossTalk,
            delivery_p50_ms: Math.round(percentile(delivery, 50) ?? 0),
            delivery_p99_ms: Math.round(percentile(delivery, 99) ?? 0),
            delivery_max_ms: Math.round(Math.max(0, ...delivery)),
            model_calls_while_human: run.modelCallsWhileHuman,
          },
        };
      },
    ));

  it('keeps answering the other 180 with their own answers, with zero 5xx', () =>
    results.check(`the other ${VISITORS - ESCALATING} keep chatting meanwhile (${variant})`, () => {
      const others = run.turns.filter((t) => !escalates(t.visitor));
      const failed = others.filter((t) => t.result.text === undefined);
      const crossTalk = others.filter((t) => {
        const tags = t.result.text?.match(/\[v\d{3}-t\d+\]/g) ?? [];
        return (
          t.result.text !== undefined &&
          (tags.length !== 1 || tags[0] !== visitorTag(t.visitor, t.turn))
        );
      });
      const fiveXX =
        run.turns.filter((t) => t.result.status >= 500).length +
        [
          ...run.joins,
          ...run.replies.map((r) => r.status),
          ...run.thanks.map((t) => t.status),
        ].filter((s) => s >= 500).length +
        run.listed.statuses.filter((s) => s >= 500).length +
        run.historyStatuses.filter((s) => s >= 500).length;
      expectNone(
        failed.map(
          (t) =>
            `v${t.visitor} t${t.turn}: ${t.result.status} ${t.result.error?.code ?? t.result.networkError}`,
        ),
        `turns not answered (the instances logged: ${instances.flatMap(loggedErrors).slice(0, 3).join(' | ') || 'nothing'})`,
      );
      expectNone(
        crossTalk.map((t) => `v${t.visitor} t${t.turn} got "${t.result.text?.slice(0, 60)}"`),
        'answers with cross-talk',
      );
      expectNone(
        run.histories.map((h) => `v${h.visitor}: ${h.problem}`),
        'histories not exactly their own',
      );
      expect(fiveXX).toBe(0);
      expect(model.echo.stats.mixed).toBe(0);
      const afterMoment = others.filter((t) => t.startedAt >= run.moment);
      const latencies = others.map((t) => t.result.ms);
      const visitorsAfter = new Set(afterMoment.filter((t) => t.result.text).map((t) => t.visitor));
      return {
        detail: `while the ${ESCALATING} were handed to people, the other ${VISITORS - ESCALATING} went on chatting with the assistant over both instances (alternating, SSE and JSON): every turn answered with its own visitor's answer, every one of them answered again after the moment, every history exactly its own, zero 5xx from any request (visitors, operators, inbox, history)`,
        numbers: {
          visitors: VISITORS - ESCALATING,
          turns: others.length,
          answered: others.length - failed.length,
          failed: failed.length,
          turns_after_moment: afterMoment.length,
          visitors_answered_after_moment: visitorsAfter.size,
          '5xx': fiveXX,
          cross_talk: crossTalk.length,
          wrong_histories: run.histories.length,
          p50_ms: Math.round(percentile(latencies, 50) ?? 0),
          p99_ms: Math.round(percentile(latencies, 99) ?? 0),
          turns_per_s: Math.round((run.turns.length / run.durationMs) * 10_000) / 10,
          total_s: Math.round(run.durationMs / 1000),
        },
      };
    }));
}

/** Everything the scenario does, in order; the checks read what it recorded. */
async function scenario([a, b]: [Instance, Instance], fake: FakeOpenAI): Promise<Scenario> {
  const urlOf = (instance: number) => (instance % 2 === 0 ? a.url : b.url);
  const started = performance.now();
  const turns: TurnRecord[] = [];
  const escalations: TurnRecord[] = [];
  const followers = new Map<number, Follower>();
  const tokens = new Map<number, string>();
  const expectedHistory = new Map<number, { role: string; text: string }[]>();
  const inbox = { a: followInbox(a.url), b: followInbox(b.url) };
  let firstTurns = 0;
  let moment = 0;
  let releaseMoment!: () => void;
  const momentReached = new Promise<void>((resolve) => {
    releaseMoment = resolve;
  });
  let releaseThanks!: () => void;
  const thanksTime = new Promise<void>((resolve) => {
    releaseThanks = resolve;
  });
  const ending = new AbortController();
  const thanks: Scenario['thanks'] = [];

  const turn = async (v: number, n: number, message: string, url: string, sse: boolean) => {
    const startedAt = performance.now();
    const token = tokens.get(v);
    const result = await chatTurn(url, message, {
      sse,
      timeoutMs: 60_000,
      ...(token ? { token } : {}),
    });
    if (result.token) tokens.set(v, result.token);
    const record = { visitor: v, turn: n, startedAt, result };
    turns.push(record);
    if (result.text !== undefined) {
      const history = expectedHistory.get(v) ?? [];
      history.push({ role: 'user', text: message }, { role: 'assistant', text: result.text });
      expectedHistory.set(v, history);
    }
    return record;
  };

  const chatter = async (v: number) => {
    await sleep(v * ARRIVAL_MS);
    for (let n = 1; ; n++) {
      const message = `Visitor ${v}, question ${n}: where is my parcel? ${visitorTag(v, n)}`;
      const record = await turn(v, n, message, urlOf(v + n), (v + n) % 2 === 0);
      if (n === 1) firstTurns++;
      if (record.result.text === undefined) return;
      if (ending.signal.aborted) return;
      await sleep(thinkMs(v, n), undefined, { signal: ending.signal }).catch(() => {});
      if (ending.signal.aborted) return;
    }
  };

  const escalator = async (v: number) => {
    await sleep(v * ARRIVAL_MS);
    const home = urlOf(v);
    const first = await turn(
      v,
      1,
      `Visitor ${v}, question 1: where is my parcel? ${visitorTag(v, 1)}`,
      home,
      true,
    );
    firstTurns++;
    const lastEventId = first.result.ids.findLast((id) => id !== undefined);
    const follower = followWithResume({
      token: tokens.get(v)!,
      baseUrl: () => home,
      ...(lastEventId ? { lastEventId } : {}),
    });
    followers.set(v, follower);
    await momentReached;
    const escalation = await turn(
      v,
      2,
      `I want to talk to a human ${visitorTag(v, 2)}`,
      home,
      true,
    );
    escalations.push(escalation);
    await thanksTime;
    const text = `Thank you, that helps ${visitorTag(v, 3)}`;
    const reply = await sendChat(home, { message: text }, { token: tokens.get(v)! });
    thanks.push({
      visitor: v,
      status: reply.status,
      answered: reply.body.answer !== undefined,
      state: reply.body.conversation?.status,
    });
    const history = expectedHistory.get(v) ?? [];
    history.push({ role: 'user', text });
    expectedHistory.set(v, history);
  };

  const visitors = Array.from({ length: VISITORS }, (_, v) =>
    escalates(v) ? escalator(v) : chatter(v),
  );

  // Everyone is in; the twenty follow their conversations. Then they ask, all at once.
  await waitUntil(() => firstTurns === VISITORS, {
    timeoutMs: 120_000,
    what: 'every visitor answered once',
  });
  await waitUntil(() => [...followers.values()].every((f) => f.statuses().length > 0), {
    timeoutMs: 10_000,
    what: 'the twenty following their conversations',
  });
  moment = performance.now();
  releaseMoment();
  await waitUntil(() => escalations.length === ESCALATING, {
    timeoutMs: 60_000,
    what: 'every escalation answered',
  });

  // Both instances' inboxes: the twenty, each once.
  const opsA = operatorApi(a.url);
  const opsB = operatorApi(b.url);
  const listedA = await listAll(opsA, 'waiting');
  const listedB = await listAll(opsB, 'waiting');
  const conversationOf = new Map<number, string>();
  for (const [i, id] of listedA.ids.entries()) {
    const tag = await visitorOf(i % 2 === 0 ? opsA : opsB, id);
    if (tag) conversationOf.set(Number(tag.slice(1)), id);
  }
  await waitUntil(
    () =>
      [inbox.a, inbox.b].every((side) =>
        [...conversationOf.values()].every((id) =>
          side.changes.some((c) => c.conversation === id && c.change === 'waiting'),
        ),
      ),
    { timeoutMs: 5_000, what: 'both live inboxes announcing the twenty' },
  ).catch(() => {});

  // Four operators, two on each instance, each taking every fourth conversation.
  const replies: SentReply[] = [];
  const joins: number[] = [];
  const escalated = [...conversationOf.entries()].sort(([x], [y]) => x - y);
  await Promise.all(
    Array.from({ length: OPERATORS }, async (_, k) => {
      const name = `Operator ${k + 1}`;
      const ops = k % 2 === 0 ? opsA : opsB;
      for (const [v, id] of escalated.filter((_, i) => i % OPERATORS === k)) {
        joins.push((await ops.join(id, name)).status);
        for (let r = 1; r <= REPLIES_EACH; r++) {
          const text = `Reply ${r} from ${name} to [v${String(v).padStart(3, '0')}]: looking at your order now.`;
          const sent = await ops.reply(id, text, name);
          replies.push({
            visitor: v,
            operator: name,
            instance: k % 2,
            text,
            sentAt: sent.sentAt,
            status: sent.status,
          });
          await sleep(200);
        }
      }
    }),
  );
  await waitUntil(
    () =>
      [...followers].every(
        ([v, f]) => f.operatorMessages().length >= replies.filter((r) => r.visitor === v).length,
      ),
    { timeoutMs: 10_000, what: 'every reply delivered' },
  ).catch(() => {});
  for (const reply of replies) {
    const history = expectedHistory.get(reply.visitor) ?? [];
    if (reply.status === 201) history.push({ role: 'operator', text: reply.text });
  }

  // The twenty answer their operators: stored and forwarded, no model call.
  const requestsBefore = fake.requests.length;
  releaseThanks();
  await waitUntil(() => thanks.length === ESCALATING, {
    timeoutMs: 30_000,
    what: 'the twenty answering',
  });
  const modelCallsWhileHuman = fake.requests
    .slice(requestsBefore)
    .filter((request) => /Thank you, that helps/.test(userTexts(request).at(-1) ?? '')).length;

  // Everyone else has been answered since the moment; then the chatting stops.
  await waitUntil(
    () =>
      Array.from({ length: VISITORS }, (_, v) => v)
        .filter((v) => !escalates(v))
        .every((v) =>
          turns.some(
            (t) => t.visitor === v && t.startedAt >= moment && t.result.text !== undefined,
          ),
        ),
    { timeoutMs: 60_000, what: 'every other visitor answered after the moment' },
  ).catch(() => {});
  ending.abort();
  await Promise.all(visitors);
  const durationMs = performance.now() - started;
  await Promise.all([...followers.values()].map((f) => f.stop()));
  await Promise.all([inbox.a.stop(), inbox.b.stop()]);

  const count = (side: ReturnType<typeof followInbox>) => {
    const counts = new Map<string, number>();
    for (const change of side.changes.filter((c) => c.change === 'waiting'))
      counts.set(change.conversation, (counts.get(change.conversation) ?? 0) + 1);
    return counts;
  };

  // Every history, read from the other instance than the visitor's last turn.
  const histories: Scenario['histories'] = [];
  const historyStatuses: number[] = [];
  for (let v = 0; v < VISITORS; v++) {
    const read = await getHistory(urlOf(v + 1), { token: tokens.get(v)!, limit: 100 });
    historyStatuses.push(read.status);
    const actual = (read.body.messages ?? []).map((m) => ({ role: m.role, text: m.text }));
    const expected = expectedHistory.get(v) ?? [];
    if (read.status !== 200 || JSON.stringify(actual) !== JSON.stringify(expected))
      histories.push({
        visitor: v,
        problem: `history ${read.status} with ${actual.length} messages, expected ${expected.length}`,
      });
  }

  return {
    turns,
    moment,
    escalations,
    listed: {
      a: listedA.ids,
      b: listedB.ids,
      statuses: [...listedA.statuses, ...listedB.statuses],
    },
    conversationOf,
    inboxWaiting: { a: count(inbox.a), b: count(inbox.b) },
    replies,
    joins,
    followers,
    thanks,
    modelCallsWhileHuman,
    histories,
    historyStatuses,
    durationMs,
  };
}

await describeWithPostgres(
  `${ESCALATING} of ${VISITORS} visitors asking for a person at once, two instances on PostgreSQL`,
  () => {
    escalationUnderLoad('PostgreSQL');
  },
);

await describeWithPostgresAndRedis(
  `${ESCALATING} of ${VISITORS} visitors asking for a person at once, two instances on PostgreSQL + Redis`,
  () => {
    escalationUnderLoad('PostgreSQL + Redis');
  },
);
