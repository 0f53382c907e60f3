import type { ContactReply, IdentifyReply } from '@parley/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  BOT,
  errorResponse,
  fakeFetch,
  type Handler,
  historyPage,
  openStream,
  SERVER,
  settle,
  sseResponse,
  stored,
  storedFrame,
} from '../../test/fake-fetch';
import { createApiClient, tokenKey } from '../api/client';
import { type ChatState, createChatState, type ParleyEvents } from './chat-state';
import { RESUME_IDLE_MS } from './turn';

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

interface SetupOptions {
  startOpen?: boolean;
  /** A session token left by an earlier visit. */
  token?: string;
  identityToken?: string;
  /** `POST /api/chat` answers, in order. */
  turns?: Handler[];
  history?: Handler;
  /** `held`: each `GET /api/chat/events` opens a stream the test writes to; default 204. */
  events?: 'held' | Handler;
  /** Any other route (contact, identify, feedback…). */
  other?: Handler;
}

/** The chat state over a fake Parley server. */
function setup({
  startOpen = true,
  token,
  identityToken,
  turns = [],
  history = () => historyPage(),
  events,
  other = () => new Response(null, { status: 204 }),
}: SetupOptions = {}) {
  if (token) localStorage.setItem(tokenKey(SERVER), token);
  const streams: Array<ReturnType<typeof openStream>> = [];
  const { fetch, requests } = fakeFetch((request) => {
    if (request.path === '/api/chat/history') return history(request);
    if (request.path === '/api/chat' && request.method === 'POST') {
      const next = turns.shift();
      if (!next) throw new Error('unexpected chat request');
      return next(request);
    }
    if (request.path === '/api/chat/events') {
      if (events === 'held') {
        const stream = openStream(request.signal);
        streams.push(stream);
        return stream.response;
      }
      return events ? events(request) : new Response(null, { status: 204 });
    }
    return other(request);
  });
  const client = createApiClient({ server: SERVER, fetch });
  state = createChatState({ client, openKey: 'parley:open:test', startOpen, identityToken });
  const to = (path: string) => requests.filter((r) => r.path === path);
  return {
    state,
    client,
    requests,
    streams,
    chats: () => to('/api/chat'),
    followed: () => to('/api/chat/events'),
    to,
  };
}

/** A chat turn whose stream the test writes to. */
function held() {
  const turn = { stream: undefined as unknown as ReturnType<typeof openStream> };
  const respond: Handler = (request) => {
    turn.stream = openStream(request.signal);
    return turn.stream.response;
  };
  return { turn, respond };
}

const last = (s: ChatState) => s.messages.value.at(-1)?.value;
const texts = (s: ChatState) => s.messages.value.map((m) => `${m.value.role}:${m.value.text}`);

