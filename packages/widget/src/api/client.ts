import {
  type ChatRequest,
  type FeedbackRequest,
  type HistoryResponse,
  IDEMPOTENCY_KEY_HEADER,
  type StreamEvent,
} from '@parley/shared';
import { errorFromResponse, ParleyError } from './errors';
import { readStorage, writeStorage } from './storage';
import { readEventStream } from './stream';

/** Everything the widget asks of the Parley server. */
export interface ApiClient {
  /** `POST /api/chat` as a stream of events. The key is reused verbatim when a message is retried. */
  chat(
    request: ChatRequest,
    idempotencyKey: string,
    signal: AbortSignal,
  ): AsyncIterable<StreamEvent>;
  /** `GET /api/chat/history`; empty when there is no (valid) session. */
  history(): Promise<HistoryResponse>;
  /** `DELETE /api/chat/session`, then forgets the token. */
  endSession(): Promise<void>;
  /** `POST /api/chat/feedback`. */
  feedback(request: FeedbackRequest): Promise<void>;
  hasToken(): boolean;
  /** Keeps (or with `undefined`, forgets) the session token for later requests. */
  setToken(token: string | undefined): void;
}

export interface ApiClientOptions {
  /** Base URL of the Parley server; a path prefix such as `https://example.com/parley` is kept. */
  server: string;
  fetch?: typeof fetch;
}

/**
 * The session token lives in localStorage, namespaced by server origin, so a conversation survives
 * reloads even where third-party cookies are blocked. Cookies are still sent (`credentials:
 * 'include'`) for servers that prefer them.
 */
export function tokenKey(server: string): string {
  return `parley:token:${new URL(server).origin}`;
}

/**
 * Creates the client for one server. Failures reject with a `ParleyError`; a `session_invalid`
 * answer also forgets the stored token, so the next request starts a fresh session.
 *
 * @example
 * const client = createApiClient({ server: 'https://chat.example.com' });
 * const { messages } = await client.history();
 */
export function createApiClient({ server, fetch: fetchImpl = fetch }: ApiClientOptions): ApiClient {
  const base = server.replace(/\/+$/, '');
  const storageKey = tokenKey(server);
  let token = readStorage('localStorage', storageKey);

  const setToken = (next: string | undefined) => {
    token = next;
    writeStorage('localStorage', storageKey, next);
  };

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetchImpl(base + path, { ...init, headers, credentials: 'include' });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ParleyError('network', error instanceof Error ? error.message : 'Network error');
    }
    if (response.ok) return response;
    const failure = await errorFromResponse(response);
    if (failure.code === 'session_invalid') setToken(undefined);
    throw failure;
  }

  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

  return {
    async *chat(body, idempotencyKey, signal) {
      const init = json(body);
      const response = await request('/api/chat', {
        ...init,
        signal,
        headers: {
          ...(init.headers as Record<string, string>),
          Accept: 'text/event-stream',
          [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
        },
      });
      if (!response.body) throw new ParleyError('network', 'The response has no body');
      yield* readEventStream(response.body);
    },
    async history() {
      try {
        const body = (await (
          await request('/api/chat/history')
        ).json()) as Partial<HistoryResponse>;
        // Keep only entries the transcript can show; anything else is a newer server's business.
        const messages = (Array.isArray(body.messages) ? body.messages : []).filter(
          (m) =>
            typeof m?.id === 'string' &&
            typeof m.content === 'string' &&
            (m.role === 'user' || m.role === 'assistant'),
        );
        return { messages };
      } catch (error) {
        // A stale token means there is no conversation to restore, not that something broke.
        if (error instanceof ParleyError && error.code === 'session_invalid')
          return { messages: [] };
        throw error;
      }
    },
    async endSession() {
      try {
        await request('/api/chat/session', { method: 'DELETE' });
      } finally {
        setToken(undefined);
      }
    },
    async feedback(body) {
      await request('/api/chat/feedback', json(body));
    },
    hasToken: () => token !== undefined,
    setToken,
  };
}
