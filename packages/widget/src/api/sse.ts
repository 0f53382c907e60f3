import { createSseParser, type StreamEvent } from '@parley/shared';

/** Incremental parser for Parley's event stream; see {@link createEventParser}. */
export interface EventParser {
  push(chunk: Uint8Array): StreamEvent[];
  /** Ends the stream; a frame never closed by a blank line is incomplete and dropped. */
  end(): StreamEvent[];
}

/**
 * Parses `text/event-stream` bytes into typed events with the contract's `createSseParser`, which
 * drops frames that are unknown or do not match the contract. The widget never resumes a stream,
 * so the frames' ids are left out.
 */
export function createEventParser(): EventParser {
  const parser = createSseParser();
  return {
    push: (chunk) => parser.push(chunk).map(({ event }) => event),
    end: () => parser.end().map(({ event }) => event),
  };
}
