import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, StreamEvent } from '@parley/shared';
import { followEvents } from '@parley/testkit/chat-client';

/** One event a visitor's stream delivered, with when and over which connection. */
export interface Received {
  event: StreamEvent;
  id: string | undefined;
  /** `performance.now()` when it arrived. */
  at: number;
  /** Which connection (0 = the first) carried it. */
  connection: number;
  baseUrl: string;
}

/**
 * A visitor's widget following its conversation (`GET /api/chat/events`) as the widget does:
 * when the stream ends or breaks, it reconnects after `retryMs` with `Last-Event-ID` set to the
 * last id it received, to whichever instance `baseUrl()` names at that moment (the load balancer).
 * Runs until `stop()`.
 *
 * @example
 * const follower = followWithResume({ token, baseUrl: () => a.url, lastEventId: '3' });
 * await waitUntil(() => follower.operatorMessages().length === 5, { timeoutMs: 5_000 });
 * await follower.stop();
 */
export function followWithResume(options: {
  token: string;
  baseUrl: () => string;
  /** Where the visitor is: the id of the last event of its last turn. */
  lastEventId?: string;
  retryMs?: number;
}) {
  const received: Received[] = [];
  /** Each connection: where, when it opened, and how it ended. */
  const connections: { baseUrl: string; openedAt: number; status: number; ended: string }[] = [];
  let lastEventId = options.lastEventId;
  let hangUp = new AbortController();
  let stopped = false;

  const loop = (async () => {
    while (!stopped) {
      const connection = connections.length;
      const baseUrl = options.baseUrl();
      const opened = { baseUrl, openedAt: performance.now(), status: 0, ended: '' };
      connections.push(opened);
      try {
        const result = await followEvents(baseUrl, {
          token: options.token,
          signal: hangUp.signal,
          ...(lastEventId === undefined ? {} : { lastEventId }),
          onEvent: (event, id) => {
            received.push({ event, id, at: performance.now(), connection, baseUrl });
            if (id !== undefined) lastEventId = id;
          },
        });
        opened.status = result.status;
        opened.ended = stopped ? 'stopped' : 'closed by the server';
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        opened.ended = cause?.message ?? (error as Error).message;
      }
      if (!stopped) await sleep(options.retryMs ?? 100);
    }
  })();

  return {
    received,
    connections,
    /** The operator messages received, in arrival order. */
    operatorMessages(): Array<Received & { message: Message }> {
      return received.flatMap((r) =>
        r.event.event === 'message' && r.event.data.role === 'operator'
          ? [{ ...r, message: r.event.data }]
          : [],
      );
    },
    /** The statuses the stream announced, in order. */
    statuses(): string[] {
      return received.flatMap((r) => (r.event.event === 'status' ? [r.event.data.status] : []));
    },
    /** Ends the current connection (as a dropped network would) and reconnects. */
    drop(): void {
      hangUp.abort();
      hangUp = new AbortController();
    },
    async stop(): Promise<void> {
      stopped = true;
      hangUp.abort();
      await loop;
    },
  };
}

export type Follower = ReturnType<typeof followWithResume>;
