import { encodeSseComment, encodeSseEvent, type StreamEvent } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { createEventParser } from './sse';

// Framing and the payload checks are the contract's `createSseParser`, tested in @parley/shared;
// these tests cover the widget's view of it: bytes in, events out, ids left behind.
const EVENTS: StreamEvent[] = [
  { event: 'session', data: { token: 'tok_1' } },
  {
    event: 'tool',
    data: { name: 'search_knowledge_base', status: 'started', label: 'Searching…' },
  },
  { event: 'delta', data: { text: 'Grüße 👋 — ' } },
  {
    event: 'done',
    data: { messageId: 'm1', text: 'Grüße 👋 — ', toolsUsed: [], citations: [] },
  },
];

const bytes = (text: string) => new TextEncoder().encode(text);

describe('createEventParser', () => {
  it('yields the events of a byte stream, without their ids, however it is split', () => {
    const all = bytes(
      [encodeSseComment('ping'), ...EVENTS.map((event, id) => encodeSseEvent(event, id))].join(''),
    );
    for (const size of [1, 3, 7, all.length]) {
      const parser = createEventParser();
      const events: StreamEvent[] = [];
      for (let i = 0; i < all.length; i += size)
        events.push(...parser.push(all.slice(i, i + size)));
      events.push(...parser.end());
      expect(events, `${size}-byte chunks`).toEqual(EVENTS);
    }
  });

  it('yields an event as soon as its frame is complete', () => {
    const parser = createEventParser();
    expect(parser.push(bytes('event: delta\ndata: {"text":"a"}\n'))).toEqual([]);
    expect(parser.push(bytes('\n'))).toEqual([{ event: 'delta', data: { text: 'a' } }]);
  });

  it('drops frames that do not match the contract, and an unfinished last frame', () => {
    const parser = createEventParser();
    const text =
      'event: typing\ndata: {}\n\nevent: delta\ndata: {"txt":"x"}\n\n' +
      'event: delta\ndata: {"text":"ok","extra":1}\n\nevent: delta\ndata: {"text":"cut"}\n';
    expect([...parser.push(bytes(text)), ...parser.end()]).toEqual([
      { event: 'delta', data: { text: 'ok' } },
    ]);
  });
});
