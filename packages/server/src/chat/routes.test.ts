import {
  assistantMessage,
  functionCall,
  modelError,
  modelResponder,
  ScriptedModel,
} from '@openai/agents/testing';
import type { ErrorBody } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import {
  deltasOf,
  doneOf,
  followEvents,
  getHistory,
  sendChat,
  stopChat,
  streamChat,
  tokenOf,
} from '@parley/testkit/chat-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../http/session-identity.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(model: ScriptedModel, env?: Record<string, string>): Promise<TestApp> {
  app = await startTestApp({ model, ...(env ? { env } : {}) });
  return app;
}

/** A gate a scripted model waits on, and the function that opens it. */
function gated(): { gate: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release };
}

/** A model that answers each turn with the next of `answers`, in order. */
function answering(...answers: string[]): ScriptedModel {
  return new ScriptedModel(answers.map((answer) => [assistantMessage(answer)]));
}

/** A model that answers `first` at once, then `second` once `gate` opens. */
function firstThenHeld(first: string, second: string, gate: Promise<void>): ScriptedModel {
  return new ScriptedModel([
    [assistantMessage(first)],
    modelResponder(async () => {
      await gate;
      return [assistantMessage(second)];
    }),
  ]);
}

const searchThenAnswer = (answer: string) => [
  [functionCall('search_knowledge_base', { query: 'reset password' }, { callId: 'call_1' })],
  [assistantMessage(answer)],
];

