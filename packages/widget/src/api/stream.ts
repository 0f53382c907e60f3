import { createSseParser, type ParsedSseEvent } from '@parley/shared';
import { ParleyError } from './errors';

/** How long a stream may stay silent; the server sends `: ping` comments well within this. */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;

/**
 * Reads a `text/event-stream` body as checked events with their ids, parsing chunks as they
 * arrive (frames may be split anywhere) with the contract's `createSseParser`, which drops frames
 * that are unknown or do not match the contract. A stream that goes silent for `idleTimeoutMs` is
 * cancelled, so a connection dropped without a FIN (a phone changing networks) ends in an error
 * instead of waiting forever. Aborting the request's signal rejects the pending read.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs = STREAM_IDLE_TIMEOUT_MS,
): AsyncGenerator<ParsedSseEvent, void, undefined> {
  const reader = body.getReader();
  const parser = createSseParser();
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
      if (idle) throw new ParleyError('network', 'The stream went silent');
      yield* done ? parser.end() : parser.push(value);
      if (done) return;
    }
  } finally {
    clearTimeout(timer);
    // Leaving early (an error, a consumer `break`) must release the connection.
    reader.cancel().catch(() => undefined);
  }
}
