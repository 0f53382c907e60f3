import { createSseFrameParser, InboxEvent, parseWith } from '@parley/shared';
import type { ConsoleClient } from './client';

/** Whether the console hears about changes right now. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface InboxStreamHandlers {
  /** A conversation changed: a new waiting visitor, a message, a status, a ticket. */
  onEvent(event: InboxEvent): void;
  /**
   * The stream (re)opened, or the server said events may have been missed (`resync`): whatever
   * is on screen may be stale and should be fetched again.
   */
  onResync(): void;
  onStatus(status: StreamStatus): void;
}

export interface InboxStreamOptions extends InboxStreamHandlers {
  client: Pick<ConsoleClient, 'openEvents'>;
  /** Called on 401: the session ended; the stream stops. */
  onUnauthorized(): void;
  /** Delay before the n-th reconnect in a row (from 1); defaults to 1 s doubling to 30 s. */
  retryDelayMs?: (attempt: number) => number;
}

const defaultDelay = (attempt: number) =>
  Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);

/**
 * Follows `GET /api/operator/events` over fetch (EventSource cannot be aborted cleanly from a
 * signal or tested with a fake fetch), reconnecting with backoff whenever the stream ends or
 * fails. Each (re)connection asks for a resync, since events sent while away are not replayed.
 * Returns the function that stops following.
 *
 * @example
 * const stop = followInbox({ client, onEvent, onResync, onStatus, onUnauthorized });
 */
export function followInbox(options: InboxStreamOptions): () => void {
  const controller = new AbortController();
  const delay = options.retryDelayMs ?? defaultDelay;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function connect(): Promise<void> {
    options.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const response = await options.client.openEvents(controller.signal);
      if (response.status === 401) {
        options.onUnauthorized();
        return;
      }
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
      attempt = 0;
      options.onStatus('live');
      options.onResync();
      const parser = createSseFrameParser();
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of parser.push(value)) dispatch(frame.event, frame.data);
      }
    } catch {
      // Dropped or refused: retried below, unless stopped.
    }
    if (controller.signal.aborted) return;
    attempt++;
    options.onStatus('reconnecting');
    timer = setTimeout(() => void connect(), delay(attempt));
  }

  function dispatch(name: string, data: string): void {
    if (name === 'resync') {
      options.onResync();
      return;
    }
    if (name !== 'inbox') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const event = parseWith(InboxEvent, json);
    if (event) options.onEvent(event);
  }

  void connect();
  return () => {
    clearTimeout(timer);
    controller.abort();
  };
}
