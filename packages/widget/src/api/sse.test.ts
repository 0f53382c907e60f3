import {
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type StreamEvent,
} from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { createEventParser } from './sse';

const EVENTS: StreamEvent[] = [
  { event: 'session', data: { token: 'tok_1' } },
  {
    event: 'tool',
    data: { name: 'search_knowledge_base', status: 'started', label: 'Searching…' },
  },
  { event: 'handoff', data: { agent: 'Billing' } },
  { event: 'delta', data: { text: 'Grüße 👋 — ' } },
  { event: 'delta', data: { text: 'line\nbreak' } },
  {
    event: 'done',
    data: {
      messageId: 'm1',
      text: 'Grüße 👋 — line\nbreak',
      toolsUsed: ['search_knowledge_base'],
      citations: [{ title: 'Reset', url: '/kb/reset' }],
      ticketId: 'T-1234',
    },
  },
  { event: 'error', data: { code: 'model_unavailable', message: 'down', retryable: true } },
];

const bytes = (text: string) => new TextEncoder().encode(text);

function collect(
  parser: { push(chunk: Uint8Array): unknown[]; end(): unknown[] },
  chunks: Uint8Array[],
): unknown[] {
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
}

function sharedEvents(chunks: Uint8Array[]): StreamEvent[] {
  const parser = createSseParser();
  const parsed = [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
  return parsed.map((p) => p.event);
}

/** Splits bytes into chunks of `size`, so frames break mid-line, mid-CRLF and mid-UTF-8. */
function split(all: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) chunks.push(all.slice(i, i + size));
  return chunks;
}

const STREAMS: Record<string, string> = {
  'LF frames with pings': [
    encodeSseComment('ping'),
    ...EVENTS.map((e) => encodeSseEvent(e, 1)),
  ].join(''),
  'CRLF frames': EVENTS.map((e) => encodeSseEvent(e).replace(/\n/g, '\r\n')).join(''),
  'CR frames': EVENTS.map((e) => encodeSseEvent(e).replace(/\n/g, '\r')).join(''),
  'multi-line data': 'event: delta\ndata: {"text":\ndata: "hi"}\n\n',
  'no space after colon': 'event:delta\ndata:{"text":"x"}\n\n',
  'unknown event': 'event: typing\ndata: {}\n\nevent: delta\ndata: {"text":"ok"}\n\n',
  'default message event': 'data: {"text":"x"}\n\n',
  'invalid json': 'event: delta\ndata: {nope\n\n',
  'missing field': 'event: delta\ndata: {"txt":"x"}\n\n',
  'wrong field type': 'event: error\ndata: {"code":"internal","message":"x","retryable":"yes"}\n\n',
  'null payload': 'event: delta\ndata: null\n\n',
  'prototype name': 'event: toString\ndata: {}\n\nevent: __proto__\ndata: {}\n\n',
  'unterminated last frame':
    'event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"text":"b"}\n',
};

describe('createEventParser', () => {
  for (const [name, text] of Object.entries(STREAMS)) {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      it(`agrees with shared createSseParser: ${name}, ${size}-byte chunks`, () => {
        const chunks = split(bytes(text), size);
        expect(collect(createEventParser(), chunks)).toEqual(sharedEvents(chunks));
      });
    }
  }

  it('yields events as soon as their frame is complete', () => {
    const parser = createEventParser();
    expect(parser.push(bytes('event: delta\ndata: {"text":"a"}\n'))).toEqual([]);
    expect(parser.push(bytes('\n'))).toEqual([{ event: 'delta', data: { text: 'a' } }]);
  });

  it('waits for the LF that may follow a trailing CR', () => {
    const parser = createEventParser();
    expect(parser.push(bytes('event: delta\r\ndata: {"text":"a"}\r\n\r'))).toEqual([]);
    expect(parser.push(bytes('\nevent: delta\r\ndata: {"text":"b"}\r\n\r\n'))).toEqual([
      { event: 'delta', data: { text: 'a' } },
      { event: 'delta', data: { text: 'b' } },
    ]);
  });
});