describe('createChatState: answers', () => {
  it('streams an answer delta by delta and finishes with the stored answer', async () => {
    const { turn, respond } = held();
    const { state } = setup({ turns: [respond] });
    expect(state.send('  How do I reset?  ')).toBe(true);
    expect(texts(state)).toEqual(['user:How do I reset?', 'assistant:']);
    expect(state.busy.value).toBe(true);
    await settle();
    expect(last(state)?.phase).toBe('waiting');

    const question = stored('user', 'How do I reset?');
    turn.stream.send(storedFrame(question));
    turn.stream.send({
      event: 'tool',
      data: { name: 'search_knowledge_base', status: 'started' },
      id: `${question.seq}.1`,
    });
    await settle();
    expect(state.messages.value[0]?.value.seq).toBe(question.seq);
    expect(last(state)?.tool).toBe('search_knowledge_base');

    turn.stream.send({ event: 'delta', data: { text: 'Open ' }, id: `${question.seq}.2` });
    await settle();
    expect(last(state)).toMatchObject({ phase: 'streaming', text: 'Open ', tool: undefined });
    turn.stream.send({ event: 'delta', data: { text: 'Settings.' }, id: `${question.seq}.3` });
    await settle();
    expect(last(state)?.text).toBe('Open Settings.');

    const done = stored('assistant', 'Open **Settings**.', {
      citations: [{ title: 'Reset', url: '/kb' }],
      ticketId: 'T-1',
    });
    turn.stream.send(storedFrame(done));
    turn.stream.close();
    await settle();
    expect(last(state)).toMatchObject({
      phase: 'done',
      text: 'Open **Settings**.',
      messageId: done.id,
      ticketId: 'T-1',
      citations: [{ title: 'Reset', url: '/kb' }],
    });
    expect(state.busy.value).toBe(false);
  });

  it('keeps the session token from the stream for later requests', async () => {
    const { state, chats, client } = setup({
      turns: [
        () => sseResponse([{ event: 'session', data: { token: 'tok_new' } }, ...answer('Hi')]),
        () => sseResponse(answer('Again')),
      ],
    });
    state.send('one');
    await settle();
    expect(client.hasToken()).toBe(true);
    expect(localStorage.getItem(tokenKey(SERVER))).toBe('tok_new');
    state.send('two');
    await settle();
    expect(chats()[1]?.headers.get('Authorization')).toBe('Bearer tok_new');
    expect(texts(state)).toEqual(['user:one', 'assistant:Hi', 'user:two', 'assistant:Again']);
  });

  it('refuses empty, oversized and overlapping sends', async () => {
    const { state } = setup({ turns: [() => openStream().response] });
    expect(state.send('   ')).toBe(false);
    expect(state.send('x'.repeat(state.maxLength + 1))).toBe(false);
    expect(state.send('first')).toBe(true);
    expect(state.send('second')).toBe(false);
  });

  it('retries a failed turn with the same Idempotency-Key and client message id', async () => {
    const { state, chats } = setup({
      turns: [
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Recovered')),
      ],
    });
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
    const { state } = setup({
      turns: [
        () =>
          sseResponse([
            storedFrame(stored('user', 'x', { seq: 1 })),
            { event: 'delta', data: { text: 'Part' }, id: '1.1' },
            { event: 'error', data: { code: 'internal', message: 'boom', retryable: false } },
          ]),
      ],
    });
    state.send('x');
    await settle();
    expect(last(state)).toMatchObject({
      phase: 'failed',
      text: 'Part',
      failure: { code: 'internal', retryable: false },
    });
  });

  it('treats a stream that ends before the question was stored as a network failure', async () => {
    const { state } = setup({
      turns: [() => sseResponse([{ event: 'session', data: { token: 't' } }])],
    });
    state.send('x');
    await settle();
    expect(last(state)?.failure?.code).toBe('network');
  });

  it('drops an invalid session quietly and resends once without the token', async () => {
    const { state, chats } = setup({
      token: 'stale',
      startOpen: false,
      turns: [
        () => errorResponse(401, 'session_invalid'),
        () =>
          sseResponse([{ event: 'session', data: { token: 'fresh' } }, ...answer('Hello again')]),
      ],
    });
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

  it('starts afresh when the conversation ends during the answer (erased meanwhile)', async () => {
    const { state, chats } = setup({
      token: 'erased',
      startOpen: false,
      turns: [
        () =>
          sseResponse([
            {
              event: 'error',
              data: {
                code: 'session_invalid',
                message: 'This conversation has ended',
                retryable: false,
              },
            },
          ]),
        () =>
          sseResponse([{ event: 'session', data: { token: 'fresh' } }, ...answer('Hello again')]),
      ],
    });
    state.send('Hi');
    await settle();
    expect(last(state)).toMatchObject({ phase: 'done', text: 'Hello again' });
    const [first, second] = chats();
    expect(first?.headers.get('Authorization')).toBe('Bearer erased');
    expect(second?.headers.has('Authorization')).toBe(false);
  });

  it('resends only once when the fresh session is refused too', async () => {
    const { state, chats } = setup({
      token: 'stale',
      turns: [
        () => errorResponse(401, 'session_invalid'),
        () => errorResponse(401, 'session_invalid'),
      ],
    });
    state.send('Hi');
    await settle();
    expect(chats()).toHaveLength(2);
    expect(last(state)?.failure?.code).toBe('session_invalid');
  });

  it('asks the visitor to wait after 429 and allows Retry once Retry-After has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { state, chats } = setup({
      turns: [
        () => errorResponse(429, 'rate_limited', { 'Retry-After': '30' }),
        () => sseResponse(answer('ok')),
      ],
    });
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

  it('stops a running turn here and on the server, keeping what streamed so far', async () => {
    const { turn, respond } = held();
    const { state, to, chats } = setup({ turns: [respond] });
    state.send('long answer please');
    await settle();
    turn.stream.send(storedFrame(stored('user', 'long answer please', { seq: 1 })));
    turn.stream.send({ event: 'delta', data: { text: 'First part' }, id: '1.1' });
    await settle();
    state.stop();
    await settle();
    expect(last(state)).toMatchObject({ phase: 'stopped', text: 'First part' });
    expect(state.busy.value).toBe(false);
    expect(chats()[0]?.signal?.aborted).toBe(true);
    expect(to('/api/chat/stop').map((r) => r.method)).toEqual(['POST']);
    // Nothing runs, nothing to stop.
    state.stop();
    expect(to('/api/chat/stop')).toHaveLength(1);
  });

  it('counts answers that finish while closed as unread and clears them on open', async () => {
    const { state } = setup({ turns: [() => sseResponse(answer('Hi'))], startOpen: false });
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
    const { state } = setup({ startOpen: true });
    expect(state.isOpen.value).toBe(false);
  });

  it('resumes a turn that failed offline when the browser comes back online', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const { state, chats } = setup({
      turns: [
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Back')),
      ],
    });
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
    const { state, requests } = setup({ turns: [() => openStream().response] });
    state.send('x');
    await state.newConversation();
    expect(state.messages.value).toEqual([]);
    expect(state.busy.value).toBe(false);
    expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/chat/session')).toBe(
      true,
    );
  });

  it('records feedback on the stored answer, and undoes it when the server refuses', async () => {
    let accept = true;
    const { state, to } = setup({
      turns: [() => sseResponse(answer('Hi'))],
      other: () =>
        accept ? new Response(null, { status: 204 }) : errorResponse(503, 'model_unavailable'),
    });
    state.send('x');
    await settle();
    const reply = state.messages.value.at(-1)!;
    await state.rate(reply, 'up');
    expect(reply.value.rating).toBe('up');
    expect(to('/api/chat/feedback')[0]?.body).toEqual({
      messageId: reply.value.messageId,
      rating: 'up',
    });
    expect(reply.value.messageId).toMatch(/^msg_\d+$/);
    accept = false;
    await state.rate(reply, 'down');
    expect(reply.value.rating).toBe('up');
  });

  it('emits message events for the question and the answer', async () => {
    const { state } = setup({ turns: [() => sseResponse(answer('Answer'))] });
    const seen: ParleyEvents['message'][] = [];
    state.events.on('message', (m) => seen.push(m));
    state.send('Question');
    await settle();
    expect(seen.map(({ role, text }) => [role, text])).toEqual([
      ['user', 'Question'],
      ['assistant', 'Answer'],
    ]);
    expect(seen[1]?.id).toBe(state.messages.value[1]?.value.messageId);
  });

  it('isolates a throwing listener', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { state } = setup({ turns: [() => sseResponse(answer('fine'))] });
    state.events.on('message', () => {
      throw new Error('host bug');
    });
    state.send('x');
    await settle();
    expect(last(state)?.phase).toBe('done');
    expect(error).toHaveBeenCalled();
  });
});

