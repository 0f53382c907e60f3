import { describe, expect, expectTypeOf, it } from 'vitest';
import { answer, operatorReply, question } from '../test/messages.js';
import { type Infer, parseWith } from './check.js';
import { CONVERSATION_STATUSES, MESSAGE_ROLES } from './constants.js';
import {
  type Answer,
  Author,
  Citation,
  ConversationState,
  type ConversationStatus,
  Message,
} from './messages.js';

describe('Citation', () => {
  it('is a title and a url', () => {
    const citation = { title: 'Reset', url: '/kb/reset' };
    expect(parseWith(Citation, citation)).toStrictEqual(citation);
  });

  it.each([
    ['a missing url', { title: 'Reset' }],
    ['a missing title', { url: '/kb/reset' }],
    ['a numeric title', { title: 1, url: '/kb/reset' }],
    ['a url given as an object', { title: 'Reset', url: new URL('https://help.example.com') }],
    ['a citation given as a string', 'https://help.example.com/reset'],
  ])('refuses %s', (_label, citation) => {
    expect(parseWith(Citation, citation)).toBeUndefined();
  });
});

describe('Author', () => {
  it('is a name, and shows nothing else about the person', () => {
    expect(parseWith(Author, { name: 'Sam', email: 'sam@acme.test', id: 'op_1' })).toStrictEqual({
      name: 'Sam',
    });
  });

  it.each([
    ['a missing name', {}],
    ['a null name', { name: null }],
    ['a bare string', 'Sam'],
  ])('refuses %s', (_label, author) => {
    expect(parseWith(Author, author)).toBeUndefined();
  });
});

describe('Message', () => {
  it.each([
    { label: "the visitor's question", input: question },
    { label: 'an answer with tools, citations and a ticket', input: answer },
    { label: "an operator's reply with its author", input: operatorReply },
    {
      label: 'an answer with empty tool and citation lists',
      input: { ...answer, toolsUsed: [], citations: [] },
    },
    { label: 'empty text', input: { ...question, text: '' } },
    { label: 'seq 0', input: { ...question, seq: 0 } },
  ])('accepts $label as is', ({ input }) => {
    expect(parseWith(Message, input)).toStrictEqual(input);
  });

  it.each(MESSAGE_ROLES)('accepts the role %s', (role) => {
    expect(parseWith(Message, { ...question, role })?.role).toBe(role);
  });

  it('leaves every optional field out when it is absent or undefined', () => {
    const parsed = parseWith(Message, {
      ...question,
      toolsUsed: undefined,
      citations: undefined,
      ticketId: undefined,
      author: undefined,
    });
    expect(Object.keys(parsed ?? {}).sort()).toStrictEqual(
      ['createdAt', 'id', 'role', 'seq', 'text'].sort(),
    );
  });

  it('drops fields a newer server may add, at every level', () => {
    const parsed = parseWith(Message, {
      ...operatorReply,
      reactions: ['👍'],
      author: { name: 'Sam', avatar: 'https://acme.test/sam.png' },
    });
    expect(parsed).toStrictEqual(operatorReply);
  });

  it.each([
    { label: 'a system message', input: { ...question, role: 'system' } },
    { label: 'a tool message', input: { ...question, role: 'tool' } },
    { label: 'an upper-case role', input: { ...question, role: 'User' } },
    { label: 'a missing role', input: { ...question, role: undefined } },
    { label: 'a missing id', input: { ...question, id: undefined } },
    { label: 'a missing seq', input: { ...question, seq: undefined } },
    { label: 'a seq given as a string', input: { ...question, seq: '1' } },
    { label: 'a seq that is not a number', input: { ...question, seq: Number.NaN } },
    { label: 'an infinite seq', input: { ...question, seq: Number.POSITIVE_INFINITY } },
    {
      label: 'the old `content` field instead of `text`',
      input: { ...question, text: undefined, content: 'Hi' },
    },
    { label: 'a null text', input: { ...question, text: null } },
    { label: 'a missing createdAt', input: { ...question, createdAt: undefined } },
    { label: 'a numeric timestamp', input: { ...question, createdAt: 1767711600000 } },
    { label: 'toolsUsed as a string', input: { ...answer, toolsUsed: 'search' } },
    { label: 'a number among the tools', input: { ...answer, toolsUsed: ['search', 1] } },
    { label: 'a malformed citation', input: { ...answer, citations: [{ url: '/x' }] } },
    { label: 'a numeric ticket id', input: { ...answer, ticketId: 7 } },
    { label: 'a null ticket id', input: { ...answer, ticketId: null } },
    { label: 'an author given as a string', input: { ...operatorReply, author: 'Sam' } },
    { label: 'an author without a name', input: { ...operatorReply, author: {} } },
    { label: 'a null author', input: { ...operatorReply, author: null } },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(Message, input)).toBeUndefined();
  });

  it('has an optional author and optional answer details in its type', () => {
    expectTypeOf<Message>().toEqualTypeOf<Infer<typeof Message>>();
    expectTypeOf<Message>().toEqualTypeOf<{
      id: string;
      seq: number;
      role: 'user' | 'assistant' | 'operator';
      text: string;
      createdAt: string;
      toolsUsed?: string[];
      citations?: Citation[];
      ticketId?: string;
      handoffs?: string[];
      author?: Author;
    }>();
    expectTypeOf<Citation>().toEqualTypeOf<{ title: string; url: string }>();
    expectTypeOf<Author>().toEqualTypeOf<{ name: string }>();
  });

  it('types an answer as an assistant message', () => {
    expectTypeOf<Answer['role']>().toEqualTypeOf<'assistant'>();
    expectTypeOf<Answer>().toExtend<Message>();
    expectTypeOf<Message>().not.toExtend<Answer>();
  });
});