describe('POST /api/chat with Accept: text/event-stream', () => {
  it('streams session, message, tool, delta and done events, each with an id', async () => {
    const { baseUrl } = await start(
      new ScriptedModel(searchThenAnswer('Use **Forgot password** on the sign-in page.')),
    );
    const chat = await streamChat(baseUrl, 'How do I reset my password?');

    expect(chat.status).toBe(200);
    expect(chat.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(chat.headers.get('x-accel-buffering')).toBe('no');
    expect(chat.headers.get('content-encoding') ?? 'identity').toBe('identity');
    expect(chat.events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['session', 'message', 'tool', 'delta', 'done']),
    );
    expect(chat.events[0]?.event).toBe('session');
    // The question is stored first, at position 1; the answer's live events are numbered after it.
    expect(chat.events[1]).toEqual({
      event: 'message',
      data: expect.objectContaining({ seq: 1, role: 'user', text: 'How do I reset my password?' }),
    });
    const withIds = chat.ids.slice(1);
    expect(withIds[0]).toBe('1');
    expect(withIds.slice(1, -1).every((id) => /^1\.\d+$/.test(id ?? ''))).toBe(true);
    expect(withIds.at(-1)).toBe('2');
    expect(new Set(withIds).size).toBe(withIds.length);

    const tools = chat.events
      .filter((e) => e.event === 'tool')
      .map((e) => e.event === 'tool' && e.data);
    expect(tools).toEqual([
      { name: 'search_knowledge_base', status: 'started' },
      { name: 'search_knowledge_base', status: 'done' },
    ]);
    const done = doneOf(chat);
    expect(done).toMatchObject({ seq: 2, role: 'assistant', id: expect.stringMatching(/^msg_/) });
    expect(done?.text).toBe('Use **Forgot password** on the sign-in page.');
    expect(done?.text).toBe(deltasOf(chat));
    expect(done?.toolsUsed).toEqual(['search_knowledge_base']);
    expect(done?.citations?.[0]?.url).toMatch(/password/);
  });

  it('sets the session cookie with exactly the attributes a third-party widget needs', async () => {
    const { baseUrl, config } = await start(new ScriptedModel([[assistantMessage('Hi!')]]));
    const chat = await streamChat(baseUrl, 'Hello');
    const cookie = chat.headers.get('set-cookie') ?? '';
    const attributes = cookie.split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`${SESSION_COOKIE}=${tokenOf(chat)}`);
    expect(attributes).toEqual(
      expect.arrayContaining([
        `Max-Age=${config.sessionTtlMs / 1000}`,
        'Path=/',
        'HttpOnly',
        'Secure',
        'SameSite=None',
        'Partitioned',
      ]),
    );
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('refreshes the cookie on reads to what is left of the session, never beyond it', async () => {
    const { baseUrl, clock } = await start(answering('Hi!', 'Again'), {
      PARLEY_SESSION_TTL: '10m',
    });
    const token = tokenOf(await streamChat(baseUrl, 'Hello'))!;
    const cookie = `${SESSION_COOKIE}=${token}`;
    const advance = (ms: number) => (clock as unknown as { advance(ms: number): void }).advance(ms);
    const read = () =>
      fetch(`${baseUrl}/api/chat/history`, {
        headers: { Cookie: cookie, Origin: new URL(baseUrl).origin },
      });
    // A read 8 minutes after the message: the cookie gets the 2 minutes the session has left.
    advance(8 * 60_000);
    const reading = await read();
    expect(reading.status).toBe(200);
    expect(reading.headers.get('set-cookie')).toMatch(/Max-Age=120;/);
    // A message keeps it alive for the whole TTL again, and the cookie says so.
    const sent = await streamChat(baseUrl, 'Still there?', { cookie });
    expect(sent.headers.get('set-cookie')).toMatch(/Max-Age=600;/);
    // Reads do not: 11 minutes of reading only, and the session (and its cookie) are gone.
    advance(11 * 60_000);
    expect((await read()).status).toBe(401);
  });

  it('continues the conversation with the bearer token or the cookie', async () => {
    const model = answering('First.', 'Second.', 'Third.');
    const { baseUrl } = await start(model);
    const first = await streamChat(baseUrl, 'one');
    const token = tokenOf(first)!;
    const second = await streamChat(baseUrl, 'two', { token });
    const third = await streamChat(baseUrl, 'three', { cookie: `${SESSION_COOKIE}=${token}` });

    expect(tokenOf(second)).toBeUndefined();
    expect(doneOf(third)?.text).toBe('Third.');
    const history = await getHistory(baseUrl, { token });
    expect(history.body.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'one'],
      ['assistant', 'First.'],
      ['user', 'two'],
      ['assistant', 'Second.'],
      ['user', 'three'],
      ['assistant', 'Third.'],
    ]);
    // The model saw the earlier turns.
    expect(JSON.stringify(model.lastCall?.request.input)).toContain('Second.');
  });

  it('reports a model failure as a retryable error event and keeps history consistent', async () => {
    const model = new ScriptedModel([
      [functionCall('search_knowledge_base', { query: 'refund' }, { callId: 'call_x' })],
      modelError(new Error('upstream exploded')),
      [assistantMessage('Refunds take 5 days.')],
    ]);
    const { baseUrl } = await start(model);
    const failed = await streamChat(baseUrl, 'Where is my refund?');
    const token = tokenOf(failed)!;
    const error = failed.events.at(-1);
    expect(error).toEqual({
      event: 'error',
      data: { code: 'internal', message: expect.any(String), retryable: true },
    });
    expect(failed.events.some((e) => e.event === 'done')).toBe(false);

    const next = await streamChat(baseUrl, 'Where is my refund?', { token });
    expect(doneOf(next)?.text).toBe('Refunds take 5 days.');
    // No orphan tool call from the failed turn reached the model.
    expect(JSON.stringify(model.lastCall?.request.input)).not.toContain('call_x');
    const history = await getHistory(baseUrl, { token });
    expect(history.body.messages.map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
  });

  it('announces a handoff to a specialist', async () => {
    const model = new ScriptedModel([
      [functionCall('transfer_to_billing', {}, { callId: 'call_h' })],
      [assistantMessage('Billing here: invoices are under Settings.')],
    ]);
    const { baseUrl } = await start(model);
    const chat = await streamChat(baseUrl, 'I need an invoice');
    expect(chat.events).toContainEqual({ event: 'handoff', data: { agent: 'Billing' } });
    expect(doneOf(chat)?.text).toBe('Billing here: invoices are under Settings.');
  });

  it('answers an empty model output with a fallback that offers a ticket', async () => {
    const { baseUrl } = await start(new ScriptedModel([[assistantMessage('')]]));
    const chat = await streamChat(baseUrl, 'Hmm?');
    expect(doneOf(chat)?.text).toMatch(/ticket/);
    expect(doneOf(chat)?.text).toBe(deltasOf(chat));
  });

  it('keeps running when the client disconnects; the answer is in history', async () => {
    const { gate, release } = gated();
    let signal: AbortSignal | undefined;
    const model = new ScriptedModel([
      modelResponder(async (call) => {
        signal = call.request.signal;
        await gate;
        return [assistantMessage('Here it is, whenever you come back.')];
      }),
    ]);
    const { baseUrl } = await start(model);
    const controller = new AbortController();
    let token: string | undefined;
    const pending = streamChat(baseUrl, 'slow one', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.event === 'session') token = event.data.token;
      },
    });
    await waitFor(() => token !== undefined && model.calls.length === 1);
    // The visitor hangs up with the question stored and no answer yet.
    controller.abort();
    const cut = await pending;
    expect(cut.events.map((e) => e.event)).toEqual(['session', 'message']);
    release();
    await waitFor(async () => (await getHistory(baseUrl, { token })).body.messages.length === 2);
    expect(signal?.aborted).toBe(false);
    const history = await getHistory(baseUrl, { token });
    expect(history.body.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'slow one'],
      ['assistant', 'Here it is, whenever you come back.'],
    ]);
  });

  it('stops the running answer on POST /api/chat/stop, keeping only the question', async () => {
    let aborted: Promise<void> | undefined;
    const model = new ScriptedModel([
      modelResponder(async (call) => {
        aborted = new Promise((resolve) =>
          call.request.signal?.addEventListener('abort', () => resolve()),
        );
        await aborted;
        return [assistantMessage('too late')];
      }),
    ]);
    const { baseUrl } = await start(model);
    let token: string | undefined;
    const pending = streamChat(baseUrl, 'slow one', {
      onEvent: (event) => {
        if (event.event === 'session') token = event.data.token;
      },
    });
    await waitFor(() => token !== undefined && aborted !== undefined);
    expect(await stopChat(baseUrl, { token })).toBe(204);
    await expect(aborted).resolves.toBeUndefined();
    const chat = await pending;
    // Stopped on purpose: the stream just ends, with neither an answer nor an error.
    expect(chat.events.map((e) => e.event)).not.toContain('done');
    expect(chat.events.map((e) => e.event)).not.toContain('error');
    const history = await getHistory(baseUrl, { token });
    expect(history.body.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('answers a stop without a conversation with 204, stopping nothing', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    expect(await stopChat(baseUrl)).toBe(204);
  });
});

