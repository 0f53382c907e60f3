import { describe, expect, it } from 'vitest';
import {
  ChatReply,
  ChatRequest,
  Citation,
  ClientId,
  createChatRequestSchema,
  DEFAULT_MAX_MESSAGE_LENGTH,
  FeedbackRequest,
  IDEMPOTENCY_KEY_HEADER,
} from './chat.js';

describe('ChatRequest', () => {
  it('uses a 4000-character default limit and names the idempotency header', () => {
    expect(DEFAULT_MAX_MESSAGE_LENGTH).toBe(4000);
    expect(IDEMPOTENCY_KEY_HEADER).toBe('Idempotency-Key');
  });

  it.each([
    {
      label: 'a plain message',
      input: { message: 'How do I reset my password?' },
      output: { message: 'How do I reset my password?' },
    },
    {
      label: 'a message with surrounding whitespace, trimmed',
      input: { message: '  \n\t Hello there \r\n ' },
      output: { message: 'Hello there' },
    },
    {
      label: 'line breaks inside the message, kept',
      input: { message: 'line one\nline two' },
      output: { message: 'line one\nline two' },
    },
    {
      label: 'a single character',
      input: { message: '?' },
      output: { message: '?' },
    },
    {
      label: 'unicode and emoji',
      input: { message: 'Grüße, 你好 👋🏽' },
      output: { message: 'Grüße, 你好 👋🏽' },
    },
    {
      label: 'exactly 4000 characters',
      input: { message: 'a'.repeat(4000) },
      output: { message: 'a'.repeat(4000) },
    },
    {
      label: '4000 characters once the padding is trimmed',
      input: { message: `   ${'a'.repeat(4000)}   ` },
      output: { message: 'a'.repeat(4000) },
    },
    {
      label: 'a client message id',
      input: { message: 'Hi', clientMessageId: 'm_1' },
      output: { message: 'Hi', clientMessageId: 'm_1' },
    },
    {
      label: 'unknown fields, which are stripped',
      input: { message: 'Hi', sessionToken: 'x', admin: true },
      output: { message: 'Hi' },
    },
  ])('accepts $label', ({ input, output }) => {
    const parsed = ChatRequest.safeParse(input);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(output);
  });

  it.each([
    { label: 'an empty message', input: { message: '' } },
    { label: 'a whitespace-only message', input: { message: ' \n\t\r ' } },
    { label: 'a message of non-breaking spaces only', input: { message: '\u00a0\u2003\u00a0' } },
    { label: '4001 characters', input: { message: 'a'.repeat(4001) } },
    { label: 'a missing message', input: {} },
    { label: 'a numeric message', input: { message: 42 } },
    { label: 'a null message', input: { message: null } },
    { label: 'an array message', input: { message: ['Hi'] } },
    { label: 'an object message', input: { message: { text: 'Hi' } } },
    { label: 'an invalid client message id', input: { message: 'Hi', clientMessageId: 'a b' } },
    { label: 'a non-string client message id', input: { message: 'Hi', clientMessageId: 7 } },
    { label: 'a null body', input: null },
    { label: 'a string body', input: 'Hi' },
    { label: 'an array body', input: [{ message: 'Hi' }] },
  ])('rejects $label', ({ input }) => {
    expect(ChatRequest.safeParse(input).success).toBe(false);
  });

  it('reports why an empty message is rejected', () => {
    const parsed = ChatRequest.safeParse({ message: '   ' });
    expect(parsed.error?.issues).toMatchObject([
      { path: ['message'], message: 'must not be empty' },
    ]);
  });

  it('reports the limit when a message is too long', () => {
    const parsed = ChatRequest.safeParse({ message: 'a'.repeat(4001) });
    expect(parsed.error?.issues).toMatchObject([
      { path: ['message'], message: 'must be at most 4000 characters' },
    ]);
  });
});

describe('createChatRequestSchema', () => {
  const schema = createChatRequestSchema(10);

  it.each([
    ['one character', 'a'],
    ['exactly the limit', 'a'.repeat(10)],
    ['the limit once trimmed', `  ${'a'.repeat(10)}  `],
  ])('accepts %s', (_label, message) => {
    expect(schema.safeParse({ message }).success).toBe(true);
  });

  it.each([
    ['one over the limit', 'a'.repeat(11)],
    ['far over the limit', 'a'.repeat(4000)],
    ['an empty message', ''],
  ])('rejects %s', (_label, message) => {
    expect(schema.safeParse({ message }).success).toBe(false);
  });

  it('names its own limit in the error message', () => {
    const parsed = schema.safeParse({ message: 'a'.repeat(11) });
    expect(parsed.error?.issues[0]?.message).toBe('must be at most 10 characters');
  });

  it('leaves the default schema untouched', () => {
    expect(ChatRequest.safeParse({ message: 'a'.repeat(11) }).success).toBe(true);
  });

  it('defaults to DEFAULT_MAX_MESSAGE_LENGTH', () => {
    const byDefault = createChatRequestSchema();
    expect(byDefault.safeParse({ message: 'a'.repeat(4000) }).success).toBe(true);
    expect(byDefault.safeParse({ message: 'a'.repeat(4001) }).success).toBe(false);
  });
});