describe('createChatState: answers survive dropped connections', () => {
  it('follows the event stream after the last event seen when the answer stream breaks', async () => {
    const { turn, respond } = held();
    const { state, streams, followed } = setup({
      startOpen: false,
      turns: [respond],
      events: 'held',
    });
    state.send('Tell me everything');
    await settle();
    turn.stream.send({ event: 'session', data: { token: 'tok' } });
    turn.stream.send(storedFrame(stored('user', 'Tell me everything', { seq: 1 })));
    turn.stream.send({ event: 'delta', data: { text: 'Once ' }, id: '1.1' });
    await settle();
    // Closed panel, the assistant answering: nothing to follow yet.
    expect(followed()).toHaveLength(0);

    turn.stream.drop();
    await settle();
    expect(followed().map((r) => r.query.get('after'))).toEqual(['1.1']);
    expect(last(state)).toMatchObject({ phase: 'streaming', text: 'Once ', failure: undefined });
    expect(state.busy.value).toBe(true);

    // The server replays from the position asked for; what the widget already has is skipped.
    streams[0]!.send({ event: 'status', data: BOT });
    streams[0]!.send({ event: 'delta', data: { text: 'Once ' }, id: '1.1' });
    streams[0]!.send({ event: 'delta', data: { text: 'upon ' }, id: '1.2' });
    streams[0]!.send({ event: 'delta', data: { text: 'a time' }, id: '1.3' });
    await settle();
    expect(last(state)?.text).toBe('Once upon a time');
    streams[0]!.send(storedFrame(stored('assistant', 'Once upon a time.', { seq: 2 })));
    await settle();
    expect(texts(state)).toEqual(['user:Tell me everything', 'assistant:Once upon a time.']);
    expect(last(state)?.phase).toBe('done');
    expect(state.busy.value).toBe(false);
    expect(state.unread.value).toBe(1);
    // Done, closed, the assistant answering: the stream is let go.
    expect(followed()[0]?.signal?.aborted).toBe(true);
  });

  it('gives a resumed answer up after a long silence, for a Retry the server can replay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { turn, respond } = held();
    const { state, chats } = setup({
      turns: [respond, () => sseResponse(answer('Replayed'))],
      events: 'held',
    });
    state.send('Q');
    await vi.advanceTimersByTimeAsync(0);
    turn.stream.send(storedFrame(stored('user', 'Q', { seq: 1 })));
    await vi.advanceTimersByTimeAsync(0);
    turn.stream.drop();
    await vi.advanceTimersByTimeAsync(RESUME_IDLE_MS - 1);
    expect(last(state)?.phase).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(last(state)).toMatchObject({ phase: 'failed', failure: { code: 'network' } });
    state.retry(state.messages.value.at(-1)!);
    await vi.advanceTimersByTimeAsync(0);
    expect(chats()[1]?.headers.get('Idempotency-Key')).toBe(
      chats()[0]?.headers.get('Idempotency-Key'),
    );
    expect(last(state)).toMatchObject({ phase: 'done', text: 'Replayed' });
  });

  it('stops a resumed answer with the server, too', async () => {
    const { turn, respond } = held();
    const { state, streams, to } = setup({ startOpen: false, turns: [respond], events: 'held' });
    state.send('Q');
    await settle();
    turn.stream.send({ event: 'session', data: { token: 'tok' } });
    turn.stream.send(storedFrame(stored('user', 'Q', { seq: 1 })));
    await settle();
    turn.stream.drop();
    await settle();
    expect(streams).toHaveLength(1);
    state.stop();
    await settle();
    expect(last(state)?.phase).toBe('stopped');
    expect(to('/api/chat/stop')).toHaveLength(1);
    expect(to('/api/chat/events')[0]?.signal?.aborted).toBe(true);
  });

  it('applies what both streams carry once, when the panel is open during an answer', async () => {
    const { turn, respond } = held();
    const { state, streams } = setup({ token: 'tok', turns: [respond], events: 'held' });
    await settle();
    expect(streams).toHaveLength(1);
    state.send('Q');
    await settle();
    const frames = [
      storedFrame(stored('user', 'Q', { seq: 1 })),
      { event: 'delta' as const, data: { text: 'Hel' }, id: '1.1' },
      { event: 'delta' as const, data: { text: 'lo' }, id: '1.2' },
      storedFrame(stored('assistant', 'Hello', { seq: 2 })),
    ];
    for (const frame of frames) {
      streams[0]!.send(frame);
      turn.stream.send(frame);
      await settle(1);
    }
    turn.stream.close();
    await settle();
    expect(texts(state)).toEqual(['user:Q', 'assistant:Hello']);
    expect(state.busy.value).toBe(false);
  });
});

