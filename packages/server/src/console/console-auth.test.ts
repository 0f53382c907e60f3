import { hashPassword } from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { sendChat } from '@parley/testkit/chat-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_RECHECK_MS } from '../handoff/operator-routes.js';
import { CONSOLE_COOKIE, CSRF_HEADER } from './console-sessions.js';
import { verifyPassword } from './passwords.js';

const EMAIL = 'dana@acme.example';
const PASSWORD = 'correct horse battery staple';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(env: Record<string, string> = {}) {
  app = await startTestApp({ env });
  await app.store.operators.add({
    email: EMAIL,
    name: 'Dana',
    passwordHash: await hashPassword(PASSWORD),
  });
  return app;
}

async function signIn(baseUrl: string, password = PASSWORD, email = EMAIL) {
  const response = await fetch(`${baseUrl}/api/console/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  const body = (await response.json()) as { csrfToken?: string; error?: { code: string } };
  return { status: response.status, cookie, body, session: cookie.split(';')[0] ?? '' };
}

/** Signs in as the test operator from address `ip` (the app trusts one proxy hop). */
const signInFrom = (baseUrl: string) => (ip: string, password: string) =>
  fetch(`${baseUrl}/api/console/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, 'X-Forwarded-For': ip },
    body: JSON.stringify({ email: EMAIL, password }),
  });

describe('passwords', () => {
  it('are hashed with scrypt and a random salt, and verified in constant time', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword('wrong', a)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'not a hash')).toBe(false);
  });
});

describe('console sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie apart from visitors, and a CSRF token', async () => {
    const { baseUrl } = await start();
    const result = await signIn(baseUrl);
    expect(result.status).toBe(200);
    expect(result.cookie).toMatch(new RegExp(`^${CONSOLE_COOKIE}=`));
    expect(result.cookie).toMatch(/HttpOnly/);
    expect(result.cookie).toMatch(/SameSite=Strict/);
    expect(result.cookie).toMatch(/Secure/);
    expect(result.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const me = await fetch(`${baseUrl}/api/console/session`, {
      headers: { Cookie: result.session },
    });
    expect(await me.json()).toMatchObject({ operator: { name: 'Dana', email: EMAIL } });
  });

  it('refuses a sign-in posted from another origin', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/api/console/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('says only "wrong email or password", for a wrong password and for an unknown account', async () => {
    const { baseUrl } = await start();
    const wrong = await signIn(baseUrl, 'not the password');
    const unknown = await signIn(baseUrl, PASSWORD, 'nobody@acme.example');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.cookie).toBe('');
  });

  it('throttles failed sign-ins to one account from one address, without locking the owner out', async () => {
    const { baseUrl } = await start({ PARLEY_TRUST_PROXY: '1' });
    const attempt = signInFrom(baseUrl);
    for (let i = 0; i < 5; i++) expect((await attempt('203.0.113.7', 'guess')).status).toBe(401);
    const blocked = await attempt('203.0.113.7', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(60);
    // The operator, elsewhere, still gets in.
    expect((await attempt('198.51.100.20', PASSWORD)).status).toBe(200);
  });

  it('throttles failed sign-ins to one account from many addresses after 50', async () => {
    const { baseUrl } = await start({ PARLEY_TRUST_PROXY: '1' });
    const attempt = signInFrom(baseUrl);
    // Ten at a time: each wrong password costs a full scrypt, which runs on the thread pool.
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => attempt(`10.${batch}.${i}.1`, 'guess')),
      );
    }
    expect((await attempt('198.51.100.20', PASSWORD)).status).toBe(429);
  }, 60_000);

  it('uses the session for the operator API, requires the CSRF token on changes, and refuses other origins', async () => {
    const { baseUrl } = await start();
    const { session, body } = await signIn(baseUrl);
    const csrf = body.csrfToken!;
    const list = await fetch(`${baseUrl}/api/operator/conversations`, {
      headers: { Cookie: session },
    });
    expect(list.status).toBe(200);

    const close = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/operator/conversations/c_AAAAAAAAAAAAAAAA/close`, {
        method: 'POST',
        headers: { Cookie: session, 'Content-Type': 'application/json', ...headers },
      });
    expect((await close({})).status).toBe(403);
    expect((await close({ [CSRF_HEADER]: 'forged' })).status).toBe(403);
    expect((await close({ [CSRF_HEADER]: csrf, Origin: 'https://evil.example' })).status).toBe(403);
    // With the token and from the console's origin, the change gets through (404: no such conversation).
    expect((await close({ [CSRF_HEADER]: csrf, Origin: baseUrl })).status).toBe(404);
  });

  it('ends the session on sign-out, which needs the CSRF token and the console’s origin', async () => {
    const { baseUrl } = await start();
    const { session, body } = await signIn(baseUrl);
    const signOut = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/console/sign-out`, {
        method: 'POST',
        headers: { Cookie: session, ...headers },
      });
    // Any page of the same site can send the SameSite=Strict cookie along; without the token,
    // or from another origin, the session stays.
    expect((await signOut({ Origin: baseUrl })).status).toBe(403);
    expect(
      (await signOut({ Origin: 'https://evil.example', [CSRF_HEADER]: body.csrfToken! })).status,
    ).toBe(403);
    const still = await fetch(`${baseUrl}/api/console/session`, { headers: { Cookie: session } });
    expect(still.status).toBe(200);

    const out = await signOut({ Origin: baseUrl, [CSRF_HEADER]: body.csrfToken! });
    expect(out.status).toBe(204);
    // Signing out again, with the session gone, has nothing to refuse.
    expect((await signOut({ Origin: baseUrl })).status).toBe(204);
    const after = await fetch(`${baseUrl}/api/operator/conversations`, {
      headers: { Cookie: session },
    });
    expect(after.status).toBe(401);
  });

  it('ends an open event stream at its next event once the operator signed out', async () => {
    const { baseUrl, clock } = await start();
    const { session, body } = await signIn(baseUrl);
    const stream = await fetch(`${baseUrl}/api/operator/events`, { headers: { Cookie: session } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += value;
      }
    };

    await sendChat(baseUrl, { message: 'first question' });
    await readUntil(/event: inbox/);
    // Let the burst's last event (the answer) go out before signing out.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await fetch(`${baseUrl}/api/console/sign-out`, {
      method: 'POST',
      headers: { Cookie: session, Origin: baseUrl, [CSRF_HEADER]: body.csrfToken! },
    });
    (clock as unknown as { advance(ms: number): void }).advance(ACCESS_RECHECK_MS);
    await sendChat(baseUrl, { message: 'second question' });
    await readUntil(/$^/); // until the server ends the stream
    const [latest, first] = (await app!.store.inbox.list({ limit: 2 })).items;
    expect(seen).toContain(first!.conversation.publicId);
    expect(seen).not.toContain(latest!.conversation.publicId);
  });

  it('expires a session left idle', async () => {
    const { baseUrl, clock } = await start({ PARLEY_CONSOLE_IDLE: '1h' });
    const { session } = await signIn(baseUrl);
    (clock as unknown as { advance(ms: number): void }).advance(61 * 60_000);
    const after = await fetch(`${baseUrl}/api/operator/conversations`, {
      headers: { Cookie: session },
    });
    expect(after.status).toBe(401);
  });
});

describe('the console page', () => {
  it('is served with a CSP without unsafe-inline or unsafe-eval, and may not be framed', async () => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/console/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
