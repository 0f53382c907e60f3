import type {
  ConsoleSession,
  ConversationStatus,
  ErrorBody,
  InboxEvent,
  Insights,
  KnowledgeSearchResult,
  Message,
  OperatorConversation,
  OperatorConversationList,
  OperatorConversationSummary,
  TicketList,
  TicketSummary,
} from '@parley/shared';

/** One request the console made, body parsed. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: unknown;
}

const encoder = new TextEncoder();
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
const error = (status: number, code: ErrorBody['error']['code'], message: string, headers = {}) =>
  json({ error: { code, message } } satisfies ErrorBody, status, headers);

/**
 * One page of `items` as the server pages a list: `limit` items (20 by default) after `cursor`.
 * The cursor is opaque to the console; here it is the offset of the page.
 */
function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextCursor?: string } {
  const limit = Number(query.get('limit') ?? 20);
  const from = Number(query.get('cursor') ?? 0);
  const next = from + limit;
  return {
    items: items.slice(from, next),
    ...(items.length > next ? { nextCursor: String(next) } : {}),
  };
}

export const OPERATOR = { id: 'op_dana', name: 'Dana Reyes', email: 'dana@acme.test' };
export const PASSWORD = 'correct horse battery 7';
export const CSRF = 'csrf-token-123';

/** A conversation as the server would list it, with messages; times relative to `now`. */
export function conversation(
  id: string,
  status: ConversationStatus,
  extra: Partial<OperatorConversation> = {},
): OperatorConversation {
  const at = '2026-01-06T15:00:00.000Z';
  return {
    id,
    status,
    createdAt: at,
    lastActivityAt: at,
    messageCount: 0,
    messages: [],
    tickets: [],
    viewers: [],
    ...(status === 'waiting' ? { waitingSince: at } : {}),
    ...extra,
  };
}

/**
 * An in-memory stand-in for the operator API, as `fetch`: the routes the console calls, the
 * session cookie modelled as a flag, the CSRF check the real server makes (403 without the
 * token), and an operator event stream the test writes to.
 */
