import { describe, expect, expectTypeOf, it } from 'vitest';
import { ERROR_CODES } from './errors.js';
import {
  DeltaEvent,
  DoneEvent,
  ErrorEvent,
  HandoffEvent,
  SessionEvent,
  StreamEvent,
  type StreamEventData,
  type StreamEventName,
  ToolEvent,
} from './stream-events.js';

const done = {
  messageId: 'msg_2',
  text: 'Open Settings, then Security.',
  toolsUsed: ['search_help_center'],
  citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
};

/** One valid example of every event kind, with the member schema that should accept it alone. */
const VALID = [
  { schema: SessionEvent, event: { event: 'session', data: { token: 'tok.abc' } } },
  { schema: DeltaEvent, event: { event: 'delta', data: { text: 'Hel' } } },
  { schema: DeltaEvent, event: { event: 'delta', data: { text: '' } } },
  {
    schema: ToolEvent,
    event: {
      event: 'tool',
      data: { name: 'search_help_center', status: 'started', label: 'Searching the help center…' },
    },
  },
  {
    schema: ToolEvent,
    event: { event: 'tool', data: { name: 'search_help_center', status: 'done', label: 'Done' } },
  },
  {
    schema: ToolEvent,
    event: { event: 'tool', data: { name: 'open_ticket', status: 'failed', label: 'Failed' } },
  },
  { schema: HandoffEvent, event: { event: 'handoff', data: { agent: 'billing' } } },
  { schema: DoneEvent, event: { event: 'done', data: done } },
  { schema: DoneEvent, event: { event: 'done', data: { ...done, ticketId: 'T-1' } } },
  {
    schema: DoneEvent,
    event: { event: 'done', data: { ...done, text: '', toolsUsed: [], citations: [] } },
  },
  {
    schema: ErrorEvent,
    event: {
      event: 'error',
      data: { code: 'model_unavailable', message: 'Try again.', retryable: true },
    },
  },
] as const;

describe('StreamEvent', () => {
  it.each(VALID.map(({ event }) => [`${event.event} ${JSON.stringify(event.data)}`, event]))(
    'accepts %s',
    (_label, event) => {
      expect(StreamEvent.parse(event)).toStrictEqual(event);
    },
  );

  it.each(VALID.map(({ schema, event }) => [event.event, schema, event] as const))(
    'the %s member schema accepts its own event',
    (_name, schema, event) => {
      expect(schema.safeParse(event).success).toBe(true);
    },
  );

  it.each(ERROR_CODES)('accepts an error event with the code %s', (code) => {
    const event = { event: 'error', data: { code, message: 'x', retryable: false } };
    expect(StreamEvent.parse(event)).toStrictEqual(event);
  });

  it('strips unknown payload fields, so a newer server can add some', () => {
    const parsed = StreamEvent.parse({ event: 'delta', data: { text: 'Hi', index: 3 } });
    expect(parsed).toStrictEqual({ event: 'delta', data: { text: 'Hi' } });
  });

  it.each([
    { label: 'an unknown event name', input: { event: 'typing', data: {} } },
    { label: 'the generic SSE message name', input: { event: 'message', data: { text: 'Hi' } } },
    { label: 'an upper-case event name', input: { event: 'DELTA', data: { text: 'Hi' } } },
    { label: 'a missing event name', input: { data: { text: 'Hi' } } },
    { label: 'a missing payload', input: { event: 'delta' } },
    { label: 'a null payload', input: { event: 'delta', data: null } },
    { label: 'a string payload', input: { event: 'delta', data: 'Hi' } },
    { label: 'a session without a token', input: { event: 'session', data: {} } },
    { label: 'a numeric session token', input: { event: 'session', data: { token: 1 } } },
    { label: 'a delta without text', input: { event: 'delta', data: {} } },
    { label: 'a delta with numeric text', input: { event: 'delta', data: { text: 1 } } },
    {
      label: 'a tool with an unknown status',
      input: { event: 'tool', data: { name: 'x', status: 'running', label: 'x' } },
    },
    { label: 'a tool without a status', input: { event: 'tool', data: { name: 'x', label: 'x' } } },
    {
      label: 'a tool without a name',
      input: { event: 'tool', data: { status: 'started', label: 'x' } },
    },
    {
      label: 'a tool without a label',
      input: { event: 'tool', data: { name: 'x', status: 'started' } },
    },
    { label: 'a handoff without an agent', input: { event: 'handoff', data: {} } },
    {
      label: 'a done without a message id',
      input: { event: 'done', data: { ...done, messageId: undefined } },
    },
    { label: 'a done without text', input: { event: 'done', data: { ...done, text: undefined } } },
    {
      label: 'a done without toolsUsed',
      input: { event: 'done', data: { ...done, toolsUsed: undefined } },
    },
    {
      label: 'a done without citations',
      input: { event: 'done', data: { ...done, citations: undefined } },
    },
    {
      label: 'a done with a malformed citation',
      input: { event: 'done', data: { ...done, citations: [{ title: 'x' }] } },
    },
    {
      label: 'a done with a numeric ticket id',
      input: { event: 'done', data: { ...done, ticketId: 1 } },
    },
    {
      label: 'an error with an unknown code',
      input: { event: 'error', data: { code: 'teapot', message: 'x', retryable: false } },
    },
    {
      label: 'an error with retryable as a string',
      input: { event: 'error', data: { code: 'internal', message: 'x', retryable: 'true' } },
    },
    {
      label: 'an error without retryable',
      input: { event: 'error', data: { code: 'internal', message: 'x' } },
    },
    {
      label: 'an error without a message',
      input: { event: 'error', data: { code: 'internal', retryable: true } },
    },
    {
      label: 'one kind’s payload under another kind’s name',
      input: { event: 'done', data: { text: 'Hi' } },
    },
    { label: 'null', input: null },
    { label: 'an array', input: [{ event: 'delta', data: { text: 'Hi' } }] },
  ])('rejects $label', ({ input }) => {
    expect(StreamEvent.safeParse(input).success).toBe(false);
  });

  it('narrows by event name', () => {
    expectTypeOf<StreamEventName>().toEqualTypeOf<
      'session' | 'delta' | 'tool' | 'handoff' | 'done' | 'error'
    >();
    expectTypeOf<StreamEventData<'tool'>>().toEqualTypeOf<{
      name: string;
      status: 'started' | 'done' | 'failed';
      label: string;
    }>();
  });
});
