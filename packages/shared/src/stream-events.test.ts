import { describe, expect, expectTypeOf, it } from 'vitest';
import { fieldNames, mutate, pick } from '../test/mutate.js';
import { prng } from '../test/prng.js';
import {
  CONTACT_REASONS,
  CONVERSATION_STATUSES,
  ERROR_CODES,
  STREAM_EVENT_NAMES,
  TOOL_STATUSES,
} from './constants.js';
import type { ConversationState, Message } from './messages.js';
import { createSseParser, encodeSseEvent } from './sse.js';
import {
  type StreamEvent,
  type StreamEventData,
  type StreamEventName,
  toStreamEvent,
} from './stream-events.js';

const question: Message = {
  id: 'msg_1',
  seq: 1,
  role: 'user',
  text: 'How do I reset my password?',
  createdAt: '2026-01-06T15:00:00.000Z',
};

const answer: Message = {
  id: 'msg_2',
  seq: 2,
  role: 'assistant',
  text: 'Open Settings, then Security.',
  createdAt: '2026-01-06T15:00:02.000Z',
  toolsUsed: ['search_knowledge_base'],
  citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
};

/**
 * Valid payloads of every event kind, by name. The mapped type makes an event added to the
 * contract a compile error here until it has examples.
 */
const VALID: { [N in StreamEventName]: Array<StreamEventData<N>> } = {
  session: [{ token: 'v1.eyJzIjoiYSJ9.c2ln' }],
  message: [
    question,
    {
      ...question,
      id: 'msg_3',
      seq: 3,
      role: 'operator',
      text: 'Sam here.',
      author: { name: 'Sam' },
    },
  ],
  delta: [{ text: 'Hel' }, { text: '' }],
  tool: TOOL_STATUSES.map((status) => ({ name: 'search_knowledge_base', status })),
  handoff: [{ agent: 'Billing' }],
  done: [
    answer,
    { ...answer, ticketId: 'T-1' },
    { ...answer, text: '', toolsUsed: [], citations: [] },
  ],
  error: ERROR_CODES.map((code) => ({
    code,
    message: 'Try again.',
    retryable: code === 'internal',
  })),
  status: [
    ...CONVERSATION_STATUSES.map((status) => ({ status, contactKnown: false })),
    { status: 'human', operator: { name: 'Sam' }, contactKnown: true },
    { status: 'waiting', waitMinutes: 5, contactKnown: false },
  ],
  contact: CONTACT_REASONS.map((reason) => ({ reason })),
};

const EXAMPLES: StreamEvent[] = STREAM_EVENT_NAMES.flatMap((name) =>
  VALID[name].map((data) => ({ event: name, data }) as StreamEvent),
);

