import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { ManualClock } from '@parley/server';
import { chatTurn, sendChat } from '@parley/testkit/chat-client';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { waitUntil } from '@parley/testkit/stats';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { visitorTag } from '../support/model-input.js';
import { freePort } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { type Instance, startInstance } from '../support/servers.js';
import { humanLoopEnv, listAll, operatorApi, visitorOf } from './operators.js';
import { driveUntil, type OutboxRow, outboxRows } from './outbox.js';

/**
 * Signed webhooks while the receiver is down: first unreachable (nothing listens on its port),
 * then up but answering 503 to some deliveries, then well. Deliveries wait in the outbox and are
 * retried with backoff; in the end every event arrives, each accepted exactly once, every request
 * (retries included) correctly signed and verified with the receiver's own library, with the same
 * `webhook-id` and body on every retry. Time is a manual clock started at the real time, since
 * receivers check a webhook's timestamp against their own clock (5 minutes of tolerance): the
 * backoff steps it goes through add up to less.
 */

const results = suiteRecorder('human-loop-webhook-down', 'human_loop');
const SECRET = `whsec_${Buffer.from('reliability-webhook-secret-32byte').toString('base64')}`;
/** Visitors asking for a person (one `conversation.waiting` and two `conversation.message` each). */
const WAITING = 4;
const MESSAGES_EACH = 2;
/** Visitors asking for a ticket (one `ticket.created` each). */
const TICKETS = 3;
const EVENTS = WAITING * (1 + MESSAGES_EACH) + TICKETS;
/** Deliveries answered 503 once the receiver is back. */
const REFUSED = 7;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver on a known port of 127.0.0.1: 503 to the next `refuse` requests, then 204. */
async function startReceiver(port: number, refuse: number) {
  const deliveries: Delivery[] = [];
  let refusals = refuse;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const status = refusals > 0 ? 503 : 204;
      if (refusals > 0) refusals--;
      deliveries.push({ headers: req.headers, body, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

await describeWithPostgres('signed webhooks while the receiver is down', () => {
  let scratch: ScratchDatabase;
  const loop = humanLoopEnv();
  let instance: Instance | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(async () => {
    await instance?.stop();
    await receiver?.close();
  });
  afterAll(async () => {
    await scratch?.drop();
    loop.cleanup();
  });

  it('delivers every event exactly once, signed, after the receiver comes back', () =>
    results.check(
      'webhook receiver unreachable, then refusing (503), then back: every event delivered once',
      async () => {
        const port = await freePort();
        const clock = new ManualClock(Date.now());
        instance = await startInstance(
          {
            PARLEY_STORE: scratch.url,
            PARLEY_RATE_LIMITS: 'off',
            PARLEY_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
            PARLEY_WEBHOOK_SECRET: SECRET,
            ...loop.env,
          },
          { clock },
        );
        const { url } = instance;
        const ops = operatorApi(url);
        const webhooks = instance.running.parley.services.webhooks;
        if (!webhooks) throw new Error('webhooks are not configured');
        const rows = () => outboxRows(scratch.url, 'webhook');

        // The events, while nothing listens on the receiver's port.
        const sentMessages: string[] = [];
        const waitingIds: string[] = [];
        for (let v = 0; v < WAITING; v++) {
          const turn = await chatTurn(url, `I want to talk to a human ${visitorTag(v, 1)}`);
          expect(turn.status).toBe(200);
          const id = await (async () => {
            for (const candidate of (await listAll(ops, 'waiting')).ids) {
              if ((await visitorOf(ops, candidate)) === `v${String(v).padStart(3, '0')}`)
                return candidate;
            }
            return undefined;
          })();
          expect(id, `visitor ${v} waiting`).toBeDefined();
          waitingIds.push(id!);
          expect((await ops.join(id!, 'Dana')).status).toBe(200);
          for (let m = 0; m < MESSAGES_EACH; m++) {
            const text = `Order ${v}-${m} never arrived ${visitorTag(v, m + 2)}`;
            const sent = await sendChat(url, { message: text }, { token: turn.token! });
            expect(sent.status).toBe(200);
            expect(sent.body.answer).toBeUndefined();
            sentMessages.push(text);
          }
        }
        for (let t = 0; t < TICKETS; t++) {
          const turn = await chatTurn(url, `Please open a ticket for me ${visitorTag(100 + t, 1)}`);
          expect(turn.answer?.ticketId).toMatch(/^T-/);
        }
        await waitUntil(async () => (await rows()).length === EVENTS, {
          timeoutMs: 5_000,
          what: `${EVENTS} webhooks queued`,
        });
        const t0 = clock.now();

        const attempt = (n: number, what: string) =>
          driveUntil(
            () => webhooks.deliverDue(),
            rows,
            (r) => r.every((x) => x.doneAt !== null || x.attempts === n),
            what,
          );
        // Unreachable: the first attempt, and the first retry 5 s later, both fail.
        const first = await attempt(1, 'first attempt');
        expect(first.filter((r) => r.doneAt === null)).toHaveLength(EVENTS);
        expect(first[0]?.lastError).toMatch(/fetch failed|ECONNREFUSED/);
        await webhooks.deliverDue();
        expect((await rows()).every((r) => r.attempts === 1)).toBe(true);
        clock.set(Math.max(...first.map((r) => r.dueAt)));
        const second = await attempt(2, 'second attempt');

        // The receiver is back but refuses some deliveries with 503.
        receiver = await startReceiver(port, REFUSED);
        clock.set(Math.max(...second.map((r) => r.dueAt)));
        const third = await attempt(3, 'third attempt');
        const stillDue = third.filter((r) => r.doneAt === null);
        expect(stillDue).toHaveLength(REFUSED);
        clock.set(Math.max(...stillDue.map((r) => r.dueAt)));
        const last = await driveUntil(
          () => webhooks.deliverDue(),
          rows,
          (r) => r.every((x) => x.doneAt !== null),
          'every webhook delivered',
        );
        await webhooks.deliverDue();

        // What the receiver saw, checked with its own library.
        const verifier = new Webhook(SECRET);
        const problems: string[] = [];
        const byId = new Map<string, Delivery[]>();
        let unsigned = 0;
        for (const delivery of receiver.deliveries) {
          try {
            verifier.verify(delivery.body, delivery.headers as Record<string, string>);
          } catch {
            unsigned++;
          }
          const id = String(delivery.headers['webhook-id']);
          byId.set(id, [...(byId.get(id) ?? []), delivery]);
        }
        let afterAccepted = 0;
        for (const [id, tries] of byId) {
          const accepted = tries.findIndex((t) => t.status < 300);
          if (accepted < 0) problems.push(`${id} never accepted`);
          else afterAccepted += tries.length - accepted - 1;
          if (new Set(tries.map((t) => t.body)).size !== 1)
            problems.push(`${id} sent with different bodies`);
        }
        const bodies = [...byId.values()].map(
          (tries) => JSON.parse(tries[0]!.body) as { type: string; data: Record<string, unknown> },
        );
        const ofType = (type: string) => bodies.filter((b) => b.type === type);
        const waitingSeen = ofType('conversation.waiting').map((b) => String(b.data.conversation));
        const messagesSeen = ofType('conversation.message').map((b) =>
          String((b.data.message as { text?: string } | undefined)?.text),
        );
        if (waitingSeen.sort().join() !== [...waitingIds].sort().join())
          problems.push(
            `conversation.waiting for ${waitingSeen.length} of ${WAITING} conversations`,
          );
        if (messagesSeen.sort().join() !== [...sentMessages].sort().join())
          problems.push(
            `conversation.message for ${messagesSeen.length} of ${sentMessages.length} messages`,
          );
        if (ofType('ticket.created').length !== TICKETS)
          problems.push(`${ofType('ticket.created').length} ticket.created for ${TICKETS} tickets`);
        expect(unsigned).toBe(0);
        expect(byId.size).toBe(EVENTS);
        expect(afterAccepted).toBe(0);
        expectNone(problems, 'events not delivered exactly as sent');

        const backoff = (before: OutboxRow[], after: OutboxRow[]) =>
          Math.round(
            Math.min(
              ...after
                .filter((r) => r.doneAt === null)
                .map((r) => r.dueAt - (before.find((b) => b.id === r.id)?.dueAt ?? 0)),
            ) / 1000,
          );
        const refused = receiver.deliveries.filter((d) => d.status >= 500).length;
        return {
          detail: `${EVENTS} events (${WAITING} conversation.waiting, ${WAITING * MESSAGES_EACH} conversation.message, ${TICKETS} ticket.created) queued while nothing listened on the receiver's port: two attempts each failed (connection refused); the receiver came back answering 503 to ${REFUSED} deliveries, which were retried after their backoff. In the end every event was accepted exactly once, nothing after its acceptance; every request, retries included, verified with standardwebhooks' Webhook.verify, and each webhook-id kept the same body across its retries`,
          numbers: {
            events: EVENTS,
            delivered: byId.size - problems.filter((p) => p.includes('never accepted')).length,
            requests_received: receiver.deliveries.length,
            refused_503: refused,
            failed_unreachable: EVENTS * 2,
            attempts: last.reduce((n, r) => n + r.attempts, 0) + EVENTS,
            signature_failures: unsigned,
            duplicates_after_accepted: afterAccepted,
            retry_1_after_s: Math.round(
              Math.min(...first.map((r) => r.dueAt - r.createdAt)) / 1000,
            ),
            retry_2_after_s: backoff(first, second),
            retry_3_after_s: backoff(second, third),
            simulated_s: Math.round((clock.now() - t0) / 1000),
          },
        };
      },
    ));
});