describe('ConversationState', () => {
  const state = { status: 'bot', contactKnown: false };

  it.each(CONVERSATION_STATUSES)('accepts the status %s', (status) => {
    expect(parseWith(ConversationState, { ...state, status })).toStrictEqual({ ...state, status });
  });

  it.each([
    {
      label: 'a person in charge',
      input: { status: 'human', operator: { name: 'Sam' }, contactKnown: true },
    },
    { label: 'a wait estimate', input: { status: 'waiting', waitMinutes: 5, contactKnown: false } },
    {
      label: 'a wait of under a minute',
      input: { status: 'waiting', waitMinutes: 0.5, contactKnown: true },
    },
  ])('accepts $label', ({ input }) => {
    expect(parseWith(ConversationState, input)).toStrictEqual(input);
  });

  it.each([
    { label: 'an unknown status', input: { ...state, status: 'queued' } },
    { label: 'a missing status', input: { contactKnown: false } },
    { label: 'a missing contactKnown', input: { status: 'bot' } },
    { label: 'contactKnown given as a string', input: { ...state, contactKnown: 'false' } },
    { label: 'a wait given as a string', input: { ...state, status: 'waiting', waitMinutes: '5' } },
    { label: 'an infinite wait', input: { ...state, waitMinutes: Number.POSITIVE_INFINITY } },
    { label: 'a null wait', input: { ...state, waitMinutes: null } },
    { label: 'an operator given as a string', input: { ...state, operator: 'Sam' } },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(ConversationState, input)).toBeUndefined();
  });

  it('has the statuses of CONVERSATION_STATUSES in its type', () => {
    expectTypeOf<ConversationStatus>().toEqualTypeOf<(typeof CONVERSATION_STATUSES)[number]>();
    expectTypeOf<ConversationState>().toEqualTypeOf<{
      status: ConversationStatus;
      operator?: Author;
      waitMinutes?: number;
      contactKnown: boolean;
    }>();
  });
});