describe('ClientId', () => {
  it.each([
    ['a single letter', 'a'],
    ['letters and digits', 'Msg42'],
    ['every allowed punctuation mark', 'm_1.2:3-4'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['128 characters', 'x'.repeat(128)],
  ])('accepts %s', (_label, id) => {
    expect(ClientId.safeParse(id).success).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['surrounding whitespace', ' m_1 '],
    ['a trailing line break', 'm_1\n'],
    ['a slash', 'a/b'],
    ['a plus sign', 'a+b'],
    ['an accented letter', 'café'],
    ['an emoji', 'id👋'],
    ['markup', '<script>'],
    ['a number', 1],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s', (_label, id) => {
    expect(ClientId.safeParse(id).success).toBe(false);
  });
});

describe('Citation', () => {
  it('accepts a title and url', () => {
    expect(Citation.parse({ title: 'Reset', url: '/kb/reset' })).toStrictEqual({
      title: 'Reset',
      url: '/kb/reset',
    });
  });

  it.each([
    ['a missing url', { title: 'Reset' }],
    ['a missing title', { url: '/kb/reset' }],
    ['a numeric title', { title: 1, url: '/kb/reset' }],
  ])('rejects %s', (_label, citation) => {
    expect(Citation.safeParse(citation).success).toBe(false);
  });
});

describe('ChatReply', () => {
  const reply = {
    messageId: 'msg_1',
    reply: 'Open Settings, then Security.',
    toolsUsed: ['search_help_center'],
    citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
    sessionToken: 'tok',
  };

  it.each([
    { label: 'a full reply', input: reply },
    { label: 'a reply with a ticket id', input: { ...reply, ticketId: 'T-1' } },
    {
      label: 'a reply without tools or citations',
      input: { ...reply, toolsUsed: [], citations: [] },
    },
    { label: 'an empty reply text', input: { ...reply, reply: '' } },
  ])('accepts $label', ({ input }) => {
    expect(ChatReply.parse(input)).toStrictEqual(input);
  });

  it.each([
    { label: 'a missing messageId', input: { ...reply, messageId: undefined } },
    { label: 'a missing reply', input: { ...reply, reply: undefined } },
    { label: 'a missing toolsUsed', input: { ...reply, toolsUsed: undefined } },
    { label: 'a missing citations', input: { ...reply, citations: undefined } },
    { label: 'a missing sessionToken', input: { ...reply, sessionToken: undefined } },
    { label: 'a non-string tool name', input: { ...reply, toolsUsed: [1] } },
    { label: 'a malformed citation', input: { ...reply, citations: [{ title: 'x' }] } },
    { label: 'a citation given as a string', input: { ...reply, citations: ['https://x'] } },
    { label: 'a numeric ticket id', input: { ...reply, ticketId: 1 } },
    { label: 'a null ticket id', input: { ...reply, ticketId: null } },
  ])('rejects $label', ({ input }) => {
    expect(ChatReply.safeParse(input).success).toBe(false);
  });
});

describe('FeedbackRequest', () => {
  it.each([
    {
      label: 'a thumbs up',
      input: { messageId: 'msg_1', rating: 'up' },
      output: { messageId: 'msg_1', rating: 'up' },
    },
    {
      label: 'a thumbs down with a comment, trimmed',
      input: { messageId: 'msg_1', rating: 'down', comment: '  Not helpful.  ' },
      output: { messageId: 'msg_1', rating: 'down', comment: 'Not helpful.' },
    },
    {
      label: 'a 128-character message id',
      input: { messageId: 'm'.repeat(128), rating: 'up' },
      output: { messageId: 'm'.repeat(128), rating: 'up' },
    },
    {
      label: 'a 1000-character comment',
      input: { messageId: 'msg_1', rating: 'up', comment: 'c'.repeat(1000) },
      output: { messageId: 'msg_1', rating: 'up', comment: 'c'.repeat(1000) },
    },
    {
      label: 'a 1000-character comment once trimmed',
      input: { messageId: 'msg_1', rating: 'up', comment: ` ${'c'.repeat(1000)} ` },
      output: { messageId: 'msg_1', rating: 'up', comment: 'c'.repeat(1000) },
    },
    {
      label: 'a whitespace-only comment, as an empty one',
      input: { messageId: 'msg_1', rating: 'up', comment: '   ' },
      output: { messageId: 'msg_1', rating: 'up', comment: '' },
    },
  ])('accepts $label', ({ input, output }) => {
    expect(FeedbackRequest.parse(input)).toStrictEqual(output);
  });

  it.each([
    { label: 'an empty message id', input: { messageId: '', rating: 'up' } },
    { label: 'a 129-character message id', input: { messageId: 'm'.repeat(129), rating: 'up' } },
    { label: 'a missing message id', input: { rating: 'up' } },
    { label: 'a missing rating', input: { messageId: 'msg_1' } },
    { label: 'an unknown rating', input: { messageId: 'msg_1', rating: 'meh' } },
    { label: 'an upper-case rating', input: { messageId: 'msg_1', rating: 'UP' } },
    { label: 'a numeric rating', input: { messageId: 'msg_1', rating: 1 } },
    {
      label: 'a 1001-character comment',
      input: { messageId: 'msg_1', rating: 'up', comment: 'c'.repeat(1001) },
    },
    { label: 'a null comment', input: { messageId: 'msg_1', rating: 'up', comment: null } },
  ])('rejects $label', ({ input }) => {
    expect(FeedbackRequest.safeParse(input).success).toBe(false);
  });
});
