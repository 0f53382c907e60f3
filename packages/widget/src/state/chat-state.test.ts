import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  errorResponse,
  fakeFetch,
  type Handler,
  openStream,
  type RecordedRequest,
  settle,
  sseResponse,
} from '../../test/fake-fetch';
import { createApiClient, tokenKey } from '../api/client';
import { type ChatState, createChatState, type ParleyEvents } from './chat-state';

const SERVER = 'https://chat.example.com';
let state: ChatState | undefined;

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  state?.dispose();
  state = undefined;
  vi.useRealTimers();
});

function setup(handler: Handler, { startOpen = true } = {}) {
  const { fetch, requests } = fakeFetch(handler);
  const client = createApiClient({ server: SERVER, fetch });
  state = createChatState({ client, openKey: 'parley:open:test', startOpen });
  const chats = () => requests.filter((r) => r.path === '/api/chat');
  return { state, client, requests, chats };
}

/** Handler answering history with nothing and chat turns from a queue of responders. */
function turns(...responders: Array<(request: RecordedRequest) => Response>): Handler {
  return (request) => {
    if (request.path === '/api/chat/history') return Response.json({ messages: [] });
    if (request.path !== '/api/chat') return new Response(null, { status: 204 });
    const next = responders.shift();
    if (!next) throw new Error('unexpected chat request');
    return next(request);
  };
}

const last = (s: ChatState) => s.messages.value.at(-1)?.value;