describe('createChatState: the human loop', () => {
  it('shows where the conversation stands, and that it came back to the assistant', async () => {
    const { state, streams } = setup({ token: 'tok', events: 'held' });
    await settle();
    streams[0]!.send({
      event: 'status',
      data: { status: 'waiting', waitMinutes: 2, contactKnown: false },
    });
    await settle();
    expect(state.standing.value).toMatchObject({ status: 'waiting', waitMinutes: 2 });
    streams[0]!.send({
      event: 'status',
      data: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
    });
    await settle();
    expect(state.standing.value).toMatchObject({ status: 'human', operator: { name: 'Dana' } });
    streams[0]!.send({ event: 'status', data: BOT });
    await settle();
    expect(state.standing.value).toMatchObject({ status: 'bot', handedBack: true });
  });

  it("delivers a visitor's message to the person without an answer bubble", async () => {
    const { state } = setup({
      token: 'tok',
      history: () =>
        historyPage([], {
          conversation: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
        }),
      turns: [
        () =>
          sseResponse([
            storedFrame(stored('user', 'Thanks Dana', { seq: 5 })),
            {
              event: 'status',
              data: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
            },
          ]),
      ],
    });
    await settle();
    state.send('Thanks Dana');
    expect(last(state)?.phase).toBe('sending');
    await settle();
    expect(texts(state)).toEqual(['user:Thanks Dana']);
    expect(state.messages.value[0]?.value.seq).toBe(5);
    expect(state.busy.value).toBe(false);
  });

  it('follows while a person is asked for, even closed: their messages count as unread', async () => {
    const { state, streams, followed } = setup({
      token: 'tok',
      startOpen: false,
      history: () =>
        historyPage([stored('user', 'I want a person', { seq: 3 })], {
          conversation: { status: 'waiting', contactKnown: false },
        }),
      events: 'held',
    });
    const seen: ParleyEvents['message'][] = [];
    state.events.on('message', (m) => seen.push(m));
    await settle();
    expect(followed().map((r) => r.query.get('after'))).toEqual(['3']);
    streams[0]!.send(
      storedFrame(stored('operator', 'Hi, Dana here.', { seq: 4, author: { name: 'Dana' } })),
    );
    await settle();
    expect(last(state)).toMatchObject({ role: 'operator', author: 'Dana', past: false });
    expect(state.unread.value).toBe(1);
    expect(seen).toEqual([{ role: 'operator', text: 'Hi, Dana here.', id: 'msg_4' }]);

    // Back with the assistant and closed: no reason to keep a connection open.
    streams[0]!.send({ event: 'status', data: BOT });
    await settle();
    expect(followed()[0]?.signal?.aborted).toBe(true);
  });

  it('does not follow when there is no conversation', async () => {
    const { followed } = setup({ events: 'held' });
    await settle();
    expect(followed()).toHaveLength(0);
  });
});

