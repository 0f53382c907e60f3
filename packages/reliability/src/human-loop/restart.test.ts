import { setTimeout as sleep } from 'node:timers/promises';
import { chatTurn, getHistory } from '@parley/testkit/chat-client';
import { describeWithPostgres } from '@parley/testkit/postgres';
import { percentile, waitUntil } from '@parley/testkit/stats';
import { afterAll, expect, it } from 'vitest';
import { scratchDeployment } from '../support/deployment.js';
import { expectNone } from '../support/expect-none.js';
import { visitorTag } from '../support/model-input.js';
import { killAndWait } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { type Follower, followWithResume } from './follower.js';
import { humanLoopEnv, listAll, operatorApi, visitorOf } from './operators.js';

/**
 * An operator on instance B answers visitors whose event streams are on instance A while A
 * restarts: stopped gracefully (the SIGTERM path, in this process) and, separately, the real entry
 * point killed with SIGKILL. The replies keep coming on B throughout. Each visitor's widget
 * reconnects with `Last-Event-ID`, half of them to B at once and half to A once it is back, and
 * must end up with every reply exactly once, in order; the history holds them all.
 */

const results = suiteRecorder('human-loop-restart', 'human_loop');
const VISITORS = 6;
/** Replies go out in rounds (one to every visitor) this far apart. */
const ROUND_MS = 150;
/** A restarts after this many rounds; the rounds go on until A is back and this many more. */
const ROUNDS_BEFORE = 4;
const ROUNDS_AFTER = 4;

interface SentReply {
  visitor: number;
  text: string;
  sentAt: number;
  status: number;
  seq: number | undefined;
}

