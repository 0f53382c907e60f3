import { describe, expect, it, vi } from 'vitest';
import { CSRF, conversation, createFakeServer } from '../../test/fake-server';
import { CSRF_HEADER, createConsoleClient } from './client';
import { ConsoleApiError } from './errors';

function setup(signedIn = true) {
  const server = createFakeServer();
  server.state.signedIn = signedIn;
  server.state.conversations = [conversation('c_1', 'waiting')];
  const onUnauthorized = vi.fn();
  const client = createConsoleClient({
    fetch: server.fetch,
    csrfToken: () => CSRF,
    onUnauthorized,
  });
  return { server, client, onUnauthorized };
}

describe('the console client', () => {
  it('sends the CSRF token with every change and never with a read', async () => {
    const { server, client } = setup();
    await client.conversations({ status: 'waiting', q: 'maria', limit: 5 });
    await client.conversation('c_1');
    await client.viewing('c_1');
    await client.join('c_1');
    await client.reply('c_1', 'Hello');
    await client.release('c_1');
    await client.close('c_1');
    await client.signOut();
    for (const request of server.requests) {
      expect(request.headers.get(CSRF_HEADER), `${request.method} ${request.path}`).toBe(
        request.method === 'GET' ? null : CSRF,
      );
      expect(request.credentials).toBe('same-origin');
    }
    expect(server.requests[0]?.query.toString()).toBe('status=waiting&q=maria&limit=5');
  });

  it('calls back on 401 from the operator API, and throws the server’s message', async () => {
    const { client, onUnauthorized } = setup(false);
    const failure = await client.conversations().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConsoleApiError);
    expect(failure).toMatchObject({ status: 401, code: 'unauthorized', message: 'Sign in' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('reads a missing session as signed out, not as an error', async () => {
    const { client, onUnauthorized } = setup(false);
    await expect(client.session()).resolves.toBeUndefined();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('refuses an answer that does not match the contract', async () => {
    const client = createConsoleClient({
      fetch: async () => Response.json({ items: [{ id: 1 }] }),
      csrfToken: () => undefined,
      onUnauthorized: () => {},
    });
    await expect(client.conversations()).rejects.toMatchObject({ code: 'unexpected' });
  });

  it('turns a network failure into a message', async () => {
    const client = createConsoleClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
      csrfToken: () => undefined,
      onUnauthorized: () => {},
    });
    await expect(client.insights(28)).rejects.toMatchObject({
      code: 'network',
      message: 'The server cannot be reached; check your connection.',
    });
  });
});