describe('createChatState: history', () => {
  it('restores history when there is a session, before anything else', async () => {
    const history = [
      stored('user', 'Earlier question', { seq: 1 }),
      stored('assistant', 'Earlier answer', { seq: 2, ticketId: 'T-9' }),
    ];
    const { state, requests } = setup({
      token: 'tok',
      startOpen: false,
      history: () => historyPage(history, { conversation: { ...BOT, contactKnown: true } }),
    });
    await settle();
    expect(requests[0]?.path).toBe('/api/chat/history');
    expect(texts(state)).toEqual(['user:Earlier question', 'assistant:Earlier answer']);
    expect(state.messages.value[1]?.value).toMatchObject({
      messageId: 'msg_2',
      ticketId: 'T-9',
      phase: 'done',
      past: true,
    });
    expect(state.contact.value).toBeUndefined();
  });

  it('does not fetch history on page load for visitors who never chatted', async () => {
    const { requests } = setup({ startOpen: false });
    await settle();
    expect(requests).toEqual([]);
  });

  it('loads older pages with the cursor, in front, until the first message', async () => {
    const { state, to } = setup({
      token: 'tok',
      history: (request) => {
        const before = request.query.get('before');
        if (!before) return historyPage([stored('user', 'newest', { seq: 40 })], { before: '40' });
        if (before === '40')
          return historyPage([stored('assistant', 'middle', { seq: 39 })], { before: '39' });
        return historyPage([stored('user', 'first', { seq: 1 })]);
      },
    });
    await settle();
    expect(state.older.value).toBe(true);
    await Promise.all([state.loadOlder(), state.loadOlder()]);
    expect(texts(state)).toEqual(['assistant:middle', 'user:newest']);
    await state.loadOlder();
    expect(texts(state)).toEqual(['user:first', 'assistant:middle', 'user:newest']);
    expect(state.older.value).toBe(false);
    await state.loadOlder();
    expect(to('/api/chat/history').map((r) => r.query.get('before'))).toEqual([null, '40', '39']);
  });
});