await describeWithPostgres('operator replies while the visitor’s instance restarts', () => {
  const deployment = scratchDeployment();
  const loop = humanLoopEnv();
  afterAll(() => loop.cleanup());

  const env = { PARLEY_RATE_LIMITS: 'off', ...loop.env };

  /** Instance A as the variant runs it: where it listens, how it goes down and comes back. */
  interface RestartableA {
    url: string;
    down(): Promise<void>;
    up(): Promise<void>;
  }

  async function inProcessA(): Promise<RestartableA> {
    let current = await deployment.startInstance(env);
    const { port } = new URL(current.url);
    return {
      url: current.url,
      down: () => deployment.stopInstance(current),
      async up() {
        // The same port: the visitor's load balancer still points there.
        current = await deployment.startInstance({ ...env, PORT: port });
      },
    };
  }

  async function childProcessA(): Promise<RestartableA> {
    let current = await deployment.startProcess(env);
    const { port } = new URL(current.baseUrl);
    return {
      url: current.baseUrl,
      down: () => killAndWait(current.child, 'SIGKILL'),
      async up() {
        current = await deployment.startProcess({ ...env, PORT: port });
      },
    };
  }

  /** Starts B (in this process) next to A, and has its operator reply while A restarts. */
  async function replyDuringRestart(a: RestartableA) {
    const b = await deployment.startInstance(env);
    const ops = operatorApi(b.url);
    // Every visitor asks A for a person; the operator on B finds them waiting and joins.
    const visitors: { token: string; lastEventId: string | undefined; id: string }[] = [];
    for (let v = 0; v < VISITORS; v++) {
      const turn = await chatTurn(a.url, `I want to talk to a human ${visitorTag(v, 1)}`);
      expect(turn.status, `visitor ${v} asking for a person`).toBe(200);
      const status = turn.events.find((e) => e.event === 'status');
      expect(status?.event === 'status' && status.data.status).toBe('waiting');
      visitors.push({
        token: turn.token!,
        lastEventId: turn.ids.findLast((id) => id !== undefined),
        id: '',
      });
    }
    const waiting = await listAll(ops, 'waiting');
    for (const id of waiting.ids) {
      const tag = await visitorOf(ops, id);
      const v = tag ? Number(tag.slice(1)) : -1;
      if (visitors[v]) visitors[v].id = id;
    }
    expectNone(
      visitors.flatMap((visitor, v) => (visitor.id ? [] : [`visitor ${v}`])),
      'visitors not listed as waiting on B',
    );
    for (const visitor of visitors) expect((await ops.join(visitor.id, 'Dana')).status).toBe(200);

    // Each widget follows A; after the first break, even visitors go to B, odd ones back to A.
    const followers: Follower[] = visitors.map((visitor, v) => {
      let connections = 0;
      return followWithResume({
        token: visitor.token,
        ...(visitor.lastEventId ? { lastEventId: visitor.lastEventId } : {}),
        baseUrl: () => (connections++ === 0 || v % 2 === 1 ? a.url : b.url),
      });
    });
    await waitUntil(() => followers.every((f) => f.statuses().includes('human')), {
      timeoutMs: 5_000,
      what: 'every visitor following A',
    });

    const sent: SentReply[] = [];
    const restart = { downAt: 0, stoppedAt: 0, upAt: 0 };
    let restarting: Promise<void> | undefined;
    let roundsAfter = 0;
    for (let round = 1; round <= 200 && roundsAfter < ROUNDS_AFTER; round++) {
      if (round === ROUNDS_BEFORE + 1) {
        restarting = (async () => {
          restart.downAt = performance.now();
          await a.down();
          restart.stoppedAt = performance.now();
          await a.up();
          restart.upAt = performance.now();
        })();
      }
      if (restart.upAt > 0) roundsAfter++;
      await Promise.all(
        visitors.map(async (visitor, v) => {
          const text = `Reply ${round} to ${visitorTag(v, round)} from Dana`;
          const reply = await ops.reply(visitor.id, text, 'Dana');
          sent.push({
            visitor: v,
            text,
            sentAt: reply.sentAt,
            status: reply.status,
            seq: reply.body?.seq,
          });
        }),
      );
      await sleep(ROUND_MS);
    }
    await restarting;

    const expectedOf = (v: number) =>
      sent.filter((s) => s.visitor === v && s.status === 201).sort((x, y) => x.sentAt - y.sentAt);
    const caughtUp = await waitUntil(
      () => followers.every((f, v) => f.operatorMessages().length >= expectedOf(v).length),
      { timeoutMs: 10_000, what: 'every reply delivered' },
    ).catch(() => -1);
    await sleep(300); // Anything sent twice would arrive now.
    await Promise.all(followers.map((f) => f.stop()));

    const problems: string[] = [];
    const latencies: number[] = [];
    const whileDown: number[] = [];
    let duplicated = 0;
    let missing = 0;
    let foreign = 0;
    for (const [v, follower] of followers.entries()) {
      const expected = expectedOf(v);
      const got = follower.operatorMessages();
      const texts = got.map((g) => g.message.text);
      for (const reply of expected) {
        const copies = got.filter((g) => g.message.text === reply.text);
        if (copies.length === 0) missing++;
        if (copies.length > 1) duplicated += copies.length - 1;
        const first = copies[0];
        if (!first) continue;
        const ms = first.at - reply.sentAt;
        latencies.push(ms);
        if (reply.sentAt >= restart.downAt && reply.sentAt <= restart.upAt) whileDown.push(ms);
      }
      foreign += texts.filter((t) => !t.includes(`[v${String(v).padStart(3, '0')}-`)).length;
      if (texts.join('\n') !== expected.map((e) => e.text).join('\n'))
        problems.push(`visitor ${v}: ${texts.length} replies received for ${expected.length} sent`);
      const seqs = got.map((g) => g.message.seq);
      if (seqs.some((seq, i) => i > 0 && seq <= seqs[i - 1]!))
        problems.push(`visitor ${v}: message ids not strictly increasing`);
      const reconnectedTo = follower.connections.slice(1).map((c) => c.baseUrl);
      const wanted = v % 2 === 0 ? b.url : a.url;
      if (!got.some((g) => g.connection > 0 && g.baseUrl === wanted))
        problems.push(
          `visitor ${v}: no reply over a connection to ${wanted} (${reconnectedTo.length} reconnections)`,
        );
      for (const reader of [b.url, a.url]) {
        const history = await getHistory(reader, { token: visitors[v]!.token, limit: 100 });
        const stored = (history.body.messages ?? [])
          .filter((m) => m.role === 'operator')
          .map((m) => m.text);
        if (stored.join('\n') !== expected.map((e) => e.text).join('\n'))
          problems.push(
            `visitor ${v}: history on ${reader === b.url ? 'B' : 'A'} holds ${stored.length} of ${expected.length} replies`,
          );
      }
    }
    const failedReplies = sent.filter((s) => s.status !== 201);
    expectNone(
      failedReplies.map((s) => `visitor ${s.visitor}: ${s.status}`),
      'operator replies on B not accepted',
    );
    expectNone(problems, 'visitors without every reply exactly once');
    expect(caughtUp).toBeGreaterThanOrEqual(0);
    return {
      sent,
      followers,
      restart,
      numbers: {
        visitors: VISITORS,
        replies: sent.length,
        delivered_once: sent.length - missing - duplicated,
        missing,
        duplicated,
        cross_talk: foreign,
        operator_5xx: sent.filter((s) => s.status >= 500).length,
        replies_while_a_down: whileDown.length,
        a_down_ms: Math.round(restart.upAt - restart.downAt),
        a_start_ms: Math.round(restart.upAt - restart.stoppedAt),
        reconnections: followers.reduce((n, f) => n + f.connections.length - 1, 0),
        delivery_p50_ms: Math.round(percentile(latencies, 50) ?? 0),
        delivery_max_ms: Math.round(Math.max(0, ...latencies)),
        delivery_while_down_max_ms: Math.round(Math.max(0, ...whileDown)),
      },
    };
  }

  it('delivers every reply exactly once when A stops gracefully and comes back', () =>
    results.check('operator replies on B while A restarts gracefully (PostgreSQL)', async () => {
      const run = await replyDuringRestart(await inProcessA());
      return {
        detail: `${VISITORS} visitors asked A for a person and followed A's event stream; an operator on B joined and replied to all of them every ${ROUND_MS} ms while A stopped as on SIGTERM and started again on the same port. Every widget reconnected with Last-Event-ID (even visitors to B, odd ones to A once back): every reply arrived exactly once, in order, never another visitor's, and the histories on A and B held them all; B accepted every reply (201)`,
        numbers: run.numbers,
      };
    }));

  it('delivers every reply exactly once when A is killed with SIGKILL and restarted', () =>
    results.check('operator replies on B while A is killed (kill -9) and restarted', async () => {
      const run = await replyDuringRestart(await childProcessA());
      return {
        detail: `as above, with A the real entry point (node dist/main.js) killed with SIGKILL mid-replies and started again on the same port: every reply arrived exactly once, in order, and both histories held them all`,
        numbers: run.numbers,
      };
    }));
});
