import {
  type ChatRequest,
  type Check,
  ContactReply,
  type ContactRequest,
  type FeedbackRequest,
  HistoryResponse,
  IDEMPOTENCY_KEY_HEADER,
  IdentifyReply,
  type ParsedSseEvent,
  parseWith,
} from '@parley/shared';
import { errorFromResponse, ParleyError } from './errors';
import { readStorage, writeStorage } from './storage';
import { readEventStream } from './stream';

/** Everything the widget asks of the Parley server. */
export interface ApiClient {
  /**
   * `POST /api/chat` as a stream of events with their ids. The key is reused verbatim when a
   * message is retried.
   */
  chat(
    request: ChatRequest,
    idempotencyKey: string,
    signal: AbortSignal,
  ): AsyncIterable<ParsedSseEvent>;
  /**
   * `GET /api/chat/events?after=<id>`: the conversation's events after a stream position. Resolves
   * once connected; `undefined` when there is no conversation to follow (204).
   */
  events(after: string, signal: AbortSignal): Promise<AsyncIterable<ParsedSseEvent> | undefined>;
  /** `GET /api/chat/history`: the latest page, or the one before a cursor; empty without a session. */
  history(before?: string): Promise<HistoryResponse>;
  /** `POST /api/chat/stop`: stops the answer being written, wherever it runs. */
  stop(): Promise<void>;
  /** `POST /api/chat/contact`. */
  contact(request: ContactRequest): Promise<ContactReply>;
  /** `POST /api/chat/identify`; keeps the session token it answers with. */
  identify(token: string): Promise<IdentifyReply>;
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

/** What history says without a conversation. */
export const NO_HISTORY: HistoryResponse = {
  messages: [],
  conversation: { status: 'bot', contactKnown: false },
};

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
 * answer also forgets the stored token, so the next request starts a fresh session. Replies are
 * checked against the contract; one that does not match is an `internal` failure.
 *
 * @example
 * const client = createApiClient({ server: 'https://chat.example.com' });
 * const { messages, before } = await client.history();
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

  async function read<T>(check: Check<T>, response: Promise<Response>): Promise<T> {
    const body = parseWith(check, await (await response).json().catch(() => undefined));
    if (body === undefined) throw new ParleyError('internal', 'Unexpected reply from the server');
    return body;
  }

  async function stream(response: Response) {
    if (!response.body) throw new ParleyError('network', 'The response has no body');
    return readEventStream(response.body);
  }

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body ?? {}),
    });

  return {
    async *chat(body, idempotencyKey, signal) {
      const init = {
        method: 'POST',
        signal,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'text/event-stream',
          [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
        },
        body: JSON.stringify(body),
      };
      yield* await stream(await request('/api/chat', init));
    },
    async events(after, signal) {
      // `?after=` rather than a Last-Event-ID header: a custom header would need the server's
      // CORS preflight to allow it, and the query means the same.
      const response = await request(`/api/chat/events?after=${encodeURIComponent(after)}`, {
        signal,
        headers: { Accept: 'text/event-stream' },
      });
      return response.status === 204 ? undefined : stream(response);
    },
    async history(before) {
      try {
        return await read(
          HistoryResponse,
          request(`/api/chat/history${before ? `?before=${encodeURIComponent(before)}` : ''}`),
        );
      } catch (error) {
        // A stale token means there is no conversation to restore, not that something broke.
        if (error instanceof ParleyError && error.code === 'session_invalid') return NO_HISTORY;
        throw error;
      }
    },
    async stop() {
      await post('/api/chat/stop');
    },
    contact: (body) => read(ContactReply, post('/api/chat/contact', body)),
    async identify(identityToken) {
      const reply = await read(IdentifyReply, post('/api/chat/identify', { token: identityToken }));
      setToken(reply.sessionToken);
      return reply;
    },
    async endSession() {
      try {
        await request('/api/chat/session', { method: 'DELETE' });
      } finally {
        setToken(undefined);
      }
    },
    async feedback(body) {
      await post('/api/chat/feedback', body);
    },
    hasToken: () => token !== undefined,
    setToken,
  };
}
