/** One frame of an event stream: its name (`message` when unnamed) and its raw data. */
export interface SseFrame {
  event: string;
  data: string;
}

/**
 * An incremental `text/event-stream` parser for any event names. The contract's
 * `createSseParser` only yields the chat stream's events and drops the rest, and the operator
 * stream speaks others (`inbox`, `resync`), so the console reads frames generically and checks
 * each payload itself. Chunks may split lines and UTF-8 sequences anywhere; lines end in LF, CR or
 * CRLF; comment lines (keep-alive pings) are skipped; a frame is complete at a blank line.
 */
export function createFrameParser() {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  // Whether the text so far ended in CR: an LF opening the next chunk completes that CRLF.
  let afterCr = false;
  return {
    push(chunk: Uint8Array | string): SseFrame[] {
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (afterCr && text.startsWith('\n')) text = text.slice(1);
      if (text) afterCr = text.endsWith('\r');
      buffer += text;
      const lines = buffer.split(/\r\n|\r|\n/);
      // The last piece is an unfinished line.
      buffer = lines.pop() ?? '';
      const frames: SseFrame[] = [];
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) frames.push({ event: event || 'message', data: data.join('\n') });
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      return frames;
    },
  };
}
