import {
  type Check,
  ConsoleSession,
  Insights,
  KnowledgeSearchResult,
  Message,
  OperatorConversation,
  OperatorConversationList,
  OperatorConversationSummary,
  type OperatorConversationsQuery,
  parseWith,
  type SignInRequest,
  TicketList,
  TicketSummary,
  type TicketsQuery,
  type TicketUpdateRequest,
} from '@parley/shared';
import { ConsoleApiError, errorFromResponse } from './errors';

/** The header every change must carry (the server's `CSRF_HEADER`). */
export const CSRF_HEADER = 'X-CSRF-Token';

export interface ConsoleClientOptions {
  fetch?: typeof fetch;
  /** Where the API lives; the console is served by the same server, so '' by default. */
  base?: string;
  /** The signed-in session's CSRF token, sent with every change. */
  csrfToken: () => string | undefined;
  /** Called when an operator request answers 401: the session is gone (signed out, idle). */
  onUnauthorized: () => void;
}

/** Query of the conversation list; the server fills in the defaults. */
export type ConversationsQuery = Partial<OperatorConversationsQuery>;
/** Query of the ticket list. */
export type TicketsFilter = Partial<TicketsQuery>;

/**
 * Everything the console asks of the Parley server, each answer checked against the shared
 * contract. Requests carry the session cookie (same origin); changes carry `X-CSRF-Token`.
 * Failures reject with a {@link ConsoleApiError}.
 *
 * @example
 * const client = createConsoleClient({ csrfToken: () => token, onUnauthorized: showSignIn });
 * const { items } = await client.conversations({ status: 'waiting' });
 */
export function createConsoleClient(options: ConsoleClientOptions) {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const base = options.base ?? '';

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') {
      const token = options.csrfToken();
      if (token) headers[CSRF_HEADER] = token;
    }
    try {
      return await fetchImpl(base + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ConsoleApiError(
        0,
        'network',
        'The server cannot be reached; check your connection.',
      );
    }
  }

  /** An operator request: a 401 means the session ended. */
  async function call<T>(
    method: string,
    path: string,
    check: Check<T>,
    body?: unknown,
  ): Promise<T> {
    const response = await send(method, path, body);
    if (response.status === 401) options.onUnauthorized();
    return read(response, check);
  }

  /** An operator request answered without a body (204). */
  async function callEmpty(method: string, path: string): Promise<void> {
    const response = await send(method, path);
    if (response.status === 401) options.onUnauthorized();
    if (!response.ok) throw await errorFromResponse(response);
  }

  async function read<T>(response: Response, check: Check<T>): Promise<T> {
    if (!response.ok) throw await errorFromResponse(response);
    const value = parseWith(check, await response.json().catch(() => undefined));
    if (value === undefined) {
      throw new ConsoleApiError(
        response.status,
        'unexpected',
        'The server sent an unexpected answer.',
      );
    }
    return value;
  }

  const query = (params: Record<string, string | number | boolean | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  const conversation = (id: string) => `/api/operator/conversations/${encodeURIComponent(id)}`;
  const ticket = (id: string) => `/api/operator/tickets/${encodeURIComponent(id)}`;

  return {
    /** The current session, or undefined when nobody is signed in. */
    async session(): Promise<ConsoleSession | undefined> {
      const response = await send('GET', '/api/console/session');
      if (response.status === 401) return undefined;
      return read(response, ConsoleSession);
    },
    async signIn(request: SignInRequest): Promise<ConsoleSession> {
      return read(await send('POST', '/api/console/sign-in', request), ConsoleSession);
    },
    async signOut(): Promise<void> {
      const response = await send('POST', '/api/console/sign-out');
      if (!response.ok && response.status !== 401) throw await errorFromResponse(response);
    },

    conversations: (q: ConversationsQuery = {}) =>
      call('GET', `/api/operator/conversations${query(q)}`, OperatorConversationList),
    conversation: (id: string) => call('GET', conversation(id), OperatorConversation),
    /** Says the operator has the conversation open (presence; repeated while it is). */
    viewing: (id: string) => callEmpty('POST', `${conversation(id)}/viewing`),
    join: (id: string) => call('POST', `${conversation(id)}/join`, OperatorConversationSummary, {}),
    release: (id: string) =>
      call('POST', `${conversation(id)}/release`, OperatorConversationSummary),
    close: (id: string) => call('POST', `${conversation(id)}/close`, OperatorConversationSummary),
    reply: (id: string, text: string) =>
      call('POST', `${conversation(id)}/messages`, Message, { text }),

    tickets: (q: TicketsFilter = {}) => call('GET', `/api/operator/tickets${query(q)}`, TicketList),
    updateTicket: (id: string, change: TicketUpdateRequest) =>
      call('PATCH', ticket(id), TicketSummary, change),
    replyToTicket: (id: string, text: string) =>
      call('POST', `${ticket(id)}/reply`, Message, { text }),

    insights: (days: number) => call('GET', `/api/operator/insights${query({ days })}`, Insights),
    searchKnowledge: (q: string) =>
      call('GET', `/api/operator/knowledge/search${query({ q })}`, KnowledgeSearchResult),

    /** Opens the operator event stream; the caller reads and closes it (see `events.ts`). */
    openEvents: (signal: AbortSignal) =>
      fetchImpl(`${base}/api/operator/events`, {
        headers: { Accept: 'text/event-stream' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      }),
  };
}

export type ConsoleClient = ReturnType<typeof createConsoleClient>;
