import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ChatRequest,
  ClientId,
  ContactRequest,
  createChatRequestSchema,
  FeedbackRequest,
  HistoryQuery,
  IdentifyRequest,
} from './chat.js';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  IDEMPOTENCY_KEY_HEADER,
} from './constants.js';
import {
  JoinRequest,
  OperatorConversationsQuery,
  OperatorMessageRequest,
} from './operator-requests.js';

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

describe('ContactRequest', () => {
  it.each([
    {
      label: 'an email address',
      input: { email: 'sam@example.com' },
      output: { email: 'sam@example.com' },
    },
    {
      label: 'an email address and a name, both trimmed',
      input: { email: '  Sam@Example.com ', name: '  Sam Doe ' },
      output: { email: 'Sam@Example.com', name: 'Sam Doe' },
    },
    {
      label: 'a 254-character address',
      input: { email: `${'a'.repeat(247)}@ex.com` },
      output: { email: `${'a'.repeat(247)}@ex.com` },
    },
    {
      label: 'a 100-character name',
      input: { email: 'sam@example.com', name: 'n'.repeat(100) },
      output: { email: 'sam@example.com', name: 'n'.repeat(100) },
    },
    {
      label: 'unknown fields, which are stripped',
      input: { email: 'sam@example.com', phone: '+1 555 0100', conversationId: 'c_1' },
      output: { email: 'sam@example.com' },
    },
  ])('accepts $label', ({ input, output }) => {
    expect(ContactRequest.parse(input)).toStrictEqual(output);
  });

  it.each([
    { label: 'a missing email', input: { name: 'Sam' } },
    { label: 'a name without an at sign', input: { email: 'sam' } },
    { label: 'an address without a dot in the domain', input: { email: 'sam@localhost' } },
    { label: 'a header injection', input: { email: 'sam@example.com\nBcc: eve@example.com' } },
    { label: 'a 255-character address', input: { email: `${'a'.repeat(248)}@ex.com` } },
    { label: 'an empty email', input: { email: '' } },
    { label: 'a numeric email', input: { email: 1 } },
    { label: 'a whitespace-only name', input: { email: 'sam@example.com', name: '   ' } },
    { label: 'a 101-character name', input: { email: 'sam@example.com', name: 'n'.repeat(101) } },
    { label: 'a null name', input: { email: 'sam@example.com', name: null } },
  ])('rejects $label', ({ input }) => {
    expect(ContactRequest.safeParse(input).success).toBe(false);
  });

  it('says why an email address is rejected', () => {
    expect(ContactRequest.safeParse({ email: 'sam' }).error?.issues).toMatchObject([
      { path: ['email'], message: 'must be an email address' },
    ]);
  });
});

describe('IdentifyRequest', () => {
  it.each([
    ['a token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1XzEifQ.c2ln'],
    ['a 4096-character token', 't'.repeat(4096)],
  ])('accepts %s', (_label, token) => {
    expect(IdentifyRequest.parse({ token, extra: 1 })).toStrictEqual({ token });
  });

  it.each([
    ['an empty token', { token: '' }],
    ['a 4097-character token', { token: 't'.repeat(4097) }],
    ['a missing token', {}],
    ['a token given as an object', { token: { sub: 'u_1' } }],
  ])('rejects %s', (_label, input) => {
    expect(IdentifyRequest.safeParse(input).success).toBe(false);
  });
});

describe('HistoryQuery', () => {
  it('asks for the latest page of the default size without a query', () => {
    expect(HISTORY_PAGE_DEFAULT).toBe(30);
    expect(HistoryQuery.parse({})).toStrictEqual({ limit: HISTORY_PAGE_DEFAULT });
  });

  it.each([
    { label: 'a cursor', input: { before: '41' }, output: { before: '41', limit: 30 } },
    { label: 'cursor 0', input: { before: '0' }, output: { before: '0', limit: 30 } },
    {
      label: 'a 15-digit cursor',
      input: { before: '1'.repeat(15) },
      output: { before: '1'.repeat(15), limit: 30 },
    },
    { label: 'a limit, as query strings send it', input: { limit: '10' }, output: { limit: 10 } },
    { label: 'a limit of 1', input: { limit: '1' }, output: { limit: 1 } },
    {
      label: 'the largest limit',
      input: { limit: String(HISTORY_PAGE_MAX) },
      output: { limit: HISTORY_PAGE_MAX },
    },
    {
      label: 'unknown parameters, which are stripped',
      input: { before: '41', limit: '10', sort: 'desc' },
      output: { before: '41', limit: 10 },
    },
  ])('accepts $label', ({ input, output }) => {
    expect(HistoryQuery.parse(input)).toStrictEqual(output);
  });

  it.each([
    { label: 'an empty cursor', input: { before: '' } },
    { label: 'a 16-digit cursor', input: { before: '1'.repeat(16) } },
    { label: 'a negative cursor', input: { before: '-1' } },
    { label: 'a message id as the cursor', input: { before: 'msg_41' } },
    { label: 'non-ASCII digits', input: { before: '٤١' } },
    { label: 'a cursor given twice', input: { before: ['41', '12'] } },
    { label: 'a limit of 0', input: { limit: '0' } },
    { label: 'an empty limit', input: { limit: '' } },
    { label: 'a limit over the maximum', input: { limit: String(HISTORY_PAGE_MAX + 1) } },
    { label: 'a fractional limit', input: { limit: '1.5' } },
    { label: 'a limit that is not a number', input: { limit: 'all' } },
  ])('rejects $label', ({ input }) => {
    expect(HistoryQuery.safeParse(input).success).toBe(false);
  });

  it('says what a cursor must be', () => {
    expect(HistoryQuery.safeParse({ before: 'x' }).error?.issues).toMatchObject([
      { path: ['before'], message: 'must be a cursor from a history page' },
    ]);
  });

  it('types the parsed query with a limit always set', () => {
    expectTypeOf<HistoryQuery>().toEqualTypeOf<{ before?: string | undefined; limit: number }>();
  });
});

describe('text people type', () => {
  // PostgreSQL cannot store NUL in a text column: refused at the door, it is a clear 400
  // instead of a server error halfway through a turn.
  it.each([
    ['a chat message', () => ChatRequest.safeParse({ message: 'a\0b' })],
    [
      'a feedback comment',
      () => FeedbackRequest.safeParse({ messageId: 'm1', rating: 'down', comment: '\0' }),
    ],
    ['a feedback message id', () => FeedbackRequest.safeParse({ messageId: 'm\0', rating: 'up' })],
    ['an operator reply', () => OperatorMessageRequest.safeParse({ text: 'Hi\0' })],
    ['an inbox search', () => OperatorConversationsQuery.safeParse({ q: 'x\0' })],
  ])('refuses NUL in %s', (_what, parse) => {
    const result = parse();
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('NUL');
  });

  it.each([
    ['a join', (name: string) => JoinRequest.safeParse({ name })],
    ['an operator reply', (name: string) => OperatorMessageRequest.safeParse({ text: 'Hi', name })],
    ['contact details', (name: string) => ContactRequest.safeParse({ email: 'a@b.example', name })],
  ])('refuses control and direction-override characters in the name of %s', (_what, parse) => {
    for (const name of ['Dana\r\nBcc: x@evil.example', 'Dana\u0007', '\u202Eanad', 'Da\u2066na']) {
      expect(parse(name).success, JSON.stringify(name)).toBe(false);
    }
    expect(parse('Dana Reyes-Ōtake').success).toBe(true);
  });
});
