import { describe, expect, it } from 'vitest';
import { prng } from '../test/prng.js';
import { CONTACT_REASONS, CONVERSATION_STATUSES, ERROR_CODES } from './constants.js';
import type { Message } from './messages.js';
import {
  createSseFrameParser,
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type ParsedSseEvent,
} from './sse.js';
import { type StreamEvent, toStreamEvent } from './stream-events.js';

const utf8 = new TextEncoder();

/** Feeds every chunk to a fresh parser, then ends it, and returns everything it yielded. */
function parseChunks(chunks: ReadonlyArray<string | Uint8Array>): ParsedSseEvent[] {
  const parser = createSseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

const answer: Message = {
  id: 'msg_2',
  seq: 2,
  role: 'assistant',
  text: 'Open **Settings**\n\n1. Security\n2. Reset 🔑',
  createdAt: '2026-01-06T15:00:02.000Z',
  toolsUsed: ['search_knowledge_base'],
  citations: [{ title: 'Réinitialiser', url: 'https://help.example.com/reset?a=1&b=2' }],
};

/** One event of every kind, with payloads chosen to stress the encoding. */
const EVENTS: ReadonlyArray<readonly [string, StreamEvent]> = [
  ['a session', { event: 'session', data: { token: 'v1.eyJzIjoiYSJ9.c2ln' } }],
  ['a plain delta', { event: 'delta', data: { text: 'Hello' } }],
  ['an empty delta', { event: 'delta', data: { text: '' } }],
  ['a delta with LF', { event: 'delta', data: { text: 'line one\nline two\n' } }],
  ['a delta with CRLF and CR', { event: 'delta', data: { text: 'a\r\nb\rc\r\n\r\n' } }],
  ['a delta with a blank line', { event: 'delta', data: { text: 'para one\n\npara two' } }],
  [
    'a delta that looks like SSE',
    { event: 'delta', data: { text: 'x\n\nevent: error\ndata: {"code":"internal"}\n\n: ping' } },
  ],
  ['a delta with unicode', { event: 'delta', data: { text: 'Grüße, 你好, مرحبا, Ωmega' } }],
  ['a delta with emoji', { event: 'delta', data: { text: '👋🏽 👨‍👩‍👧 🇪🇸 ✅' } }],
  ['a delta with U+2028 and U+2029', { event: 'delta', data: { text: 'a\u2028b\u2029c' } }],
  ['a delta with a lone surrogate', { event: 'delta', data: { text: 'broken \ud83d here' } }],
  ['a delta with NUL and tabs', { event: 'delta', data: { text: 'a\0b\tc' } }],
  ['a delta with quotes', { event: 'delta', data: { text: 'say "hi" \\ \'there\'' } }],
  ['a started tool', { event: 'tool', data: { name: 'search_knowledge_base', status: 'started' } }],
  ['a finished tool', { event: 'tool', data: { name: 'open_ticket', status: 'done' } }],
  ['a failed tool', { event: 'tool', data: { name: 'open_ticket', status: 'failed' } }],
  ['a handoff', { event: 'handoff', data: { agent: 'Billing 💳' } }],
  ['a done', { event: 'done', data: answer }],
  [
    'a done with a ticket and nothing else',
    {
      event: 'done',
      data: { ...answer, text: '', toolsUsed: [], citations: [], ticketId: 'T-1' },
    },
  ],
  [
    "the visitor's message",
    {
      event: 'message',
      data: {
        id: 'msg_1',
        seq: 1,
        role: 'user',
        text: 'Hi\r\nevent: error\n\n',
        createdAt: '2026-01-06T15:00:00.000Z',
      },
    },
  ],
  [
    "an operator's message",
    {
      event: 'message',
      data: { ...answer, id: 'msg_3', seq: 3, role: 'operator', author: { name: 'Zoë 👩‍💻' } },
    },
  ],
  ...CONVERSATION_STATUSES.map((status): readonly [string, StreamEvent] => [
    `a status of ${status}`,
    { event: 'status', data: { status, contactKnown: status === 'closed' } },
  ]),
  [
    'a status with an operator and a wait',
    {
      event: 'status',
      data: { status: 'waiting', operator: { name: 'Sam' }, waitMinutes: 2.5, contactKnown: false },
    },
  ],
  ...CONTACT_REASONS.map((reason): readonly [string, StreamEvent] => [
    `a contact request for ${reason}`,
    { event: 'contact', data: { reason } },
  ]),
  ...ERROR_CODES.map((code): readonly [string, StreamEvent] => [
    `an error with code ${code}`,
    {
      event: 'error',
      data: { code, message: 'Sorry!\nTry again.', retryable: code === 'internal' },
    },
  ]),
];

describe('encodeSseEvent', () => {
  it.each([
    {
      label: 'a delta without an id',
      event: { event: 'delta', data: { text: 'Hi' } },
      id: undefined,
      frame: 'event: delta\ndata: {"text":"Hi"}\n\n',
    },
    {
      label: 'a delta with a numeric id',
      event: { event: 'delta', data: { text: 'Hi' } },
      id: 3,
      frame: 'id: 3\nevent: delta\ndata: {"text":"Hi"}\n\n',
    },
    {
      label: 'an id of 0, which is still written',
      event: { event: 'delta', data: { text: 'Hi' } },
      id: 0,
      frame: 'id: 0\nevent: delta\ndata: {"text":"Hi"}\n\n',
    },
    {
      label: 'a string id',
      event: { event: 'handoff', data: { agent: 'billing' } },
      id: 'turn-7:12',
      frame: 'id: turn-7:12\nevent: handoff\ndata: {"agent":"billing"}\n\n',
    },
    {
      label: 'an empty id, which resets the last event id',
      event: { event: 'session', data: { token: 't' } },
      id: '',
      frame: 'id: \nevent: session\ndata: {"token":"t"}\n\n',
    },
    {
      label: 'text with line breaks, escaped into one data line',
      event: { event: 'delta', data: { text: 'a\nb\r\nc' } },
      id: undefined,
      frame: 'event: delta\ndata: {"text":"a\\nb\\r\\nc"}\n\n',
    },
    {
      label: 'unicode, written as is',
      event: { event: 'delta', data: { text: 'é 👋' } },
      id: undefined,
      frame: 'event: delta\ndata: {"text":"é 👋"}\n\n',
    },
    {
      label: 'a tool, with the id of the first event of the answer to message 4',
      event: { event: 'tool', data: { name: 'search', status: 'started' } },
      id: '4.1',
      frame: 'id: 4.1\nevent: tool\ndata: {"name":"search","status":"started"}\n\n',
    },
    {
      label: 'a contact request',
      event: { event: 'contact', data: { reason: 'after_hours' } },
      id: 12,
      frame: 'id: 12\nevent: contact\ndata: {"reason":"after_hours"}\n\n',
    },
    {
      label: 'an error',
      event: { event: 'error', data: { code: 'internal', message: 'Oops', retryable: true } },
      id: undefined,
      frame: 'event: error\ndata: {"code":"internal","message":"Oops","retryable":true}\n\n',
    },
  ] satisfies Array<{
    label: string;
    event: StreamEvent;
    id: string | number | undefined;
    frame: string;
  }>)('encodes $label', ({ event, id, frame }) => {
    expect(encodeSseEvent(event, id)).toBe(frame);
  });

  it.each(EVENTS)(
    'writes %s as exactly one event line, one data line and a blank line',
    (_l, event) => {
      const lines = encodeSseEvent(event).split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe(`event: ${event.event}`);
      expect(lines[1]?.startsWith('data: ')).toBe(true);
      expect(lines[1]).not.toMatch(/\r/);
      expect(lines.slice(2)).toStrictEqual(['', '']);
    },
  );

  it.each([
    ['a line feed', '1\n2'],
    ['a carriage return', '1\r2'],
    ['a trailing CRLF', '1\r\n'],
    ['only a line feed', '\n'],
    ['a NUL, which parsers ignore', '1\u00002'],
  ])('refuses an id containing %s', (_label, id) => {
    expect(() => encodeSseEvent({ event: 'delta', data: { text: 'Hi' } }, id)).toThrow(
      /must not contain/,
    );
  });
});

describe('encodeSseComment', () => {
  it.each([
    ['ping', ': ping\n\n'],
    ['', ': \n\n'],
    ['keep-alive 👋', ': keep-alive 👋\n\n'],
  ])('encodes %j', (text, frame) => {
    expect(encodeSseComment(text)).toBe(frame);
  });

  it.each([
    ['a line feed', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a CRLF', 'a\r\nevent: error'],
  ])('refuses %s', (_label, text) => {
    expect(() => encodeSseComment(text)).toThrow(/must not contain line breaks/);
  });

  it('is ignored by the parser', () => {
    expect(parseChunks([encodeSseComment('ping')])).toStrictEqual([]);
  });
});

describe('encoder and parser round trip', () => {
  it.each(EVENTS)('gives back %s, sent as text', (_label, event) => {
    expect(parseChunks([encodeSseEvent(event)])).toStrictEqual([{ event, id: undefined }]);
  });

  it.each(EVENTS)('gives back %s with its id, sent as bytes', (_label, event) => {
    expect(parseChunks([utf8.encode(encodeSseEvent(event, 42))])).toStrictEqual([
      { event, id: '42' },
    ]);
  });

  it.each([['0'], ['abc'], ['turn-7:12'], [' leading space'], ['é👋'], ['']])(
    'keeps the id %j',
    (id) => {
      const event: StreamEvent = { event: 'delta', data: { text: 'Hi' } };
      expect(parseChunks([encodeSseEvent(event, id)])).toStrictEqual([{ event, id }]);
    },
  );

  it('gives back a seq of -0 as 0, as JSON has no negative zero', () => {
    const event: StreamEvent = { event: 'message', data: { ...answer, seq: -0 } };
    expect(toStreamEvent(event.event, event.data)).toStrictEqual(event);
    expect(parseChunks([encodeSseEvent(event)])).toStrictEqual([
      { event: { event: 'message', data: { ...answer, seq: 0 } }, id: undefined },
    ]);
  });

  it('gives back a whole stream of every kind, in order, split into single bytes', () => {
    const text = EVENTS.map(
      ([, event], i) => encodeSseEvent(event, i) + encodeSseComment('ping'),
    ).join('');
    const bytes = utf8.encode(text);
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(parseChunks(chunks)).toStrictEqual(
      EVENTS.map(([, event], i) => ({ event, id: String(i) })),
    );
  });
});

/**
 * A hand-written stream covering the parser's rules. Each frame says which event, if any, it
 * should yield; `\n` stands for whichever line ending is under test.
 */
const FRAMES: ReadonlyArray<{ text: string; yields?: ParsedSseEvent }> = [
  { text: ': ping\n\n' },
  {
    text: 'id: 1\nevent: session\ndata: {"token":"tök"}\n\n',
    yields: { event: { event: 'session', data: { token: 'tök' } }, id: '1' },
  },
  {
    text: 'event: delta\nid: 2\ndata: {"text":"Grüße 👋🏽 你好"}\n\n',
    yields: { event: { event: 'delta', data: { text: 'Grüße 👋🏽 你好' } }, id: '2' },
  },
  { text: ': heartbeat\n\n' },
  // A newer server's event kind: skipped, but its id still moves the stream position on.
  { text: 'id: 3\nevent: typing\ndata: {"who":"agent"}\n\n' },
  {
    // A field this widget does not know (the old `label`) is dropped.
    text: 'event:tool\ndata:{"name":"search","status":"started","label":"Recherche…"}\n\n',
    yields: { event: { event: 'tool', data: { name: 'search', status: 'started' } }, id: '3' },
  },
  { text: 'event: delta\ndata: {not json}\n\n' },
  { text: 'event: tool\ndata: {"name":"search","status":"running"}\n\n' },
  // No event name means `message`, and this payload is no message.
  { text: 'data: {"text":"nameless"}\n\n' },
  { text: 'retry: 1000\nfoo: bar\n\n' },
  {
    // The JSON spans two data lines, joined by a line feed (whitespace to JSON).
    text: 'id: 4\nevent: done\ndata: {"id":"m1","seq":4,"role":"assistant",\ndata: "text":"Fin ✅","createdAt":"2026-01-06T15:00:02Z"}\n\n',
    yields: {
      event: {
        event: 'done',
        data: {
          id: 'm1',
          seq: 4,
          role: 'assistant',
          text: 'Fin ✅',
          createdAt: '2026-01-06T15:00:02Z',
        },
      },
      id: '4',
    },
  },
  {
    text: 'id: 5\nevent: status\ndata: {"status":"human","operator":{"name":"Zoë"},"contactKnown":true}\n\n',
    yields: {
      event: {
        event: 'status',
        data: { status: 'human', operator: { name: 'Zoë' }, contactKnown: true },
      },
      id: '5',
    },
  },
  {
    text: 'event: error\ndata: {"code":"model_unavailable","message":"Réessayez","retryable":true}\n\n',
    yields: {
      event: {
        event: 'error',
        data: { code: 'model_unavailable', message: 'Réessayez', retryable: true },
      },
      id: '5',
    },
  },
  // Never closed by a blank line, so end() drops it.
  { text: 'event: delta\ndata: {"text":"cut off ✂️"}\n' },
];

const LINE_ENDINGS = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
] as const;

/**
 * Encodes FRAMES with the given line ending and notes, for each yielded event, the byte offset by
 * which it must have been yielded: just after the first byte of the blank line that closes it.
 */
function buildStream(eol: string): { bytes: Uint8Array; due: Array<[number, ParsedSseEvent]> } {
  const parts: Uint8Array[] = [];
  const due: Array<[number, ParsedSseEvent]> = [];
  let length = 0;
  for (const frame of FRAMES) {
    const bytes = utf8.encode(frame.text.replaceAll('\n', eol));
    parts.push(bytes);
    length += bytes.length;
    if (frame.yields) due.push([length - eol.length + 1, frame.yields]);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, due };
}

describe('createSseParser', () => {
  describe.each(LINE_ENDINGS)('with %s line endings', (_name, eol) => {
    const { bytes, due } = buildStream(eol);
    const all = due.map(([, event]) => event);

    it('contains multi-byte characters, so some splits fall inside one', () => {
      expect(bytes.some((byte) => byte >= 0x80)).toBe(true);
    });

    it('yields every event when the stream arrives in one chunk', () => {
      expect(parseChunks([bytes])).toStrictEqual(all);
    });

    it('yields every event when the stream arrives as text', () => {
      expect(parseChunks([new TextDecoder().decode(bytes)])).toStrictEqual(all);
    });

    it('yields every event, each as soon as it is complete, wherever the stream is split', () => {
      for (let split = 0; split <= bytes.length; split++) {
        const parser = createSseParser();
        const first = parser.push(bytes.subarray(0, split));
        const rest = [...parser.push(bytes.subarray(split)), ...parser.end()];
        const expected = due.filter(([at]) => at <= split).map(([, event]) => event);
        expect(first, `split at byte ${split}`).toStrictEqual(expected);
        expect([...first, ...rest], `split at byte ${split}`).toStrictEqual(all);
      }
    });

    it('yields every event, each as soon as it is complete, when fed one byte at a time', () => {
      const parser = createSseParser();
      const seen: ParsedSseEvent[] = [];
      for (let i = 0; i < bytes.length; i++) {
        seen.push(...parser.push(bytes.subarray(i, i + 1)));
        const expected = due.filter(([at]) => at <= i + 1).map(([, event]) => event);
        expect(seen, `after byte ${i + 1}`).toStrictEqual(expected);
      }
      expect(parser.end()).toStrictEqual([]);
    });
  });

  describe('line endings', () => {
    const delta = (text: string): ParsedSseEvent => ({
      event: { event: 'delta', data: { text } },
      id: undefined,
    });

    it('treats a CRLF split between chunks as one line break', () => {
      const parser = createSseParser();
      expect(parser.push('event: delta\r')).toStrictEqual([]);
      expect(parser.push('\ndata: {"text":"a"}\r')).toStrictEqual([]);
      expect(parser.push('\n\r')).toStrictEqual([delta('a')]);
      expect(parser.push('\n')).toStrictEqual([]);
      expect(parser.end()).toStrictEqual([]);
    });

    it('does not hold back a frame closed by a CR at the end of a chunk', () => {
      const parser = createSseParser();
      expect(parser.push('event: delta\rdata: {"text":"a"}\r\r')).toStrictEqual([delta('a')]);
      expect(parser.push('event: delta\rdata: {"text":"b"}\r\r')).toStrictEqual([delta('b')]);
    });

    it('accepts endings mixed within one stream', () => {
      const text =
        'event: delta\r\ndata: {"text":"a"}\n\r\n' +
        'event: delta\rdata: {"text":"b"}\r\n\n' +
        'event: delta\ndata: {"text":"c"}\r\r';
      expect(parseChunks([text])).toStrictEqual([delta('a'), delta('b'), delta('c')]);
    });

    it('reads CR LF as one line break but LF CR as two', () => {
      expect(parseChunks(['event: delta\r\ndata: {"text":"a"}\r\n'])).toStrictEqual([]);
      expect(parseChunks(['event: delta\ndata: {"text":"a"}\n\r'])).toStrictEqual([delta('a')]);
    });

    it('skips a UTF-8 byte order mark at the start of a byte stream', () => {
      const bytes = utf8.encode('\ufeffevent: delta\ndata: {"text":"a"}\n\n');
      expect(bytes.subarray(0, 3)).toStrictEqual(Uint8Array.of(0xef, 0xbb, 0xbf));
      expect(parseChunks([bytes])).toStrictEqual([delta('a')]);
    });
  });

  describe('fields', () => {
    it.each([
      ['a space after the colon', 'event: delta\ndata: {"text":"Hi"}\n\n'],
      ['no space after the colon', 'event:delta\ndata:{"text":"Hi"}\n\n'],
      ['two spaces, of which only one is removed', 'event: delta\ndata:  {"text":"Hi"}\n\n'],
      ['data before the event name', 'data: {"text":"Hi"}\nevent: delta\n\n'],
      ['comments between the fields', 'event: delta\n: note\ndata: {"text":"Hi"}\n\n'],
      [
        'unknown fields between them',
        'event: delta\nretry: 5\nx-trace: 1\ndata: {"text":"Hi"}\n\n',
      ],
      ['a later event name winning', 'event: typing\nevent: delta\ndata: {"text":"Hi"}\n\n'],
      ['several blank lines', '\n\n\nevent: delta\ndata: {"text":"Hi"}\n\n\n\n'],
    ])('reads a frame with %s', (_label, text) => {
      expect(parseChunks([text])).toStrictEqual([
        { event: { event: 'delta', data: { text: 'Hi' } }, id: undefined },
      ]);
    });

    it('removes only one space after the colon, so `event:  delta` names no known event', () => {
      expect(parseChunks(['event:  delta\ndata: {"text":"Hi"}\n\n'])).toStrictEqual([]);
    });

    it('joins data lines with a line feed', () => {
      // Joined with LF, JSON reads the break between the lines as whitespace...
      expect(parseChunks(['event: delta\ndata: {"text":\ndata: "Hi"}\n\n'])).toStrictEqual([
        { event: { event: 'delta', data: { text: 'Hi' } }, id: undefined },
      ]);
      // ...but inside a string it is a raw control character, which JSON forbids.
      expect(parseChunks(['event: delta\ndata: {"te\ndata: xt":"Hi"}\n\n'])).toStrictEqual([]);
    });

    it('reads a bare `data` line as an empty data line', () => {
      expect(parseChunks(['event: delta\ndata: {"text":\ndata\ndata: "Hi"}\n\n'])).toStrictEqual([
        { event: { event: 'delta', data: { text: 'Hi' } }, id: undefined },
      ]);
    });

    it('does not carry an event name over to the next frame', () => {
      const text = 'event: delta\ndata: {"text":"a"}\n\ndata: {"text":"b"}\n\n';
      expect(parseChunks([text])).toStrictEqual([
        { event: { event: 'delta', data: { text: 'a' } }, id: undefined },
      ]);
    });

    it('reads a frame without an event name as a `message` event, as EventSource does', () => {
      const message = { ...answer, role: 'operator', author: { name: 'Sam' } };
      expect(parseChunks([`data: ${JSON.stringify(message)}\n\n`])).toStrictEqual([
        { event: { event: 'message', data: message }, id: undefined },
      ]);
    });

    it('does not carry data over from a frame that had no event name', () => {
      const text = 'data: {"text":"a"}\n\nevent: delta\n\n';
      expect(parseChunks([text])).toStrictEqual([]);
    });

    it.each([
      ['an unknown event name', 'event: typing\ndata: {"text":"x"}\n\n'],
      ['no event name and a delta payload, read as a message', 'data: {"text":"x"}\n\n'],
      ['invalid JSON', 'event: delta\ndata: {"text":\n\n'],
      ['an empty data line', 'event: delta\ndata:\n\n'],
      ['JSON null', 'event: delta\ndata: null\n\n'],
      ['a JSON string', 'event: delta\ndata: "Hi"\n\n'],
      ['a payload failing the schema', 'event: delta\ndata: {"text":1}\n\n'],
      ['an unknown tool status', 'event: tool\ndata: {"name":"x","status":"queued"}\n\n'],
      ['an unknown contact reason', 'event: contact\ndata: {"reason":"bored"}\n\n'],
      [
        'a message without a seq',
        `event: message\ndata: ${JSON.stringify({ ...answer, seq: undefined })}\n\n`,
      ],
      [
        'the old done payload',
        'event: done\ndata: {"messageId":"m","text":"x","toolsUsed":[],"citations":[]}\n\n',
      ],
      [
        'an unknown error code',
        'event: error\ndata: {"code":"teapot","message":"x","retryable":false}\n\n',
      ],
      ['an event name but no data', 'event: delta\n\n'],
      ['only an id', 'id: 9\n\n'],
    ])('ignores a frame with %s and reads the next one', (_label, text) => {
      const next = 'event: handoff\ndata: {"agent":"billing"}\n\n';
      const events = parseChunks([text + next]);
      expect(events.map(({ event }) => event)).toStrictEqual([
        { event: 'handoff', data: { agent: 'billing' } },
      ]);
    });
  });

  describe('ids', () => {
    const frame = (text: string) => `event: delta\ndata: {"text":"${text}"}\n\n`;

    it('tracks the last id and keeps it for frames that send none', () => {
      const events = parseChunks([
        frame('a'),
        `id: 1\n${frame('b')}`,
        frame('c'),
        `id: 2\n${frame('d')}`,
      ]);
      expect(events.map(({ id }) => id)).toStrictEqual([undefined, '1', '1', '2']);
    });

    it('takes an id from a frame that yields nothing', () => {
      const events = parseChunks(['id: 5\n\n', 'id: 6\nevent: typing\ndata: {}\n\n', frame('a')]);
      expect(events).toStrictEqual([{ event: { event: 'delta', data: { text: 'a' } }, id: '6' }]);
    });

    it.each([
      ['`id:` with no value', 'id:\n', ''],
      ['a bare `id`', 'id\n', ''],
      ['an id with spaces inside', 'id: a b \n', 'a b '],
      ['an id containing a NUL, which is ignored', 'id: 7\n\nid: 8\u00009\n', '7'],
    ])('reads %s', (_label, idLines, id) => {
      expect(parseChunks([`${idLines}${frame('a')}`])).toStrictEqual([
        { event: { event: 'delta', data: { text: 'a' } }, id },
      ]);
    });
  });

  describe('end()', () => {
    it.each([
      ['a frame missing its blank line', 'event: delta\ndata: {"text":"a"}\n'],
      ['a frame cut inside a line', 'event: delta\ndata: {"text":"a"}'],
      ['a frame cut inside its data', 'event: delta\ndata: {"te'],
    ])('drops %s', (_label, text) => {
      const parser = createSseParser();
      expect(parser.push(text)).toStrictEqual([]);
      expect(parser.end()).toStrictEqual([]);
    });

    it('drops a frame cut inside a multi-byte character without throwing', () => {
      const bytes = utf8.encode('event: delta\ndata: {"text":"👋"}\n\n');
      const parser = createSseParser();
      expect(parser.push(bytes.subarray(0, bytes.length - 6))).toStrictEqual([]);
      expect(parser.end()).toStrictEqual([]);
    });

    it('still yields the complete frames before the cut', () => {
      const parser = createSseParser();
      const events = parser.push(
        'event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"text":"b"}\n',
      );
      expect(events.map(({ event }) => event.data)).toStrictEqual([{ text: 'a' }]);
      expect(parser.end()).toStrictEqual([]);
    });

    it('returns nothing for an empty stream', () => {
      const parser = createSseParser();
      expect(parser.push('')).toStrictEqual([]);
      expect(parser.push(new Uint8Array())).toStrictEqual([]);
      expect(parser.end()).toStrictEqual([]);
    });
  });

  describe('garbage', () => {
    const TOKENS = [
      'data: ',
      'data:',
      'event: ',
      'event: delta',
      'event: error',
      'event: contact',
      'id: ',
      ': ping',
      '{"text":"',
      '{"code":"internal","message":"x","retryable":true}',
      '{"reason":"follow_up"}',
      '"}',
      '\n',
      '\r',
      '\r\n',
      '\n\n',
      '\u0000',
      '👋',
      '\ufeff',
      '\ud800',
    ];

    /** Random input: raw bytes, or bytes of SSE-looking text, cut into random chunks. */
    function randomChunks(random: () => number): Uint8Array[] {
      const parts: number[] = [];
      const length = Math.floor(random() * 300);
      const sseLike = random() < 0.5;
      while (parts.length < length) {
        if (sseLike) {
          const token = TOKENS[Math.floor(random() * TOKENS.length)] ?? '';
          parts.push(...utf8.encode(token));
        } else {
          parts.push(Math.floor(random() * 256));
        }
      }
      const bytes = Uint8Array.from(parts);
      const chunks: Uint8Array[] = [];
      let offset = 0;
      while (offset < bytes.length) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(bytes.subarray(offset, offset + size));
        offset += size;
      }
      return chunks;
    }

    it('never throws and only yields events that satisfy the contract', () => {
      const random = prng(0x5eed);
      for (let run = 0; run < 400; run++) {
        const chunks = randomChunks(random);
        let events: ParsedSseEvent[] = [];
        expect(() => {
          events = parseChunks(chunks);
        }, `run ${run}`).not.toThrow();
        for (const { event, id } of events) {
          expect(toStreamEvent(event.event, event.data), `run ${run}`).toStrictEqual(event);
          expect(id === undefined || !id.includes('\0'), `run ${run}`).toBe(true);
        }
      }
    });

    it('recovers at the next blank line', () => {
      const random = prng(42);
      const good = 'event: handoff\ndata: {"agent":"billing"}\n\n';
      for (let run = 0; run < 300; run++) {
        const chunks = [...randomChunks(random), utf8.encode(`\n\n${good}`)];
        const events = parseChunks(chunks);
        expect(events.at(-1)?.event, `run ${run}`).toStrictEqual({
          event: 'handoff',
          data: { agent: 'billing' },
        });
      }
    });

    it('never throws on random text chunks', () => {
      const random = prng(7);
      for (let run = 0; run < 300; run++) {
        const parser = createSseParser();
        for (let i = 0; i < 10; i++) {
          const codes = Array.from({ length: Math.floor(random() * 30) }, () =>
            Math.floor(random() * 0x3000),
          );
          expect(() => parser.push(String.fromCharCode(...codes))).not.toThrow();
        }
        expect(() => parser.end()).not.toThrow();
      }
    });
  });
});