describe('POST /api/chat as JSON', () => {
  it('returns a ChatReply with the session token', async () => {
    const { baseUrl } = await start(
      new ScriptedModel(searchThenAnswer('Reset it from the sign-in page.')),
    );
    const { status, body } = await sendChat(baseUrl, {
      message: '  How do I reset my password?  ',
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      sessionToken: expect.any(String),
      question: expect.objectContaining({
        seq: 1,
        role: 'user',
        text: 'How do I reset my password?',
      }),
      answer: expect.objectContaining({
        id: expect.stringMatching(/^msg_/),
        seq: 2,
        role: 'assistant',
        text: 'Reset it from the sign-in page.',
        toolsUsed: ['search_knowledge_base'],
        citations: expect.arrayContaining([
          expect.objectContaining({ url: expect.stringMatching(/password/) }),
        ]),
      }),
      conversation: { status: 'bot', contactKnown: false },
    });
    const history = await getHistory(baseUrl, { token: body.sessionToken });
    expect(history.body.messages[0]?.text).toBe('How do I reset my password?');
  });

  it.each([
    ['malformed JSON', '{"message":', 400, 'invalid_request'],
    ['an empty message', { message: '   ' }, 400, 'invalid_request'],
    ['a missing message', { text: 'hi' }, 400, 'invalid_request'],
    ['a too long message', { message: 'x'.repeat(4001) }, 400, 'invalid_request'],
    ['a body over 16 KiB', { message: 'x'.repeat(17_000) }, 413, 'payload_too_large'],
  ])('refuses %s with %i %s and never calls the model', async (_name, body, status, code) => {
    const model = new ScriptedModel([]);
    const { baseUrl } = await start(model);
    const response = await sendChat(baseUrl, body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(model.calls).toHaveLength(0);
  });

  it('refuses a non-JSON body with 415', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const response = await fetch(`${baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: baseUrl },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: { code: 'unsupported_media_type', message: expect.any(String) },
    });
  });
});

describe('sessions over HTTP', () => {
  it.each([
    ['a forged token', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.forged'],
    ['garbage', 'not a token at all'],
  ])(
    'answers %s with 401 session_invalid, creates nothing and never calls the model',
    async (_n, token) => {
      const model = new ScriptedModel([]);
      const { baseUrl } = await start(model);
      const chat = await streamChat(baseUrl, 'hi', { token });
      expect(chat.status).toBe(401);
      expect(chat.error?.error.code).toBe('session_invalid');
      expect(model.calls).toHaveLength(0);
    },
  );

  it.each([
    ['empty', ''],
    ['not Bearer', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer '],
  ])(
    'answers an Authorization header that is %s with 401 and creates no session',
    async (_n, authorization) => {
      const model = new ScriptedModel([]);
      const { baseUrl } = await start(model);
      const chat = await streamChat(baseUrl, 'hi', { headers: { Authorization: authorization } });
      expect(chat.status).toBe(401);
      expect(chat.error?.error.code).toBe('session_invalid');
      expect(chat.headers.get('set-cookie')).toBeNull();
      expect(model.calls).toHaveLength(0);
    },
  );

  it('counts new conversations where one is created, so no header skips the limit', async () => {
    const model = new ScriptedModel(Array.from({ length: 3 }, () => [assistantMessage('Hello')]));
    const { baseUrl } = await start(model, { PARLEY_RATE_IP_SESSIONS: '2' });
    const created = await sendChat(baseUrl, { message: 'hi' });
    expect(created.status).toBe(200);
    // Refused and invalid requests create nothing, so they use up nothing.
    for (const authorization of ['', 'Bearer forged.token']) {
      const refused = await streamChat(baseUrl, 'hi', {
        headers: { Authorization: authorization },
      });
      expect(refused.status).toBe(401);
    }
    expect((await streamChat(baseUrl, '')).status).toBe(400);
    // Continuing a conversation is not a new one.
    const token = created.body.sessionToken;
    expect((await sendChat(baseUrl, { message: 'again' }, { token })).status).toBe(200);
    expect((await sendChat(baseUrl, { message: 'second new' })).status).toBe(200);
    const third = await sendChat(baseUrl, { message: 'third new' });
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/new conversations/);
  });

  it('reads an empty history without creating a session', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const response = await fetch(`${baseUrl}/api/chat/history`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      messages: [],
      conversation: { status: 'bot', contactKnown: false },
    });
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('erases the session on DELETE and refuses its token afterwards', async () => {
    const { baseUrl } = await start(new ScriptedModel([[assistantMessage('Hi')]]));
    const token = tokenOf(await streamChat(baseUrl, 'hello'))!;
    const deleted = await fetch(`${baseUrl}/api/chat/session`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, Origin: baseUrl },
    });
    expect(deleted.status).toBe(204);
    expect((await getHistory(baseUrl, { token })).status).toBe(401);
  });
});

describe('idempotency and one turn at a time', () => {
  it('replays a completed turn for a retried Idempotency-Key without running the agent', async () => {
    const model = new ScriptedModel([[assistantMessage('Only once.')]]);
    const { baseUrl } = await start(model);
    const first = await streamChat(baseUrl, 'hello', { idempotencyKey: 'key-1' });
    const token = tokenOf(first)!;
    const retry = await streamChat(baseUrl, 'hello', { token, idempotencyKey: 'key-1' });
    expect(doneOf(retry)).toEqual(doneOf(first));
    expect(model.calls).toHaveLength(1);
    const conflict = await sendChat(
      baseUrl,
      { message: 'something else' },
      { token, idempotencyKey: 'key-1' },
    );
    expect(conflict.status).toBe(422);
    expect(conflict.body.error.code).toBe('idempotency_conflict');
  });

  it('refuses a second simultaneous turn on one session with 409', async () => {
    const { gate, release } = gated();
    const model = firstThenHeld('first', 'slow', gate);
    const { baseUrl } = await start(model);
    const token = tokenOf(await streamChat(baseUrl, 'hello'))!;
    const slow = streamChat(baseUrl, 'slow question', { token });
    await waitFor(() => model.calls.length === 2);
    const concurrent = await streamChat(baseUrl, 'impatient', { token });
    expect(concurrent.status).toBe(409);
    expect(concurrent.error?.error.code).toBe('turn_in_progress');
    release();
    expect(doneOf(await slow)?.text).toBe('slow');
  });
});

describe('GET /api/chat/history', () => {
  it('pages back from the latest messages with before and limit', async () => {
    const model = answering('A1', 'A2', 'A3');
    const { baseUrl } = await start(model);
    const token = (await sendChat(baseUrl, { message: 'Q1' })).body.sessionToken;
    await sendChat(baseUrl, { message: 'Q2' }, { token });
    await sendChat(baseUrl, { message: 'Q3' }, { token });

    const latest = await getHistory(baseUrl, { token, limit: 4 });
    expect(latest.status).toBe(200);
    expect(latest.body.messages.map((m) => [m.seq, m.text])).toEqual([
      [3, 'Q2'],
      [4, 'A2'],
      [5, 'Q3'],
      [6, 'A3'],
    ]);
    expect(latest.body.before).toBe('3');
    expect(latest.body.conversation).toEqual({ status: 'bot', contactKnown: false });

    const older = await getHistory(baseUrl, { token, limit: 4, before: latest.body.before! });
    expect(older.body.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'Q1'],
      [2, 'A1'],
    ]);
    expect(older.body.before).toBeUndefined();
  });

  it.each([
    ['a cursor that is not a position', '?before=abc'],
    ['a zero limit', '?limit=0'],
    ['a limit over the maximum', '?limit=101'],
  ])('refuses %s with 400', async (_name, query) => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const response = await fetch(`${baseUrl}/api/chat/history${query}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_request');
  });
});

describe('GET /api/chat/events', () => {
  it('answers 204 without a conversation to follow', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const followed = await followEvents(baseUrl);
    expect(followed.status).toBe(204);
  });

  it('sends what was missed after Last-Event-ID, then each new message as it is stored', async () => {
    const model = answering('A1', 'A2', 'A3');
    const { baseUrl } = await start(model);
    const token = (await sendChat(baseUrl, { message: 'Q1' })).body.sessionToken;
    await sendChat(baseUrl, { message: 'Q2' }, { token });

    const controller = new AbortController();
    const stored: string[] = [];
    const following = followEvents(baseUrl, {
      token,
      lastEventId: '1',
      signal: controller.signal,
      onEvent: (event, id) => {
        if (event.event === 'message' || event.event === 'done')
          stored.push(`${id} ${event.event} ${event.data.text}`);
      },
    });
    await waitFor(() => stored.length === 3);
    expect(stored).toEqual(['2 done A1', '3 message Q2', '4 done A2']);

    await sendChat(baseUrl, { message: 'Q3' }, { token });
    await waitFor(() => stored.length === 5);
    expect(stored.slice(3)).toEqual(['5 message Q3', '6 done A3']);
    controller.abort();
    await following;
  });
});

