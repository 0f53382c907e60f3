import { type StreamEvent, toStreamEvent } from './stream-events.js';

const LINE_BREAK = /[\r\n]/;

/**
 * Encodes one event as an SSE frame. The payload is JSON, so it never contains a raw line break;
 * a line break in the id would split the frame, and a NUL makes parsers ignore it, so both are
 * refused.
 *
 * @example
 * encodeSseEvent({ event: 'delta', data: { text: 'Hi' } }, 3)
 * // 'id: 3\nevent: delta\ndata: {"text":"Hi"}\n\n'
 */
export function encodeSseEvent(
  event: { event: string; data: unknown },
  id?: string | number,
): string {
  if (LINE_BREAK.test(event.event)) throw new Error('SSE event names must not contain line breaks');
  const idLine = id === undefined ? '' : `id: ${assertValidId(String(id))}\n`;
  return `${idLine}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Encodes an SSE comment, which clients ignore; used as a keep-alive ping. */
export function encodeSseComment(text: string): string {
  return `: ${assertSingleLine(text)}\n\n`;
}

function assertSingleLine(value: string): string {
  if (LINE_BREAK.test(value)) throw new Error('SSE fields must not contain line breaks');
  return value;
}

/** Parsers ignore an `id:` containing NUL, so sending one would silently lose the stream position. */
function assertValidId(value: string): string {
  if (value.includes('\0')) throw new Error('SSE ids must not contain NUL');
  return assertSingleLine(value);
}

/** A parsed event together with the `id:` it was sent with, if any. */
export interface ParsedSseEvent {
  event: StreamEvent;
  id: string | undefined;
}

export interface SseParser {
  /** Feeds the next chunk (bytes straight from the network, or text). */
  push(chunk: Uint8Array | string): ParsedSseEvent[];
  /**
   * Ends the stream. As the WHATWG rules say, a frame that was never closed by a blank line is
   * incomplete and is dropped, so a stream cut mid-frame never yields a half event.
   */
  end(): ParsedSseEvent[];
}

/** One frame of an event stream: its name (`message` when unnamed), raw data and last `id:`. */
export interface SseFrame {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseFrameParser {
  /** Feeds the next chunk (bytes straight from the network, or text). */
  push(chunk: Uint8Array | string): SseFrame[];
  /**
   * Ends the stream. As the WHATWG rules say, a frame that was never closed by a blank line is
   * incomplete and is dropped, so a stream cut mid-frame never yields a half frame.
   */
  end(): SseFrame[];
}

/**
 * An incremental `text/event-stream` parser for any event names, following the WHATWG rules:
 * frames may be split anywhere across chunks (even inside a UTF-8 sequence or a CRLF), lines end in
 * LF, CR or CRLF, `:` lines are comments, several `data:` lines join with LF. It yields raw frames;
 * {@link createSseParser} checks them against the chat stream's contract, and readers of other
 * streams (the console's operator events) check their own.
 */
export function createSseFrameParser(): SseFrameParser {
  const decoder = new TextDecoder();
  // The unfinished last line of what arrived so far.
  let buffer = '';
  let eventName = '';
  let dataLines: string[] = [];
  let lastId: string | undefined;
  // Set when the text so far ended in CR. That line is processed at once, so a CR-terminated frame
  // is not held back; an LF opening the next text is the second half of that CRLF, not a blank line.
  let afterCr = false;

  function feed(text: string, final: boolean): SseFrame[] {
    const out: SseFrame[] = [];
    if (text) {
      if (afterCr && text[0] === '\n') text = text.slice(1);
      afterCr = text.endsWith('\r');
    }
    const lines = (buffer + text).split(/\r\n|\r|\n/);
    const rest = lines.pop() ?? '';
    // At the end, a line never closed by a line break is incomplete and dropped with its frame.
    buffer = final ? '' : rest;
    for (const line of lines) {
      if (!line) {
        if (dataLines.length > 0) {
          out.push({ event: eventName || 'message', data: dataLines.join('\n'), id: lastId });
        }
        eventName = '';
        dataLines = [];
      } else if (line[0] !== ':') {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') eventName = value;
        else if (field === 'data') dataLines.push(value);
        else if (field === 'id' && !value.includes('\0')) lastId = value;
      }
    }
    if (final) {
      afterCr = false;
      eventName = '';
      dataLines = [];
    }
    return out;
  }

  return {
    push: (chunk) =>
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), false),
    end: () => feed(decoder.decode(), true),
  };
}

/**
 * An incremental parser for Parley's chat event stream: the frames of
 * {@link createSseFrameParser}, each checked against the contract. Frames whose event name is
 * unknown or whose data does not match are dropped, so a newer server never breaks an older
 * widget.
 */
export function createSseParser(): SseParser {
  const frames = createSseFrameParser();
  const parsed = (list: SseFrame[]): ParsedSseEvent[] => {
    const out: ParsedSseEvent[] = [];
    for (const frame of list) {
      const event = parseEvent(frame.event, frame.data);
      if (event) out.push({ event, id: frame.id });
    }
    return out;
  };
  return {
    push: (chunk) => parsed(frames.push(chunk)),
    end: () => parsed(frames.end()),
  };
}

/** Frames whose data is not JSON, or does not match the contract, yield nothing. */
function parseEvent(name: string, data: string): StreamEvent | undefined {
  try {
    return toStreamEvent(name, JSON.parse(data));
  } catch {
    return undefined;
  }
}