describe('createSseFrameParser: any event names, as the console’s operator stream needs', () => {
  it('reads named frames, skips comments, joins data lines', () => {
    const parser = createSseFrameParser();
    expect(
      parser.push(
        ': ping\n\nevent: inbox\ndata: {"a":1}\n\nevent: resync\ndata: {}\n\ndata: x\ndata: y\n\n',
      ),
    ).toEqual([
      { event: 'inbox', data: '{"a":1}' },
      { event: 'resync', data: '{}' },
      { event: 'message', data: 'x\ny' },
    ]);
  });

  it('takes frames split anywhere, CRLF halves and UTF-8 sequences included', () => {
    const text = 'event: inbox\r\ndata: {"who":"Zoë"}\r\n\r\n';
    const all = utf8.encode(text);
    for (let cut = 1; cut < all.length; cut++) {
      const parser = createSseFrameParser();
      const frames = [...parser.push(all.slice(0, cut)), ...parser.push(all.slice(cut))];
      expect(frames, `cut at ${cut}`).toEqual([{ event: 'inbox', data: '{"who":"Zoë"}' }]);
    }
  });

  it('holds an unfinished frame until its blank line', () => {
    const parser = createSseFrameParser();
    expect(parser.push('event: inbox\ndata: 1\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'inbox', data: '1' }]);
  });
});
