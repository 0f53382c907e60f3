import type { ErrorBody } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { getHistory, sendChat } from '@parley/testkit/chat-client';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { openStore, type Store } from '../store/store.js';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const admin = (baseUrl: string, path: string, init: RequestInit = {}) =>
  fetch(`${baseUrl}/api/admin${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN}` } });

describe("one conversation's data (GDPR)", () => {
  it('exports everything held about it as JSON, and logs that it did without content', async () => {
    app = await startTestApp({ env: { PARLEY_ADMIN_TOKEN: ADMIN } });
    const chat = await sendChat(app.baseUrl, {
      message: 'Please open a ticket about my broken lock',
    });
    const id = (await app.store.inbox.list({ limit: 1 })).items[0]!.conversation.publicId;
    const response = await admin(app.baseUrl, `/conversations/${id}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`${id}.json`);
    const body = (await response.json()) as {
      conversation: { id: string };
      messages: unknown[];
      tickets: unknown[];
    };
    expect(body.conversation.id).toBe(id);
    expect(body.messages).toHaveLength(2);
    expect(body.tickets).toHaveLength(1);
    expect(chat.status).toBe(200);
    const logged = app.logs!.lines.filter((line) => line.includes('conversation exported'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain('broken lock');
  });

  it('erases it: messages gone, the visitor token refused, tickets kept without the visitor’s words', async () => {
    app = await startTestApp({ env: { PARLEY_ADMIN_TOKEN: ADMIN } });
    const chat = await sendChat(app.baseUrl, {
      message: 'Please open a ticket about my broken lock',
    });
    const id = (await app.store.inbox.list({ limit: 1 })).items[0]!.conversation.publicId;
    expect((await admin(app.baseUrl, `/conversations/${id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await admin(app.baseUrl, `/conversations/${id}/export`)).status).toBe(404);
    expect((await getHistory(app.baseUrl, { token: chat.body.sessionToken })).status).toBe(401);
    const ticket = (await app.store.tickets.list({ limit: 1 })).items[0];
    expect(ticket?.transcript).toEqual([]);
    expect(ticket).toMatchObject({ subject: '[erased]', description: '[erased]' });
    const listed = await admin(app.baseUrl, `/tickets/${ticket?.id}`);
    expect(JSON.stringify(await listed.json())).not.toContain('broken lock');
    expect(app.logs!.lines.some((line) => line.includes('conversation erased'))).toBe(true);
  });

  it('answers a write that lost the race with an erase as gone: 404 to the operator, 401 to the visitor', async () => {
    const store = await openStore(
      { kind: 'memory' },
      { clock: systemClock, limits: TEST_STORE_LIMITS },
    );
    // The erase lands between the route's read of the conversation and its write.
    let eraseBeforeNextWrite = false;
    const racing: Store = {
      ...store,
      log: {
        ...store.log,
        append: async (id, message, options) => {
          if (eraseBeforeNextWrite) {
            eraseBeforeNextWrite = false;
            await store.conversations.erase(id, { tickets: 'anonymise' });
          }
          return store.log.append(id, message, options);
        },
      },
    };
    app = await startTestApp({ store: racing, env: { PARLEY_ADMIN_TOKEN: ADMIN } });
    const first = await sendChat(app.baseUrl, { message: 'first question' });
    const id = (await store.inbox.list({ limit: 1 })).items[0]!.conversation.publicId;
    eraseBeforeNextWrite = true;
    const reply = await fetch(`${app.baseUrl}/api/operator/conversations/${id}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Dana here' }),
    });
    expect(reply.status).toBe(404);
    expect(((await reply.json()) as ErrorBody).error.code).toBe('not_found');

    const second = await sendChat(app.baseUrl, { message: 'second question' });
    eraseBeforeNextWrite = true;
    const late = await sendChat(
      app.baseUrl,
      { message: 'are you there?' },
      { token: second.body.sessionToken },
    );
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('session_invalid');
    expect(first.status).toBe(200);
    expect(app.logs!.lines.filter((line) => line.includes('unhandled error'))).toEqual([]);
    await store.close();
  });

  it('answers 401 to a wrong token and 400 to something that is not a conversation id', async () => {
    app = await startTestApp({ env: { PARLEY_ADMIN_TOKEN: ADMIN } });
    const wrong = await fetch(`${app.baseUrl}/api/admin/tickets`, {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await admin(app.baseUrl, '/conversations/..%2Fetc/export')).status).toBe(400);
  });
});
