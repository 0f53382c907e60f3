import { ManualClock } from '@parley/server';
import { chatTurn } from '@parley/testkit/chat-client';
import { describeWithPostgres } from '@parley/testkit/postgres';
import { startSmtpServer, type TestSmtpServer } from '@parley/testkit/smtp';
import { waitUntil } from '@parley/testkit/stats';
import { afterAll, afterEach, expect, it } from 'vitest';
import { scratchDeployment } from '../support/deployment.js';
import { expectNone } from '../support/expect-none.js';
import { visitorTag } from '../support/model-input.js';
import { freePort } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { humanLoopEnv, listAll, operatorApi, visitorOf } from './operators.js';
import { driveUntil, type OutboxRow, outboxRows } from './outbox.js';

/**
 * Reply mails while the SMTP server is down. Visitors ask for a person, leave an address and go
 * away; an operator answers each several times. The mail server is first unreachable (nothing
 * listens on the configured port) and, separately, up but refusing every mail with a temporary
 * 451. Meanwhile the outbox keeps one mail per conversation, retried with backoff, and a reply
 * written during the outage joins it; once SMTP works each visitor gets exactly one mail holding
 * every reply. The mail job runs as in production (the background job) and is also driven
 * directly; time is a manual clock, so hours of backoff pass at once.
 */

const results = suiteRecorder('human-loop-smtp-down', 'human_loop');
const VISITORS = 5;
/** Replies before the mail is due, 30 s apart, then one more during the outage. */
const REPLIES_BEFORE = 3;
const MAIL_DELAY_MS = 120_000;
const minute = 60_000;

const emailOf = (v: number) => `visitor${v}@example.com`;
const replyText = (v: number, n: number) => `Reply ${n} to ${visitorTag(v, 1)}: we are on it.`;

/** When the last of `rows` is due. */
const lastDue = (rows: OutboxRow[]) => Math.max(...rows.map((r) => r.dueAt));

/** A raw mail's text with quoted-printable soft line breaks undone. */
const unfolded = (raw: string) => raw.replace(/=\r?\n/g, '');

