import { describe, expect, it } from 'vitest';
import { createFrameParser } from './sse';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the event-stream frame parser', () => {
  it('reads named frames, skips comments, joins data lines', () => {
    const parser = createFrameParser();
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
    const all = bytes(text);
    for (let cut = 1; cut < all.length; cut++) {
      const parser = createFrameParser();
      const frames = [...parser.push(all.slice(0, cut)), ...parser.push(all.slice(cut))];
      expect(frames, `cut at ${cut}`).toEqual([{ event: 'inbox', data: '{"who":"Zoë"}' }]);
    }
  });

  it('holds an unfinished frame until its blank line', () => {
    const parser = createFrameParser();
    expect(parser.push('event: inbox\ndata: 1\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'inbox', data: '1' }]);
  });
});