describe('GET /api/chat/events from a made-up position', () => {
  it('starts at the end of the log for a position past it, and delivers what comes next', async () => {
    const { baseUrl } = await start(answering('A1', 'A2'));
    const token = (await sendChat(baseUrl, { message: 'Q1' })).body.sessionToken;
    const controller = new AbortController();
    const stored: string[] = [];
    const following = followEvents(baseUrl, {
      token,
      lastEventId: '50',
      signal: controller.signal,
      onEvent: (event, id) => {
        if (event.event === 'message' || event.event === 'done')
          stored.push(`${id} ${event.event} ${event.data.text}`);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sendChat(baseUrl, { message: 'Q2' }, { token });
    await waitFor(() => stored.length === 2);
    expect(stored).toEqual(['3 message Q2', '4 done A2']);
    controller.abort();
    await following;
  });

  it.each(['abc', '-1', '1e3', ''])(
    'refuses ?after=%s with a 400 naming the parameter',
    async (after) => {
      const { baseUrl } = await start(answering('A1'));
      const token = (await sendChat(baseUrl, { message: 'Q1' })).body.sessionToken;
      const response = await fetch(`${baseUrl}/api/chat/events?after=${after}`, {
        headers: { Authorization: `Bearer ${token}`, Origin: new URL(baseUrl).origin },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(/^after:/);
    },
  );
});

describe('GET /api/chat/events while an answer runs', () => {
  it('streams the running answer live to a follower, numbered after its question', async () => {
    const { gate, release } = gated();
    const model = firstThenHeld('A1', 'A2, live', gate);
    const { baseUrl } = await start(model);
    const token = (await sendChat(baseUrl, { message: 'Q1' })).body.sessionToken;
    const controller = new AbortController();
    const seen: string[] = [];
    const following = followEvents(baseUrl, {
      token,
      lastEventId: '2',
      signal: controller.signal,
      onEvent: (event, id) => {
        if (event.event === 'delta') seen.push(`${id} delta ${event.data.text}`);
        if (event.event === 'message' || event.event === 'done')
          seen.push(`${id} ${event.event} ${event.data.text}`);
      },
    });
    const answering = sendChat(baseUrl, { message: 'Q2' }, { token });
    await waitFor(() => seen.length === 1);
    release();
    await answering;
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual(['3 message Q2', '3.1 delta A2, live', '4 done A2, live']);
    controller.abort();
    await following;
  });
});

describe('reads and ratings are rate limited per address', () => {
  it('refuses history reads and ratings over their limits with 429', async () => {
    const { baseUrl } = await start(new ScriptedModel([]), {
      PARLEY_RATE_IP_READS: '2',
      PARLEY_RATE_IP_FEEDBACK: '1',
    });
    expect((await getHistory(baseUrl)).status).toBe(200);
    expect((await getHistory(baseUrl)).status).toBe(200);
    const refused = await getHistory(baseUrl);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const rate = () =>
      fetch(`${baseUrl}/api/chat/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: baseUrl },
        body: JSON.stringify({ messageId: 'msg_1', rating: 'up' }),
      });
    expect((await rate()).status).toBe(404);
    expect((await rate()).status).toBe(429);
  });
});

describe('feedback', () => {
  it('stores a rating of an answer in this conversation, and 404s for anything else', async () => {
    const { baseUrl, store } = await start(new ScriptedModel([[assistantMessage('Rated answer')]]));
    const chat = await streamChat(baseUrl, 'hello');
    const token = tokenOf(chat)!;
    const post = (body: unknown) =>
      fetch(`${baseUrl}/api/chat/feedback`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          Origin: baseUrl,
        },
        body: JSON.stringify(body),
      });
    const answer = doneOf(chat)!;
    expect((await post({ messageId: answer.id, rating: 'up' })).status).toBe(204);
    expect((await post({ messageId: 'msg_unknown', rating: 'down' })).status).toBe(404);
    // The visitor's own question is not an answer to rate.
    const question = chat.events.find((e) => e.event === 'message');
    expect(question?.event === 'message' && question.data.role).toBe('user');
    if (question?.event === 'message') {
      expect((await post({ messageId: question.data.id, rating: 'up' })).status).toBe(404);
    }
    expect((await post({ messageId: answer.id, rating: 'meh' })).status).toBe(400);
    const page = await store.feedback.list({ limit: 10 });
    expect(page.items).toEqual([expect.objectContaining({ messageId: answer.id, rating: 'up' })]);
  });
});

describe('the rest of the surface', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const response = await fetch(`${baseUrl}/api/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/nope' },
    });
  });

  it('reports liveness, model mode and store kind', async () => {
    const { baseUrl } = await start(new ScriptedModel([]));
    const body = await (await fetch(`${baseUrl}/healthz`)).json();
    expect(body).toEqual({
      status: 'ok',
      model: 'custom',
      store: 'memory',
      version: expect.any(String),
    });
  });
});

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 2000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