describe('createChatState: the email form', () => {
  it('asks for an email when the team needs one, and sends it', async () => {
    const reply: ContactReply = { conversation: { ...BOT, contactKnown: true } };
    const { state, to } = setup({
      turns: [
        () =>
          sseResponse([
            ...answer('Our team is offline right now.', { ticketId: 'T-2' }),
            { event: 'contact', data: { reason: 'after_hours' } },
          ]),
      ],
      other: (request) =>
        request.path === '/api/chat/contact' ? Response.json(reply) : new Response(null),
    });
    state.send('I want a person');
    await settle();
    expect(state.contact.value).toEqual({ reason: 'after_hours' });
    await expect(state.sendContact({ email: 'sam@example.com', name: 'Sam' })).resolves.toBe(
      undefined,
    );
    expect(to('/api/chat/contact')[0]?.body).toEqual({ email: 'sam@example.com', name: 'Sam' });
    expect(state.contact.value).toEqual({ reason: 'after_hours', sentTo: 'sam@example.com' });
    expect(state.standing.value.contactKnown).toBe(true);
  });

  it('thanks the visitor even when the stream says the address arrived before the reply does', async () => {
    let answer!: (response: Response) => void;
    const { state, streams } = setup({
      token: 'tok',
      events: 'held',
      history: () =>
        historyPage([stored('assistant', 'Ticket opened.', { seq: 1, ticketId: 'T-1' })]),
      other: () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    await settle();
    expect(state.contact.value).toEqual({ reason: 'follow_up' });
    const sent = state.sendContact({ email: 'sam@example.com' });
    await settle();
    streams[0]!.send({ event: 'status', data: { ...BOT, contactKnown: true } });
    await settle();
    answer(Response.json({ conversation: { ...BOT, contactKnown: true } }));
    await expect(sent).resolves.toBeUndefined();
    expect(state.contact.value).toEqual({ reason: 'follow_up', sentTo: 'sam@example.com' });
  });

  it('puts the form away when a verified identity brings the address', async () => {
    const { state } = setup({
      token: 'tok',
      history: () =>
        historyPage([stored('assistant', 'Ticket opened.', { seq: 1, ticketId: 'T-1' })]),
      other: () =>
        Response.json({
          sessionToken: 'tok',
          switched: false,
          conversation: { ...BOT, contactKnown: true },
        }),
    });
    await settle();
    expect(state.contact.value).toEqual({ reason: 'follow_up' });
    await state.identify('a.b.c');
    expect(state.contact.value).toBeUndefined();
  });

  it("says what went wrong when the server refuses the address or can't be reached", async () => {
    let answerWith = () => errorResponse(400, 'invalid_request');
    const { state } = setup({ other: () => answerWith() });
    await expect(state.sendContact({ email: 'sam@example' })).resolves.toBe('invalid_request');
    answerWith = () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(state.sendContact({ email: 'sam@example.com' })).resolves.toBe('network');
  });

  it('asks again after a reload while a ticket waits for an address', async () => {
    const { state } = setup({
      token: 'tok',
      history: () =>
        historyPage([
          stored('user', 'I want a person', { seq: 1 }),
          stored('assistant', 'Ticket opened.', { seq: 2, ticketId: 'T-1' }),
        ]),
    });
    await settle();
    expect(state.contact.value).toEqual({ reason: 'follow_up' });
  });
});

describe('createChatState: verified identity', () => {
  const identified = (switched: boolean): IdentifyReply => ({
    sessionToken: 'tok_verified',
    switched,
    conversation: { ...BOT, contactKnown: true },
  });

  it('identifies first, then loads the conversation the visitor had on another device', async () => {
    const { state, requests } = setup({
      token: 'tok_guest',
      identityToken: 'a.b.c',
      history: () => historyPage([stored('user', 'From my phone', { seq: 8 })]),
      other: () => Response.json(identified(true)),
    });
    await settle();
    expect(requests.map((r) => r.path).slice(0, 2)).toEqual([
      '/api/chat/identify',
      '/api/chat/history',
    ]);
    expect(requests[0]?.body).toEqual({ token: 'a.b.c' });
    expect(requests[1]?.headers.get('Authorization')).toBe('Bearer tok_verified');
    expect(localStorage.getItem(tokenKey(SERVER))).toBe('tok_verified');
    expect(texts(state)).toEqual(['user:From my phone']);
  });

  it('replaces the conversation shown when a later identify switches it', async () => {
    let page = [stored('user', 'As a guest', { seq: 1 })];
    const { state } = setup({
      token: 'tok_guest',
      history: () => historyPage(page),
      other: () => Response.json(identified(true)),
    });
    await settle();
    expect(texts(state)).toEqual(['user:As a guest']);
    page = [stored('user', 'Signed in elsewhere', { seq: 30 })];
    await state.identify('a.b.c');
    await settle();
    expect(texts(state)).toEqual(['user:Signed in elsewhere']);
  });

  it('keeps everything as it was when the token is refused, and says so once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { state, requests, client } = setup({
      startOpen: false,
      identityToken: 'a.b.c',
      other: () => errorResponse(401, 'identity_invalid'),
    });
    await settle();
    await state.identify('d.e.f');
    expect(requests.map((r) => r.path)).toEqual(['/api/chat/identify', '/api/chat/identify']);
    expect(client.hasToken()).toBe(false);
    expect(state.messages.value).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain('identity_invalid happened');
  });
});
