import type { ContactReply, IdentifyReply } from '@parley/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  BOT,
  errorResponse,
  fakeFetch,
  historyPage,
  openStream,
  SERVER,
  sseResponse,
  stored,
} from '../../test/fake-fetch';
import { createApiClient, NO_HISTORY, tokenKey } from './client';
import { ParleyError } from './errors';

const KEY = tokenKey(SERVER);

beforeEach(() => {
  localStorage.clear();
});

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('createApiClient', () => {
  it('posts chat requests with the contract headers and cookies', async () => {
    const { fetch, requests } = fakeFetch(() => sseResponse(answer('Hi')));
    const client = createApiClient({ server: `${SERVER}/`, fetch });
    const events = await drain(
      client.chat(
        { message: 'Hello', clientMessageId: 'c1' },
        'key-1',
        new AbortController().signal,
      ),
    );

    expect(events).toHaveLength(3);
    expect(events[1]).toEqual({
      event: { event: 'delta', data: { text: 'Hi' } },
      id: expect.stringMatching(/^\d+\.1$/),
    });
    const [request] = requests;
    expect(request?.url).toBe(`${SERVER}/api/chat`);
    expect(request?.method).toBe('POST');
    expect(request?.credentials).toBe('include');
    expect(request?.body).toEqual({ message: 'Hello', clientMessageId: 'c1' });
    expect(request?.headers.get('Content-Type')).toBe('application/json');
    expect(request?.headers.get('Accept')).toBe('text/event-stream');
    expect(request?.headers.get('Idempotency-Key')).toBe('key-1');
    expect(request?.headers.has('Authorization')).toBe(false);
  });

  it('keeps a path prefix in the server URL', async () => {
    const { fetch, requests } = fakeFetch(() => historyPage());
    await createApiClient({ server: 'https://example.com/parley', fetch }).history();
    expect(requests[0]?.url).toBe('https://example.com/parley/api/chat/history');
  });

  it('stores the token per server origin and sends it as a bearer token', async () => {
    const { fetch, requests } = fakeFetch(() => historyPage());
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok_1');
    expect(localStorage.getItem(KEY)).toBe('tok_1');
    expect(KEY).toBe('parley:token:https://chat.example.com');

    const reloaded = createApiClient({ server: SERVER, fetch });
    expect(reloaded.hasToken()).toBe(true);
    await reloaded.history();
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer tok_1');
    expect(createApiClient({ server: 'https://other.example', fetch }).hasToken()).toBe(false);
  });

  it('works without storage when localStorage throws', async () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { fetch, requests } = fakeFetch(() => historyPage());
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok_memory');
    await client.history();
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer tok_memory');
  });

  it('maps error bodies to ParleyError with Retry-After', async () => {
    const { fetch } = fakeFetch(() => errorResponse(429, 'rate_limited', { 'Retry-After': '12' }));
    const client = createApiClient({ server: SERVER, fetch });
    const failure = await drain(
      client.chat({ message: 'x' }, 'k', new AbortController().signal),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ParleyError);
    expect(failure).toMatchObject({
      code: 'rate_limited',
      retryAfter: 12,
      retryable: true,
      name: 'ParleyError',
    });
  });

  it.each([
    [503, 'model_unavailable', true],
    [409, 'turn_in_progress', true],
    [422, 'invalid_request', false],
    [413, 'payload_too_large', false],
  ] as const)('HTTP %i %s is retryable: %s', async (status, code, retryable) => {
    const { fetch } = fakeFetch(() => errorResponse(status, code));
    const client = createApiClient({ server: SERVER, fetch });
    await expect(client.feedback({ messageId: 'm', rating: 'up' })).rejects.toMatchObject({
      code,
      retryable,
    });
  });

  it('falls back to the status when the body is not an ErrorBody', async () => {
    const { fetch } = fakeFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502 }));
    const client = createApiClient({ server: SERVER, fetch });
    await expect(client.feedback({ messageId: 'm', rating: 'up' })).rejects.toMatchObject({
      code: 'internal',
    });
  });

  it('reports network failures as retryable `network` errors', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = createApiClient({ server: SERVER, fetch });
    await expect(client.history()).rejects.toMatchObject({ code: 'network', retryable: true });
  });

  it('drops an invalid token: history comes back empty and the token is gone', async () => {
    localStorage.setItem(KEY, 'stale');
    const { fetch } = fakeFetch(() => errorResponse(401, 'session_invalid'));
    const client = createApiClient({ server: SERVER, fetch });
    expect(await client.history()).toEqual(NO_HISTORY);
    expect(client.hasToken()).toBe(false);
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('checks history against the contract: unknown kinds of entries are left out', async () => {
    const good = stored('assistant', 'Hi', { seq: 2 });
    const { fetch, requests } = fakeFetch(() =>
      Response.json({
        messages: [good, { id: 'b', role: 'tool', text: 'x' }, null],
        conversation: { ...BOT, status: 'waiting', waitMinutes: 3, secret: 'dropped' },
        before: '2',
      }),
    );
    const client = createApiClient({ server: SERVER, fetch });
    expect(await client.history('40')).toEqual({
      messages: [good],
      conversation: { status: 'waiting', waitMinutes: 3, contactKnown: false },
      before: '2',
    });
    expect(requests[0]?.query.get('before')).toBe('40');
  });

  it('refuses a history reply that is not one', async () => {
    const { fetch } = fakeFetch(() => Response.json({ messages: [] }));
    await expect(createApiClient({ server: SERVER, fetch }).history()).rejects.toMatchObject({
      code: 'internal',
    });
  });

  it('follows the event stream after a position, and says when there is nothing to follow', async () => {
    const stream = openStream();
    let status = 200;
    const { fetch, requests } = fakeFetch(() =>
      status === 204 ? new Response(null, { status: 204 }) : stream.response,
    );
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok');
    const events = await client.events('12.5', new AbortController().signal);
    expect(requests[0]?.url).toBe(`${SERVER}/api/chat/events?after=12.5`);
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer tok');
    // No Last-Event-ID header: the query says the same without a CORS preflight allowing it.
    expect(requests[0]?.headers.has('Last-Event-ID')).toBe(false);
    const iterator = events![Symbol.asyncIterator]();
    stream.send({ event: 'delta', data: { text: 'more' }, id: '12.6' });
    expect((await iterator.next()).value).toEqual({
      event: { event: 'delta', data: { text: 'more' } },
      id: '12.6',
    });
    status = 204;
    expect(await client.events('0', new AbortController().signal)).toBeUndefined();
  });

  it('stops the answer on the server', async () => {
    const { fetch, requests } = fakeFetch(() => new Response(null, { status: 204 }));
    await createApiClient({ server: SERVER, fetch }).stop();
    expect(requests[0]).toMatchObject({ path: '/api/chat/stop', method: 'POST' });
  });

  it('sends contact details and reads where the conversation stands', async () => {
    const reply: ContactReply = { conversation: { ...BOT, contactKnown: true } };
    const { fetch, requests } = fakeFetch(() => Response.json(reply));
    const client = createApiClient({ server: SERVER, fetch });
    expect(await client.contact({ email: 'sam@example.com' })).toEqual(reply);
    expect(requests[0]).toMatchObject({
      path: '/api/chat/contact',
      method: 'POST',
      body: { email: 'sam@example.com' },
    });
  });

  it('identifies the visitor and keeps the session it answers with', async () => {
    const reply: IdentifyReply = {
      sessionToken: 'tok_verified',
      switched: true,
      conversation: BOT,
    };
    const { fetch, requests } = fakeFetch(() => Response.json(reply));
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok_guest');
    expect(await client.identify('h.p.s')).toEqual(reply);
    expect(requests[0]?.body).toEqual({ token: 'h.p.s' });
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer tok_guest');
    expect(localStorage.getItem(KEY)).toBe('tok_verified');
  });

  it('leaves the session alone when an identity token is refused', async () => {
    const { fetch } = fakeFetch(() => errorResponse(401, 'identity_invalid'));
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok_guest');
    await expect(client.identify('forged')).rejects.toMatchObject({ code: 'identity_invalid' });
    expect(localStorage.getItem(KEY)).toBe('tok_guest');
  });

  it('ends the session with DELETE and forgets the token even if that fails', async () => {
    const { fetch, requests } = fakeFetch(() => new Response(null, { status: 500 }));
    const client = createApiClient({ server: SERVER, fetch });
    client.setToken('tok');
    await expect(client.endSession()).rejects.toBeInstanceOf(ParleyError);
    expect(requests[0]?.method).toBe('DELETE');
    expect(requests[0]?.path).toBe('/api/chat/session');
    expect(client.hasToken()).toBe(false);
  });

  it('posts feedback as JSON', async () => {
    const { fetch, requests } = fakeFetch(() => new Response(null, { status: 204 }));
    await createApiClient({ server: SERVER, fetch }).feedback({ messageId: 'm1', rating: 'down' });
    expect(requests[0]).toMatchObject({
      path: '/api/chat/feedback',
      method: 'POST',
      body: { messageId: 'm1', rating: 'down' },
    });
  });
});
