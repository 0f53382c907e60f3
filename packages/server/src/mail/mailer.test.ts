import { ManualClock } from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { followEvents, streamChat, tokenOf } from '@parley/testkit/chat-client';
import { startSmtpServer, type TestSmtpServer } from '@parley/testkit/smtp';
import { afterEach, describe, expect, it } from 'vitest';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
const OPEN = Date.UTC(2026, 0, 6, 15);

let app: TestApp | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await app?.close();
  await smtp?.close();
  app = undefined;
  smtp = undefined;
});

async function start(delay: string) {
  smtp = await startSmtpServer();
  const clock = new ManualClock(OPEN);
  app = await startTestApp({
    clock,
    env: {
      PARLEY_ADMIN_TOKEN: ADMIN,
      PARLEY_SMTP_URL: smtp.url,
      PARLEY_MAIL_FROM: 'Acme Support <support@acme.example>',
      PARLEY_MAIL_DELAY: delay,
    },
  });
  // A visitor asks for a person, leaves an address and goes away.
  const token = tokenOf(await streamChat(app.baseUrl, 'I want to talk to a human'))!;
  await fetch(`${app.baseUrl}/api/chat/contact`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      Origin: app.baseUrl,
    },
    body: JSON.stringify({ email: 'sam@example.com', name: 'Sam' }),
  });
  const id = (await app.store.inbox.list({ limit: 1 })).items[0]!.conversation.publicId;
  const reply = (text: string) =>
    fetch(`${app!.baseUrl}/api/operator/conversations/${id}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, name: 'Dana' }),
    });
  return { clock, token, reply, mailer: app.parley.services.mailer! };
}

describe('reply mails', () => {
  it('mail a reply the visitor has not seen, once the delay has passed', async () => {
    const { clock, reply, mailer } = await start('2m');
    await reply('Your parcel left our warehouse today.');
    expect(await mailer.sendDue()).toBe(0);
    clock.advance(2 * 60_000);
    expect(await mailer.sendDue()).toBe(1);
    expect(smtp!.mails).toHaveLength(1);
    expect(smtp!.mails[0]!.to).toEqual(['sam@example.com']);
    expect(smtp!.mails[0]!.raw).toContain('Dana wrote:');
    expect(smtp!.mails[0]!.raw).toContain('Your parcel left our warehouse today.');
  });

  it('put replies within the delay in one mail', async () => {
    const { clock, reply, mailer } = await start('2m');
    await reply('First: I am looking into it.');
    clock.advance(60_000);
    await reply('Second: found it, a refund is on its way.');
    clock.advance(2 * 60_000);
    expect(await mailer.sendDue()).toBe(1);
    expect(await mailer.sendDue()).toBe(0);
    expect(smtp!.mails).toHaveLength(1);
    expect(smtp!.mails[0]!.raw).toContain('First: I am looking into it.');
    expect(smtp!.mails[0]!.raw).toContain('Second: found it');
  });

  it('send nothing when the visitor saw the reply in the chat', async () => {
    const { clock, token, reply, mailer } = await start('2m');
    const stop = new AbortController();
    let seen = false;
    const following = followEvents(app!.baseUrl, {
      token,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.event === 'message' && event.data.role === 'operator') seen = true;
      },
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reply('Are you still there?');
    for (let i = 0; i < 100 && !seen; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    await following;
    expect(seen).toBe(true);
    clock.advance(5 * 60_000);
    expect(await mailer.sendDue()).toBe(0);
    expect(smtp!.mails).toHaveLength(0);
  });

  it('retry a mail the SMTP server refused, and lose nothing', async () => {
    const { clock, reply, mailer } = await start('0');
    smtp!.refuseNext(2);
    await reply('Sorry for the wait.');
    expect(await mailer.sendDue()).toBe(0);
    clock.advance(60_000);
    expect(await mailer.sendDue()).toBe(0);
    clock.advance(5 * 60_000);
    expect(await mailer.sendDue()).toBe(1);
    expect(smtp!.mails).toHaveLength(1);
  });
});