export function createFakeServer() {
  const requests: RecordedRequest[] = [];
  const state = {
    signedIn: false,
    failedSignIns: 0,
    conversations: [] as OperatorConversation[],
    tickets: [] as TicketSummary[],
    insights: undefined as Insights | undefined,
    knowledge: undefined as KnowledgeSearchResult | undefined,
    streams: [] as ReadableStreamDefaultController<Uint8Array>[],
    seq: 100,
  };

  const session = (): ConsoleSession => ({ operator: OPERATOR, csrfToken: CSRF });
  const summary = (c: OperatorConversation): OperatorConversationSummary => {
    const { messages: _m, tickets: _t, viewers: _v, ...rest } = c;
    return rest;
  };
  const rank = (s: ConversationStatus) => ['waiting', 'human', 'bot', 'closed'].indexOf(s);
  const find = (id: string) => state.conversations.find((c) => c.id === id);
  const update = (id: string, change: Partial<OperatorConversation>) => {
    state.conversations = state.conversations.map((c) => (c.id === id ? { ...c, ...change } : c));
    return find(id)!;
  };

  async function handle(request: RecordedRequest): Promise<Response> {
    const { method, path, query } = request;
    if (path === '/api/console/session') {
      return state.signedIn ? json(session()) : error(401, 'unauthorized', 'Not signed in');
    }
    if (path === '/api/console/sign-in' && method === 'POST') {
      if (state.failedSignIns >= 5) {
        return error(429, 'rate_limited', 'Too many failed sign-ins for this account.', {
          'Retry-After': '900',
        });
      }
      const body = request.body as { email?: string; password?: string };
      if (body.email !== OPERATOR.email || body.password !== PASSWORD) {
        state.failedSignIns++;
        return error(401, 'unauthorized', 'Wrong email or password');
      }
      state.signedIn = true;
      return json(session());
    }
    if (path === '/api/console/sign-out') {
      state.signedIn = false;
      return new Response(null, { status: 204 });
    }
    if (!path.startsWith('/api/operator/')) return error(404, 'not_found', 'No route');
    if (!state.signedIn) {
      return error(401, 'unauthorized', 'Sign in', { 'WWW-Authenticate': 'Bearer realm="parley"' });
    }
    if (method !== 'GET' && request.headers.get('X-CSRF-Token') !== CSRF) {
      return error(403, 'forbidden', 'CSRF check failed');
    }
    if (path === '/api/operator/events') return openStream();

    if (path === '/api/operator/conversations') {
      const status = query.get('status');
      const q = query.get('q')?.toLowerCase();
      const items = state.conversations
        .filter((c) => !status || c.status === status)
        .filter(
          (c) =>
            !q ||
            c.messages.some((m) => m.text.toLowerCase().includes(q)) ||
            c.contact?.email.includes(q) ||
            c.contact?.name?.toLowerCase().includes(q),
        )
        .sort((a, b) => rank(a.status) - rank(b.status))
        .map(summary);
      const body: OperatorConversationList = page(items, query);
      return json(body);
    }
    const conversationRoute = /^\/api\/operator\/conversations\/([^/]+)(?:\/(\w+))?$/.exec(path);
    if (conversationRoute) {
      const [, id = '', action] = conversationRoute;
      const found = find(decodeURIComponent(id));
      if (!found) return error(404, 'not_found', 'No conversation with this id');
      if (!action) return json(found);
      if (action === 'viewing') return new Response(null, { status: 204 });
      if (action === 'join') {
        if (found.status === 'human' && found.operator?.id !== OPERATOR.id) {
          return error(
            409,
            'conflict',
            `${found.operator?.name} is already handling this conversation`,
          );
        }
        return json(
          summary(
            update(found.id, {
              status: 'human',
              operator: { id: OPERATOR.id, name: OPERATOR.name },
            }),
          ),
        );
      }
      if (action === 'release') {
        const { operator: _o, ...rest } = update(found.id, { status: 'bot' });
        state.conversations = state.conversations.map((c) => (c.id === found.id ? rest : c));
        return json(summary(rest));
      }
      if (action === 'close') return json(summary(update(found.id, { status: 'closed' })));
      if (action === 'messages') {
        const message: Message = {
          id: `msg_${++state.seq}`,
          seq: found.messages.length + 1,
          role: 'operator',
          text: (request.body as { text: string }).text,
          createdAt: new Date().toISOString(),
          author: { name: OPERATOR.name },
        };
        update(found.id, {
          status: 'human',
          operator: { id: OPERATOR.id, name: OPERATOR.name },
          messages: [...found.messages, message],
        });
        return json(message, 201);
      }
    }
    if (path === '/api/operator/tickets') {
      const status = query.get('status');
      const mine = query.get('assignee') === 'me';
      const body: TicketList = page(
        state.tickets.filter(
          (t) => (!status || t.status === status) && (!mine || t.assignee?.id === OPERATOR.id),
        ),
        query,
      );
      return json(body);
    }
    const ticketRoute = /^\/api\/operator\/tickets\/([^/]+)(\/reply)?$/.exec(path);
    if (ticketRoute) {
      const [, id, reply] = ticketRoute;
      const ticket = state.tickets.find((t) => t.id === id);
      if (!ticket) return error(404, 'not_found', 'No ticket');
      if (reply) {
        const message: Message = {
          id: `msg_${++state.seq}`,
          seq: 1,
          role: 'operator',
          text: (request.body as { text: string }).text,
          createdAt: new Date().toISOString(),
          author: { name: OPERATOR.name },
        };
        return json(message, 201);
      }
      const change = request.body as { status?: TicketSummary['status']; assignee?: 'me' | null };
      const { assignee: _a, ...rest } = ticket;
      const next: TicketSummary = {
        ...rest,
        ...(change.status ? { status: change.status } : {}),
        ...(change.assignee === 'me'
          ? { assignee: { id: OPERATOR.id, name: OPERATOR.name } }
          : change.assignee === null || !ticket.assignee
            ? {}
            : { assignee: ticket.assignee }),
      };
      state.tickets = state.tickets.map((t) => (t.id === id ? next : t));
      return json(next);
    }
    if (path === '/api/operator/insights' && state.insights) return json(state.insights);
    if (path === '/api/operator/knowledge/search' && state.knowledge) {
      return json({ ...state.knowledge, query: query.get('q') ?? '' });
    }
    return error(404, 'not_found', 'No route');
  }

  function openStream(): Response {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        state.streams.push(controller);
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } });
  }

  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://parley.test');
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init.headers),
      credentials: init.credentials,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    if (init.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    return handle(request);
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    requests,
    state,
    /** Sends an `inbox` event on every open operator event stream. */
    emit(event: InboxEvent): void {
      const frame = encoder.encode(`event: inbox\ndata: ${JSON.stringify(event)}\n\n`);
      for (const controller of state.streams) controller.enqueue(frame);
    },
    /** Ends every open event stream, as a restarting server would. */
    dropStreams(): void {
      for (const controller of state.streams.splice(0)) controller.close();
    },
    /** The requests that changed something (everything but GET). */
    changes: () => requests.filter((r) => r.method !== 'GET'),
  };
}

export type FakeServer = ReturnType<typeof createFakeServer>;

/** Lets pending promises, timers of `ms` and Preact's renders settle. */
export async function settle(ms = 0, rounds = 5): Promise<void> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
