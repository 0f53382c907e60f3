import type { StreamEvent, StreamEventData, StreamEventName } from '@parley/shared';

type FieldType = 'string' | 'boolean' | 'object';

/**
 * The payload fields each event must carry, keyed by the contract's event names and field names:
 * an event or field renamed in `@parley/shared` fails to compile here.
 */
const REQUIRED: { [N in StreamEventName]: Partial<Record<keyof StreamEventData<N>, FieldType>> } = {
  session: { token: 'string' },
  delta: { text: 'string' },
  tool: { name: 'string', status: 'string', label: 'string' },
  handoff: { agent: 'string' },
  done: { messageId: 'string', text: 'string', toolsUsed: 'object', citations: 'object' },
  error: { code: 'string', message: 'string', retryable: 'boolean' },
};

/** Incremental parser for Parley's event stream; see {@link createEventParser}. */
export interface EventParser {
  push(chunk: Uint8Array): StreamEvent[];
  /** Ends the stream; a frame never closed by a blank line is incomplete and dropped. */
  end(): StreamEvent[];
}

/**
 * Parses `text/event-stream` bytes into typed events, following the WHATWG rules like shared's
 * `createSseParser` (which `sse.test.ts` runs side by side with this one): frames may be split
 * anywhere, even inside a UTF-8 sequence or a CRLF; `:` lines are comments; `data:` lines join with
 * LF. Frames with an unknown name or a payload missing a required field are dropped, so a newer
 * server never breaks an older widget.
 */
export function createEventParser(): EventParser {
  const decoder = new TextDecoder();
  let buffer = '';
  let name = '';
  let data: string[] = [];

  const drain = (final: boolean) => {
    const events: StreamEvent[] = [];
    for (let m = /\r\n|\r|\n/.exec(buffer); m; m = /\r\n|\r|\n/.exec(buffer)) {
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (!final && m[0] === '\r' && m.index === buffer.length - 1) break;
      const line = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      if (!line) {
        const event = data.length > 0 ? toEvent(name || 'message', data.join('\n')) : undefined;
        if (event) events.push(event);
        name = '';
        data = [];
      } else if (line[0] !== ':') {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      }
    }
    return events;
  };

  return {
    push: (chunk) => {
      buffer += decoder.decode(chunk, { stream: true });
      return drain(false);
    },
    end: () => {
      buffer += decoder.decode();
      const events = drain(true);
      buffer = name = '';
      data = [];
      return events;
    },
  };
}

function toEvent(name: string, json: string): StreamEvent | undefined {
  const required: Record<string, FieldType> | undefined = REQUIRED[name as StreamEventName];
  if (!required || !Object.hasOwn(REQUIRED, name)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  for (const [field, type] of Object.entries(required)) {
    if (typeof record[field] !== type || record[field] === null) return undefined;
  }
  return { event: name, data: payload } as StreamEvent;
}
