import { ManualClock } from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { getHistory, sendChat } from '@parley/testkit/chat-client';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyIdentityToken } from './identity.js';

const SECRET = 'b7d3f1a9c0e2847d6a5f3b1c9e8d7a6f5e4d3c2b';
const KEY = new TextEncoder().encode(SECRET);
const NOW = Date.UTC(2026, 0, 6, 15);
const seconds = (ms: number) => Math.floor(ms / 1000);

function sign(claims: Record<string, unknown>, options: { key?: Uint8Array; exp?: number } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(seconds(NOW))
    .setExpirationTime(options.exp ?? seconds(NOW) + 600)
    .sign(options.key ?? KEY);
}

describe('verifyIdentityToken', () => {
  it('accepts a short-lived HS256 token and reads sub, email and name', async () => {
    const token = await sign({ sub: 'user-42', email: 'ada@example.com', name: 'Ada' });
    expect(await verifyIdentityToken(token, KEY, NOW)).toEqual({
      sub: 'user-42',
      email: 'ada@example.com',
      name: 'Ada',
    });
  });

  it.each([
    ['expired', () => sign({ sub: 'u' }, { exp: seconds(NOW) - 1 }), /expired/],
    [
      'signed with another secret',
      () => sign({ sub: 'u' }, { key: new TextEncoder().encode('x'.repeat(40)) }),
      /signature/,
    ],
    [
      'unsigned (alg: none)',
      async () => new UnsecuredJWT({ sub: 'u', exp: seconds(NOW) + 60 }).encode(),
      /HS256|signed/,
    ],
    ['without sub', () => sign({ email: 'a@b.c' }), /sub/],
    ['with an email that is not one', () => sign({ sub: 'u', email: 'not-an-email' }), /email/],
    [
      'with a line break in the name',
      () => sign({ sub: 'u', name: 'Ada\r\nBcc: x@evil.example' }),
      /name|email|sub/,
    ],
    ['valid for a week', () => sign({ sub: 'u' }, { exp: seconds(NOW) + 7 * 86_400 }), /24 hours/],
    ['not a JWT at all', async () => 'hello', /not a signed JWT/],
  ])('refuses a token that is %s', async (_case, make, reason) => {
    await expect(verifyIdentityToken(await make(), KEY, NOW)).rejects.toMatchObject({
      code: 'identity_invalid',
      status: 401,
      message: expect.stringMatching(reason),
    });
  });

  it('refuses an RS256-labelled token signed with the secret (algorithm confusion)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
    const token = (await sign({ sub: 'u' })).split('.');
    await expect(
      verifyIdentityToken(`${header}.${token[1]}.${token[2]}`, KEY, NOW),
    ).rejects.toMatchObject({
      code: 'identity_invalid',
    });
  });
});

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function identify(baseUrl: string, token: string, session?: string) {
  const response = await fetch(`${baseUrl}/api/chat/identify`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: baseUrl,
      ...(session ? { Authorization: `Bearer ${session}` } : {}),
    },
    body: JSON.stringify({ token }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/chat/identify', () => {
  it('binds a verified identity to the conversation; its email makes the form unnecessary', async () => {
    app = await startTestApp({
      clock: new ManualClock(NOW),
      env: { PARLEY_IDENTITY_SECRET: SECRET },
    });
    const first = await sendChat(app.baseUrl, { message: 'hello' });
    const session = first.body.sessionToken;
    const result = await identify(
      app.baseUrl,
      await sign({ sub: 'user-42', email: 'ada@example.com' }),
      session,
    );
    expect(result).toEqual({
      status: 200,
      body: {
        sessionToken: session,
        switched: false,
        conversation: { status: 'bot', contactKnown: true },
      },
    });
  });

  it('follows the verified user to another browser: the second one continues the conversation', async () => {
    app = await startTestApp({
      clock: new ManualClock(NOW),
      env: { PARLEY_IDENTITY_SECRET: SECRET },
    });
    const laptop = await sendChat(app.baseUrl, { message: 'My thermostat shows error E4' });
    await identify(app.baseUrl, await sign({ sub: 'user-42' }), laptop.body.sessionToken);

    // A phone with no session yet, then one with a conversation of its own: both switch.
    const phone = await identify(app.baseUrl, await sign({ sub: 'user-42' }));
    expect(phone.body.switched).toBe(true);
    const history = await getHistory(app.baseUrl, { token: String(phone.body.sessionToken) });
    expect(history.body.messages[0]?.text).toBe('My thermostat shows error E4');

    const tablet = await sendChat(app.baseUrl, { message: 'hi from the tablet' });
    const switched = await identify(
      app.baseUrl,
      await sign({ sub: 'user-42' }),
      tablet.body.sessionToken,
    );
    expect(switched.body.switched).toBe(true);
    expect(switched.body.sessionToken).not.toBe(tablet.body.sessionToken);
  });

  it('never hands one user’s conversation to another user signing in on the same browser', async () => {
    app = await startTestApp({
      clock: new ManualClock(NOW),
      env: { PARLEY_IDENTITY_SECRET: SECRET },
    });
    const alice = await sendChat(app.baseUrl, { message: 'My card ends in 4242' });
    const aliceToken = alice.body.sessionToken;
    await identify(
      app.baseUrl,
      await sign({ sub: 'alice', email: 'alice@example.com' }),
      aliceToken,
    );

    // Bob signs in later in the same browser, which still holds Alice's session token.
    const bob = await identify(
      app.baseUrl,
      await sign({ sub: 'bob', email: 'bob@example.com' }),
      aliceToken,
    );
    expect(bob.status).toBe(200);
    expect(bob.body.switched).toBe(true);
    expect(bob.body.sessionToken).not.toBe(aliceToken);
    const bobs = await getHistory(app.baseUrl, { token: String(bob.body.sessionToken) });
    expect(bobs.body.messages).toEqual([]);

    // Alice's conversation is still hers, and follows her to another device.
    const phone = await identify(app.baseUrl, await sign({ sub: 'alice' }));
    expect(phone.body.switched).toBe(true);
    const hers = await getHistory(app.baseUrl, { token: String(phone.body.sessionToken) });
    expect(hers.body.messages[0]?.text).toBe('My card ends in 4242');
  });

  it('refuses forged, expired and unsigned tokens with 401 and changes nothing', async () => {
    app = await startTestApp({
      clock: new ManualClock(NOW),
      env: { PARLEY_IDENTITY_SECRET: SECRET },
    });
    const victim = await sendChat(app.baseUrl, { message: 'private question' });
    await identify(app.baseUrl, await sign({ sub: 'victim' }), victim.body.sessionToken);
    for (const token of [
      await sign({ sub: 'victim' }, { key: new TextEncoder().encode('y'.repeat(40)) }),
      await sign({ sub: 'victim' }, { exp: seconds(NOW) - 60 }),
      new UnsecuredJWT({ sub: 'victim', exp: seconds(NOW) + 60 }).encode(),
    ]) {
      const result = await identify(app.baseUrl, token);
      expect(result.status).toBe(401);
      expect((result.body.error as { code: string }).code).toBe('identity_invalid');
    }
  });

  it('does not exist without PARLEY_IDENTITY_SECRET', async () => {
    app = await startTestApp({ clock: new ManualClock(NOW) });
    expect((await identify(app.baseUrl, await sign({ sub: 'u' }))).status).toBe(404);
  });
});

