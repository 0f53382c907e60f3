import type { StreamEvent } from '@parley/shared';
import { ParleyError } from './errors';
import { createEventParser } from './sse';

/** How long a stream may stay silent; the server sends `: ping` comments well within this. */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;

/**
 * Reads a `text/event-stream` body as typed events, parsing chunks as they arrive (frames may be
 * split anywhere). A stream that goes silent for `idleTimeoutMs` is cancelled, so a connection
 * dropped without a FIN (a phone changing networks) ends in an error instead of waiting forever.
 * Aborting the request's signal rejects the pending read with the abort reason.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs = STREAM_IDLE_TIMEOUT_MS,
): AsyncGenerator<StreamEvent, void, undefined> {
  const reader = body.getReader();
  const parser = createEventParser();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle = false;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      reader.cancel().catch(() => undefined);
    }, idleTimeoutMs);
  };
  try {
    for (;;) {
      arm();
      const { done, value } = await reader.read();
      if (idle) throw new ParleyError('network', 'The answer stream went silent');
      const parsed = done ? parser.end() : parser.push(value);
      yield* parsed;
      if (done) return;
    }
  } finally {
    clearTimeout(timer);
    // Leaving early (a `done` event, an error, a consumer `break`) must release the connection.
    reader.cancel().catch(() => undefined);
  }
}