describe('createChatState', () => {
  it('streams an answer delta by delta and finishes with the done event', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { state } = setup(
      turns((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    expect(state.send('  How do I reset?  ')).toBe(true);
    expect(state.messages.value.map((m) => m.value.role)).toEqual(['user', 'assistant']);
    expect(state.messages.value[0]?.value.text).toBe('How do I reset?');
    expect(state.busy.value).toBe(true);
    await settle();
    expect(last(state)?.phase).toBe('waiting');

    stream.send({
      event: 'tool',
      data: { name: 'search_knowledge_base', status: 'started', label: 'Searching…' },
    });
    await settle();
    expect(last(state)?.tool?.name).toBe('search_knowledge_base');

    stream.send({ event: 'delta', data: { text: 'Open ' } });
    await settle();
    expect(last(state)).toMatchObject({ phase: 'streaming', text: 'Open ', tool: undefined });
    stream.send({ event: 'delta', data: { text: 'Settings.' } });
    await settle();
    expect(last(state)?.text).toBe('Open Settings.');

    stream.send({
      event: 'done',
      data: {
        messageId: 'm9',
        text: 'Open Settings.',
        toolsUsed: [],
        citations: [{ title: 'Reset', url: '/kb' }],
        ticketId: 'T-1',
      },
    });
    await settle();
    expect(last(state)).toMatchObject({
      phase: 'done',
      messageId: 'm9',
      ticketId: 'T-1',
      citations: [{ title: 'Reset', url: '/kb' }],
    });
    expect(state.busy.value).toBe(false);
  });

  it('keeps the session token from the stream for later requests', async () => {
    const { state, chats, client } = setup(
      turns(
        () => sseResponse([{ event: 'session', data: { token: 'tok_new' } }, ...answer('Hi')]),
        () => sseResponse(answer('Again')),
      ),
    );
    state.send('one');
    await settle();
    expect(client.hasToken()).toBe(true);
    expect(localStorage.getItem(tokenKey(SERVER))).toBe('tok_new');
    state.send('two');
    await settle();
    expect(chats()[1]?.headers.get('Authorization')).toBe('Bearer tok_new');
  });

  it('refuses empty, oversized and overlapping sends', async () => {
    const { state } = setup(turns(() => openStream().response));
    expect(state.send('   ')).toBe(false);
    expect(state.send('x'.repeat(state.maxLength + 1))).toBe(false);
    expect(state.send('first')).toBe(true);
    expect(state.send('second')).toBe(false);
  });

  it('retries a failed turn with the same Idempotency-Key and client message id', async () => {
    const { state, chats } = setup(
      turns(
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Recovered')),
      ),
    );
    const errors: ParleyEvents['error'][] = [];
    state.events.on('error', (e) => errors.push(e));
    state.send('Hello?');
    await settle();
    expect(last(state)).toMatchObject({
      phase: 'failed',
      failure: { code: 'network', retryable: true },
    });
    expect(errors).toEqual([{ code: 'network', message: 'Failed to fetch' }]);

    state.retry(state.messages.value.at(-1)!);
    await settle();
    expect(last(state)).toMatchObject({ phase: 'done', text: 'Recovered', failure: undefined });
    const [first, second] = chats();
    expect(second?.headers.get('Idempotency-Key')).toBe(first?.headers.get('Idempotency-Key'));
    expect(second?.body).toEqual(first?.body);
  });

  it('turns an error event into a failure the server calls retryable or not', async () => {
    const { state } = setup(
      turns(() =>
        sseResponse([
          { event: 'delta', data: { text: 'Part' } },
          { event: 'error', data: { code: 'internal', message: 'boom', retryable: false } },
        ]),
      ),
    );
    state.send('x');
    await settle();
    expect(last(state)).toMatchObject({
      phase: 'failed',
      text: 'Part',
      failure: { code: 'internal', retryable: false },
    });
  });

  it('treats a stream that ends without done as a network failure', async () => {
    const { state } = setup(turns(() => sseResponse([{ event: 'delta', data: { text: 'cut' } }])));
    state.send('x');
    await settle();
    expect(last(state)?.failure?.code).toBe('network');
  });

  it('drops an invalid session quietly and resends once without the token', async () => {
    localStorage.setItem(tokenKey(SERVER), 'stale');
    const { state, chats } = setup(
      turns(
        () => errorResponse(401, 'session_invalid'),
        () =>
          sseResponse([{ event: 'session', data: { token: 'fresh' } }, ...answer('Hello again')]),
      ),
      { startOpen: false },
    );
    const errors: unknown[] = [];
    state.events.on('error', (e) => errors.push(e));
    state.send('Hi');
    await settle();
    expect(last(state)).toMatchObject({ phase: 'done', text: 'Hello again' });
    expect(errors).toEqual([]);
    const [first, second] = chats();
    expect(first?.headers.get('Authorization')).toBe('Bearer stale');
    expect(second?.headers.has('Authorization')).toBe(false);
    expect(second?.headers.get('Idempotency-Key')).toBe(first?.headers.get('Idempotency-Key'));
    expect(localStorage.getItem(tokenKey(SERVER))).toBe('fresh');
  });

  it('resends only once when the fresh session is refused too', async () => {
    localStorage.setItem(tokenKey(SERVER), 'stale');
    const { state, chats } = setup(
      turns(
        () => errorResponse(401, 'session_invalid'),
        () => errorResponse(401, 'session_invalid'),
      ),
    );
    state.send('Hi');
    await settle();
    expect(chats()).toHaveLength(2);
    expect(last(state)?.failure?.code).toBe('session_invalid');
  });

  it('asks the visitor to wait after 429 and allows Retry once Retry-After has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { state, chats } = setup(
      turns(
        () => errorResponse(429, 'rate_limited', { 'Retry-After': '30' }),
        () => sseResponse(answer('ok')),
      ),
    );
    state.send('x');
    await vi.advanceTimersByTimeAsync(0);
    expect(last(state)?.failure).toMatchObject({
      code: 'rate_limited',
      retryAfter: 30,
      waiting: true,
    });
    state.retry(state.messages.value.at(-1)!);
    expect(chats()).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(30_000);
    expect(last(state)?.failure?.waiting).toBe(false);
    state.retry(state.messages.value.at(-1)!);
    await vi.advanceTimersByTimeAsync(0);
    expect(chats()).toHaveLength(2);
    expect(last(state)?.phase).toBe('done');
  });

  it('stops a running turn and keeps what streamed so far', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { state } = setup(
      turns((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    state.send('long answer please');
    await settle();
    stream.send({ event: 'delta', data: { text: 'First part' } });
    await settle();
    state.stop();
    await settle();
    expect(last(state)).toMatchObject({ phase: 'stopped', text: 'First part' });
    expect(state.busy.value).toBe(false);
  });

  it('counts answers that finish while closed as unread and clears them on open', async () => {
    const { state } = setup(
      turns(() => sseResponse(answer('Hi'))),
      { startOpen: false },
    );
    const opened = vi.fn();
    state.events.on('open', opened);
    state.send('ping');
    await settle();
    expect(state.unread.value).toBe(1);
    state.setOpen(true);
    expect(state.unread.value).toBe(0);
    expect(opened).toHaveBeenCalledOnce();
    expect(sessionStorage.getItem('parley:open:test')).toBe('1');
  });

  it('remembers the open state for the tab over data-open', () => {
    sessionStorage.setItem('parley:open:test', '0');
    const { state } = setup(turns(), { startOpen: true });
    expect(state.isOpen.value).toBe(false);
  });

  it('resumes a turn that failed offline when the browser comes back online', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const { state, chats } = setup(
      turns(
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Back')),
      ),
    );
    window.dispatchEvent(new Event('offline'));
    expect(state.online.value).toBe(false);
    state.send('are you there?');
    await settle();
    expect(last(state)?.failure).toMatchObject({ code: 'network', offline: true });

    onLine.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(state.online.value).toBe(true);
    expect(chats()).toHaveLength(2);
    expect(last(state)).toMatchObject({ phase: 'done', text: 'Back' });
  });

  it('starts a new conversation: aborts, clears, and ends the server session', async () => {
    const { state, requests } = setup(turns(() => openStream().response));
    state.send('x');
    await state.newConversation();
    expect(state.messages.value).toEqual([]);
    expect(state.busy.value).toBe(false);
    expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/chat/session')).toBe(
      true,
    );
  });

  it('records feedback, and undoes it when the server refuses', async () => {
    let accept = true;
    const { state, requests } = setup((request) => {
      if (request.path === '/api/chat') return sseResponse(answer('Hi'));
      if (request.path === '/api/chat/feedback')
        return accept
          ? new Response(null, { status: 204 })
          : errorResponse(503, 'model_unavailable');
      return Response.json({ messages: [] });
    });
    state.send('x');
    await settle();
    const reply = state.messages.value.at(-1)!;
    await state.rate(reply, 'up');
    expect(reply.value.rating).toBe('up');
    expect(requests.at(-1)?.body).toEqual({ messageId: 'msg_1', rating: 'up' });
    accept = false;
    await state.rate(reply, 'down');
    expect(reply.value.rating).toBe('up');
  });

  it('restores history when there is a session, before anything else', async () => {
    localStorage.setItem(tokenKey(SERVER), 'tok');
    const history = [
      { id: 'u1', role: 'user', content: 'Earlier question', createdAt: '2025-01-01T00:00:00Z' },
      {
        id: 'a1',
        role: 'assistant',
        content: 'Earlier answer',
        createdAt: '2025-01-01T00:00:01Z',
        ticketId: 'T-9',
      },
    ];
    const { state, requests } = setup(() => Response.json({ messages: history }), {
      startOpen: false,
    });
    await settle();
    expect(requests[0]?.path).toBe('/api/chat/history');
    expect(state.messages.value.map((m) => m.value.text)).toEqual([
      'Earlier question',
      'Earlier answer',
    ]);
    expect(state.messages.value[1]?.value).toMatchObject({
      messageId: 'a1',
      ticketId: 'T-9',
      phase: 'done',
    });
  });

  it('does not fetch history on page load for visitors who never chatted', async () => {
    const { requests } = setup(() => Response.json({ messages: [] }), { startOpen: false });
    await settle();
    expect(requests).toEqual([]);
  });

  it('emits message events for the question and the answer', async () => {
    const { state } = setup(turns(() => sseResponse(answer('Answer'))));
    const seen: ParleyEvents['message'][] = [];
    state.events.on('message', (m) => seen.push(m));
    state.send('Question');
    await settle();
    expect(seen.map(({ role, text }) => [role, text])).toEqual([
      ['user', 'Question'],
      ['assistant', 'Answer'],
    ]);
    expect(seen[1]?.id).toBe('msg_1');
  });

  it('isolates a throwing listener', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { state } = setup(turns(() => sseResponse(answer('fine'))));
    state.events.on('message', () => {
      throw new Error('host bug');
    });
    state.send('x');
    await settle();
    expect(last(state)?.phase).toBe('done');
    expect(error).toHaveBeenCalled();
  });
});