// Two instances' worth of interleaving needs a real database: on PostgreSQL the race is real.
await describeWithPostgres('POST /api/chat/identify on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch?.drop());

  it('binds one conversation when two browsers of one user sign in at the same moment', async () => {
    app = await startTestApp({
      clock: new ManualClock(NOW),
      env: { PARLEY_IDENTITY_SECRET: SECRET, PARLEY_STORE: scratch.url },
    });
    for (let round = 0; round < 5; round++) {
      const sub = `user-race-${round}`;
      const [laptop, phone] = await Promise.all([
        sendChat(app.baseUrl, { message: 'from the laptop' }),
        sendChat(app.baseUrl, { message: 'from the phone' }),
      ]);
      const token = await sign({ sub });
      const results = await Promise.all([
        identify(app.baseUrl, token, laptop.body.sessionToken),
        identify(app.baseUrl, token, phone.body.sessionToken),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      // One kept its conversation, the other switched to it: both hold the same one now.
      expect(results.map((r) => r.body.switched).sort()).toEqual([false, true]);
      expect(results[0]!.body.sessionToken).toBe(results[1]!.body.sessionToken);
      const bound = await app.store.context.db
        .selectFrom('conversations')
        .select('id')
        .where('identity_sub', '=', sub)
        .execute();
      expect(bound).toHaveLength(1);
    }
  });
});
