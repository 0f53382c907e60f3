import { startTestApp, type TestApp } from '@parley/testkit/app';
import { getHistory, sendChat } from '@parley/testkit/chat-client';
import { afterEach, describe, expect, it } from 'vitest';

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

  it('erases it: messages gone, the visitor token refused, tickets kept without transcript', async () => {
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
    expect(app.logs!.lines.some((line) => line.includes('conversation erased'))).toBe(true);
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
