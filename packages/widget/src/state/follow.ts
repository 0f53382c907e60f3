import type { ParsedSseEvent } from '@parley/shared';
import type { ApiClient } from '../api/client';
import { toParleyError } from '../api/errors';

/** Reconnection waits double from this, up to {@link MAX_RETRY_MS}, with jitter. */
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;

export interface FollowerOptions {
  client: Pick<ApiClient, 'events'>;
  /** Where to resume: the furthest stream position the widget has. */
  after(): string;
  receive(event: ParsedSseEvent): void;
}

export interface Follower {
  /** Follows the conversation (connecting now) or stops following it. */
  set(on: boolean): void;
  /** Connects now instead of waiting out the back-off (the browser came back online). */
  wake(): void;
  dispose(): void;
}

/**
 * Keeps one `GET /api/chat/events` stream open while wanted, resuming after the last position the
 * widget has, so nothing is missed or doubled across reconnects. A dropped stream is reopened
 * after a growing, jittered wait (the server's `Retry-After` when it sent one), never while the
 * browser says it is offline. A 204 (no conversation) or a refused session stops following.
 *
 * @example
 * const follower = createFollower({ client, after: transcript.position, receive });
 * follower.set(true);
 */
export function createFollower({ client, after, receive }: FollowerOptions): Follower {
  let wanted = false;
  let connection: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;

  async function connect(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (!wanted || connection || navigator.onLine === false) return;
    const controller = new AbortController();
    connection = controller;
    let retryAfter: number | undefined;
    try {
      const events = await client.events(after(), controller.signal);
      if (!events) {
        wanted = false;
        return;
      }
      for await (const event of events) {
        // The server speaks first (where the conversation stands), so a working stream resets
        // the back-off quickly, and one that drops before a word keeps growing it.
        attempt = 0;
        receive(event);
      }
    } catch (error) {
      const failure = toParleyError(error);
      if (failure.code === 'session_invalid') wanted = false;
      retryAfter = failure.retryAfter;
    } finally {
      if (connection === controller) connection = undefined;
    }
    if (!wanted || controller.signal.aborted) return;
    const wait = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt++);
    timer = setTimeout(connect, retryAfter ? retryAfter * 1000 : wait * (0.5 + Math.random() / 2));
  }

  const stop = () => {
    clearTimeout(timer);
    connection?.abort();
    connection = undefined;
  };

  return {
    set(on) {
      if (on === wanted) return;
      wanted = on;
      if (on) void connect();
      else stop();
    },
    wake() {
      attempt = 0;
      if (!connection) void connect();
    },
    dispose() {
      wanted = false;
      stop();
    },
  };
}