await describeWithPostgres('reply mails while the SMTP server is down', () => {
  const deployment = scratchDeployment();
  const loop = humanLoopEnv();
  let smtp: TestSmtpServer | undefined;

  afterEach(async () => {
    // The instance first, then the SMTP server it mails through.
    await deployment.stopAll();
    await smtp?.close();
    smtp = undefined;
  });
  afterAll(() => loop.cleanup());

  /**
   * One instance mailing through `smtp://127.0.0.1:<port>`; visitors who asked for a person, left
   * an address and went away; `REPLIES_BEFORE` replies to each, 30 s apart.
   */
  async function visitorsAway(port: number, clock: ManualClock) {
    const instance = await deployment.startInstance(
      {
        PARLEY_RATE_LIMITS: 'off',
        PARLEY_SMTP_URL: `smtp://127.0.0.1:${port}`,
        PARLEY_MAIL_FROM: 'Acme Support <support@acme.example>',
        PARLEY_MAIL_DELAY: '2m',
        ...loop.env,
      },
      { clock },
    );
    const { url } = instance;
    const ops = operatorApi(url);
    const known = new Set((await listAll(ops, 'human')).ids);
    const tokens: string[] = [];
    for (let v = 0; v < VISITORS; v++) {
      const turn = await chatTurn(url, `I want to talk to a human ${visitorTag(v, 1)}`);
      expect(turn.status).toBe(200);
      tokens.push(turn.token!);
      const contact = await fetch(`${url}/api/chat/contact`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${turn.token}`,
          Origin: url,
        },
        body: JSON.stringify({ email: emailOf(v), name: `Visitor ${v}` }),
      });
      expect(contact.status).toBe(200);
    }
    const ids: string[] = [];
    for (const id of (await listAll(ops, 'waiting')).ids) {
      if (known.has(id)) continue;
      const tag = await visitorOf(ops, id);
      if (tag) ids[Number(tag.slice(1))] = id;
    }
    expect(ids.filter(Boolean)).toHaveLength(VISITORS);
    const reply = async (n: number) => {
      for (const [v, id] of ids.entries()) {
        expect((await ops.reply(id, replyText(v, n), 'Dana')).status).toBe(201);
      }
    };
    const mailer = instance.running.parley.services.mailer;
    if (!mailer) throw new Error('the mailer is not configured');
    const rows = async () => {
      const conversations = new Set(
        await Promise.all(
          ids.map(async (id) => (await instance.running.store.conversations.byPublicId(id))?.id),
        ),
      );
      return (await outboxRows(deployment.storeUrl, 'mail')).filter(
        (r) => r.conversationId && conversations.has(r.conversationId),
      );
    };
    for (let n = 1; n <= REPLIES_BEFORE; n++) {
      await reply(n);
      // The mail is queued just after the reply is answered; let it be, before time moves on.
      if (n === 1) {
        await waitUntil(async () => (await rows()).length === VISITORS, {
          timeoutMs: 5_000,
          what: 'a mail queued for every conversation',
        });
      }
      if (n < REPLIES_BEFORE) clock.advance(30_000);
    }
    const sendDue = () => mailer.sendDue();
    /** Moves the clock to when the last of `due` is due, then runs the mail job until `settled`. */
    const sendWhenDue = (
      due: OutboxRow[],
      settled: (rows: OutboxRow[]) => boolean,
      what: string,
    ) => {
      clock.set(lastDue(due));
      return driveUntil(sendDue, rows, settled, what);
    };
    return { ids, reply, rows, sendDue, sendWhenDue };
  }

  /** The mails against the replies: one per visitor, every reply once, in order. */
  function checkMails(server: TestSmtpServer, replies: number) {
    const problems: string[] = [];
    let mailed = 0;
    for (let v = 0; v < VISITORS; v++) {
      const mine = server.mails.filter((m) => m.to.includes(emailOf(v)));
      if (mine.length !== 1) problems.push(`visitor ${v}: ${mine.length} mails`);
      const text = mine.map((m) => unfolded(m.raw)).join('\n');
      const positions = Array.from({ length: replies }, (_, i) =>
        text.indexOf(replyText(v, i + 1)),
      );
      mailed += positions.filter((p) => p >= 0).length;
      if (positions.some((p) => p < 0))
        problems.push(`visitor ${v}: ${positions.filter((p) => p < 0).length} replies missing`);
      else if (positions.some((p, i) => i > 0 && p < positions[i - 1]!))
        problems.push(`visitor ${v}: replies out of order`);
      for (let n = 1; n <= replies; n++) {
        if (text.split(replyText(v, n)).length > 2) problems.push(`visitor ${v}: reply ${n} twice`);
      }
      if (/\[v\d{3}-t1\]/.test(text.replaceAll(visitorTag(v, 1), '')))
        problems.push(`visitor ${v}: another visitor's reply in the mail`);
    }
    return { problems, mailed, lost: VISITORS * replies - mailed };
  }

  const pending = (rows: OutboxRow[]) => rows.filter((r) => r.doneAt === null);
  const backoffs = (before: OutboxRow[], after: OutboxRow[]) =>
    after.map((r) => r.dueAt - (before.find((b) => b.id === r.id)?.dueAt ?? r.dueAt));

  it('keeps every mail while nothing listens on the SMTP port, then delivers one per visitor', () =>
    results.check('SMTP unreachable, then back: reply mails kept, retried, delivered', async () => {
      const port = await freePort();
      const clock = new ManualClock(Date.now());
      const away = await visitorsAway(port, clock);
      const firstReplyAt = clock.now() - (REPLIES_BEFORE - 1) * 30_000;
      let rows = await away.rows();
      const queued = rows;
      const dueAt = lastDue(rows);
      expect(rows).toHaveLength(VISITORS);
      expect(rows.every((r) => r.attempts === 0 && r.doneAt === null)).toBe(true);

      // Due 2 min after the first reply: the first attempt finds nothing listening.
      const first = await away.sendWhenDue(
        rows,
        (r) => r.every((x) => x.attempts === 1),
        'first attempt',
      );
      expect(pending(first)).toHaveLength(VISITORS);
      expect(first[0]?.lastError).toMatch(/ECONNREFUSED|connect/i);
      // Not due again yet: running the job changes nothing.
      await away.sendDue();
      expect((await away.rows()).every((r) => r.attempts === 1)).toBe(true);

      // A reply during the outage joins the mail already queued.
      await away.reply(REPLIES_BEFORE + 1);
      expect(await away.rows()).toHaveLength(VISITORS);

      const second = await away.sendWhenDue(
        first,
        (r) => r.every((x) => x.attempts === 2),
        'second attempt',
      );
      expect(pending(second)).toHaveLength(VISITORS);

      // The SMTP server comes back where PARLEY_SMTP_URL points.
      smtp = await startSmtpServer({ port });
      const backAt = lastDue(second);
      rows = await away.sendWhenDue(second, (r) => pending(r).length === 0, 'every mail sent');
      const extra = await away.sendDue();
      const mails = checkMails(smtp, REPLIES_BEFORE + 1);
      expectNone(mails.problems, 'mails not exactly one per visitor with every reply');
      expect(extra).toBe(0);
      return {
        detail: `${VISITORS} visitors asked for a person, left an address and went away; ${REPLIES_BEFORE} replies each 30 s apart, then nothing listened on the SMTP port for two attempts (ECONNREFUSED), during which a ${REPLIES_BEFORE + 1}th reply joined the mail already queued. The outbox kept one mail per conversation throughout; once a real SMTP server listened on that port each visitor got exactly one mail holding all ${REPLIES_BEFORE + 1} replies in order, and nothing else`,
        numbers: {
          visitors: VISITORS,
          replies: VISITORS * (REPLIES_BEFORE + 1),
          failed_attempts: VISITORS * 2,
          retry_1_after_s: Math.round(Math.min(...backoffs(queued, first)) / 1000),
          retry_2_after_s: Math.round(Math.min(...backoffs(first, second)) / 1000),
          outbox_kept_during_outage: pending(second).length,
          mails: smtp.mails.length,
          replies_mailed: mails.mailed,
          lost: mails.lost,
          duplicate_mails: smtp.mails.length - VISITORS,
          smtp_down_min: Math.round((backAt - dueAt) / minute),
          mail_delay_min: MAIL_DELAY_MS / minute,
          first_reply_to_mail_min: Math.round((backAt - firstReplyAt) / minute),
        },
      };
    }));

  it('retries mails the SMTP server refuses with 451 and delivers each once', () =>
    results.check(
      'SMTP refusing (451), then accepting: reply mails retried, delivered once',
      async () => {
        smtp = await startSmtpServer();
        const refused = VISITORS + 2;
        smtp.refuseNext(refused);
        const clock = new ManualClock(Date.now());
        const away = await visitorsAway(Number(new URL(smtp.url).port), clock);
        let rows = await away.rows();
        expect(rows).toHaveLength(VISITORS);

        const first = await away.sendWhenDue(
          rows,
          (r) => r.every((x) => x.attempts === 1),
          'first attempt',
        );
        expect(first[0]?.lastError).toMatch(/451|Try again later/);
        expect(smtp.mails).toHaveLength(0);
        const second = await away.sendWhenDue(
          first,
          (r) =>
            r.filter((x) => x.doneAt === null).every((x) => x.attempts === 2) &&
            r.every((x) => x.attempts >= 1),
          'second attempt',
        );
        expect(pending(second)).toHaveLength(refused - VISITORS);
        rows = await away.sendWhenDue(
          pending(second),
          (r) => pending(r).length === 0,
          'every mail sent',
        );
        const mails = checkMails(smtp, REPLIES_BEFORE);
        expectNone(mails.problems, 'mails not exactly one per visitor with every reply');
        return {
          detail: `${VISITORS} visitors away with ${REPLIES_BEFORE} replies each; the SMTP server refused the next ${refused} mails with 451 (every first attempt and two second ones). Each refused mail stayed in the outbox and was retried after its backoff; in the end each visitor got exactly one mail with all ${REPLIES_BEFORE} replies in order`,
          numbers: {
            visitors: VISITORS,
            replies: VISITORS * REPLIES_BEFORE,
            refused_451: refused,
            attempts: rows.reduce((n, r) => n + r.attempts, 0) + VISITORS,
            mails: smtp.mails.length,
            replies_mailed: mails.mailed,
            lost: mails.lost,
            duplicate_mails: smtp.mails.length - VISITORS,
          },
        };
      },
    ));
});