describe('toStreamEvent', () => {
  it.each(
    EXAMPLES.map((event) => [`${event.event} ${JSON.stringify(event.data)}`, event] as const),
  )('accepts %s as is', (_label, event) => {
    expect(toStreamEvent(event.event, event.data)).toStrictEqual(event);
  });

  it('has examples of every event name', () => {
    expect(new Set(EXAMPLES.map(({ event }) => event))).toStrictEqual(new Set(STREAM_EVENT_NAMES));
  });

  it('returns a fresh payload with unknown fields dropped, so a newer server can add some', () => {
    const data = { text: 'Hi', index: 3 };
    const event = toStreamEvent('delta', data);
    expect(event).toStrictEqual({ event: 'delta', data: { text: 'Hi' } });
    expect(event?.data).not.toBe(data);
  });

  it('drops the `label` the old tool events carried: the widget words tools itself', () => {
    expect(
      toStreamEvent('tool', { name: 'search', status: 'started', label: 'Searching…' }),
    ).toStrictEqual({ event: 'tool', data: { name: 'search', status: 'started' } });
  });

  it.each([
    { label: 'an unknown event name', name: 'typing', data: {} },
    { label: 'an upper-case event name', name: 'DELTA', data: { text: 'Hi' } },
    { label: 'a padded event name', name: 'delta ', data: { text: 'Hi' } },
    { label: 'an empty event name', name: '', data: { text: 'Hi' } },
    { label: 'a __proto__ name', name: '__proto__', data: {} },
    { label: 'a toString name', name: 'toString', data: {} },
    { label: 'a hasOwnProperty name', name: 'hasOwnProperty', data: { text: 'Hi' } },
    { label: 'a missing payload', name: 'delta', data: undefined },
    { label: 'a null payload', name: 'delta', data: null },
    { label: 'a string payload', name: 'delta', data: 'Hi' },
    { label: 'an array payload', name: 'delta', data: [{ text: 'Hi' }] },
    { label: 'a session without a token', name: 'session', data: {} },
    { label: 'a numeric session token', name: 'session', data: { token: 1 } },
    { label: 'a delta without text', name: 'delta', data: {} },
    { label: 'a delta with numeric text', name: 'delta', data: { text: 1 } },
    {
      label: 'a tool with an unknown status',
      name: 'tool',
      data: { name: 'x', status: 'running' },
    },
    {
      label: 'a tool with an upper-case status',
      name: 'tool',
      data: { name: 'x', status: 'Started' },
    },
    { label: 'a tool without a status', name: 'tool', data: { name: 'x' } },
    { label: 'a tool without a name', name: 'tool', data: { status: 'started' } },
    { label: 'a handoff without an agent', name: 'handoff', data: {} },
    { label: 'a message without a seq', name: 'message', data: { ...question, seq: undefined } },
    {
      label: 'a message with an unknown role',
      name: 'message',
      data: { ...question, role: 'system' },
    },
    { label: 'a done without an id', name: 'done', data: { ...answer, id: undefined } },
    { label: 'a done without text', name: 'done', data: { ...answer, text: undefined } },
    {
      label: 'the old done payload',
      name: 'done',
      data: { messageId: 'msg_2', text: 'Hi', toolsUsed: [], citations: [] },
    },
    {
      label: 'a done with a malformed citation',
      name: 'done',
      data: { ...answer, citations: [{ title: 'x' }] },
    },
    { label: 'a done with a numeric ticket id', name: 'done', data: { ...answer, ticketId: 1 } },
    { label: 'a done with a null ticket id', name: 'done', data: { ...answer, ticketId: null } },
    {
      label: 'an error with an unknown code',
      name: 'error',
      data: { code: 'teapot', message: 'x', retryable: false },
    },
    {
      label: 'an error code named after a prototype member',
      name: 'error',
      data: { code: 'toString', message: 'x', retryable: false },
    },
    {
      label: 'an error with retryable as a string',
      name: 'error',
      data: { code: 'internal', message: 'x', retryable: 'true' },
    },
    {
      label: 'an error without retryable',
      name: 'error',
      data: { code: 'internal', message: 'x' },
    },
    {
      label: 'an error without a message',
      name: 'error',
      data: { code: 'internal', retryable: true },
    },
    { label: 'a status without contactKnown', name: 'status', data: { status: 'bot' } },
    { label: 'an unknown status', name: 'status', data: { status: 'away', contactKnown: false } },
    { label: 'a contact without a reason', name: 'contact', data: {} },
    { label: 'an unknown contact reason', name: 'contact', data: { reason: 'lonely' } },
    { label: "one kind's payload under another kind's name", name: 'done', data: { text: 'Hi' } },
    { label: 'a delta payload under the message name', name: 'message', data: { text: 'Hi' } },
  ])('refuses $label', ({ name, data }) => {
    expect(toStreamEvent(name, data)).toBeUndefined();
  });

  it('types each payload by its event name', () => {
    expectTypeOf<StreamEventName>().toEqualTypeOf<(typeof STREAM_EVENT_NAMES)[number]>();
    expectTypeOf<StreamEventData<'session'>>().toEqualTypeOf<{ token: string }>();
    expectTypeOf<StreamEventData<'message'>>().toEqualTypeOf<Message>();
    expectTypeOf<StreamEventData<'delta'>>().toEqualTypeOf<{ text: string }>();
    expectTypeOf<StreamEventData<'tool'>>().toEqualTypeOf<{
      name: string;
      status: (typeof TOOL_STATUSES)[number];
    }>();
    expectTypeOf<StreamEventData<'tool'>>().not.toHaveProperty('label');
    expectTypeOf<StreamEventData<'handoff'>>().toEqualTypeOf<{ agent: string }>();
    expectTypeOf<StreamEventData<'done'>>().toEqualTypeOf<Message>();
    expectTypeOf<StreamEventData<'error'>>().toEqualTypeOf<{
      code: (typeof ERROR_CODES)[number];
      message: string;
      retryable: boolean;
    }>();
    expectTypeOf<StreamEventData<'status'>>().toEqualTypeOf<ConversationState>();
    expectTypeOf<StreamEventData<'contact'>>().toEqualTypeOf<{
      reason: (typeof CONTACT_REASONS)[number];
    }>();
    expectTypeOf(toStreamEvent).returns.toEqualTypeOf<StreamEvent | undefined>();
  });

  describe('on generated payloads', () => {
    const NAMES = [...STREAM_EVENT_NAMES, 'Delta', '', 'typing', '__proto__', 'constructor'];
    const KEYS = [...fieldNames(EXAMPLES.map(({ data }) => data)), 'label', 'extra', '__proto__'];
    // JSON values (but not -0, which JSON writes as 0: see `sse.test.ts`), strings that stress
    // the encoding, and a few values JSON cannot carry at all.
    const POOL: unknown[] = [
      undefined,
      null,
      true,
      false,
      0,
      1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      'x',
      'a\r\nb\n\ndata: {}',
      'é👋\u2028',
      '\ud800',
      'user',
      'human',
      'internal',
      'teapot',
      'after_hours',
      ...TOOL_STATUSES,
      [],
      ['x'],
      [1],
      [{ title: 't', url: 'u' }],
      {},
      { name: 'Sam' },
      { title: 't' },
      { title: 't', url: 'u', extra: 1 },
      { text: 'x' },
    ];

    it('never throws, and every event it accepts survives the SSE codec unchanged', () => {
      const random = prng(0xc0ffee);
      const runs = 10_000;
      let accepted = 0;
      for (let run = 0; run < runs; run++) {
        const seed = pick(random, EXAMPLES);
        // Mostly the payload's own name, sometimes another kind's or one that is not a kind.
        const name = random() < 0.8 ? seed.event : pick(random, NAMES);
        let data: unknown = seed.data;
        const edits = Math.floor(random() * 4);
        for (let i = 0; i < edits; i++) data = mutate(data, random, POOL, KEYS);
        const label = `run ${run}: ${name} ${String(JSON.stringify(data))}`;

        let event: StreamEvent | undefined;
        expect(() => {
          event = toStreamEvent(name, data);
        }, label).not.toThrow();
        if (!event) continue;
        accepted++;
        expect(event.event, label).toBe(name);
        // Accepting is idempotent: what was accepted is accepted again, as is.
        expect(toStreamEvent(event.event, event.data), label).toStrictEqual(event);
        const parser = createSseParser();
        const frame = new TextEncoder().encode(encodeSseEvent(event, `${run}.1`));
        expect([...parser.push(frame), ...parser.end()], label).toStrictEqual([
          { event, id: `${run}.1` },
        ]);
      }
      // Both outcomes must be well represented, or the loop proves little.
      expect(accepted).toBeGreaterThan(runs * 0.2);
      expect(accepted).toBeLessThan(runs * 0.8);
    });
  });
});
