import { encodeSseComment, encodeSseEvent, type StreamEvent } from '@parley/shared';
import type { Response } from 'express';

/** A started event stream on one response; `E` is the stream's event union. */
export interface SseStream<E extends { event: string; data: unknown } = StreamEvent> {
  /**
   * Writes one event, with its id when it has one (an event without an id leaves the client's
   * last event id as it was). Returns false once the client is gone.
   */
  send(event: E, id?: string): boolean;
  /** Ends the stream (idempotent). */
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  /** Keep-alive comment interval; proxies drop idle connections otherwise. */
  pingIntervalMs?: number;
  /** Called once when the client disconnects before `close()`. */
  onClientGone?: () => void;
}

/**
 * Starts an SSE response: headers that stop proxies buffering or compressing, the ids the caller
 * gives, a `: ping` comment every 15 s, and clean-up on disconnect. The one place SSE is written.
 */
export function startSse<E extends { event: string; data: unknown } = StreamEvent>(
  res: Response,
  options: SseOptions = {},
): SseStream<E> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.setHeader('Content-Encoding', 'identity');
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let closed = false;
  const ping = setInterval(() => {
    if (!closed) res.write(encodeSseComment('ping'));
  }, options.pingIntervalMs ?? 15_000);
  ping.unref();

  const stop = () => {
    if (closed) return false;
    closed = true;
    clearInterval(ping);
    return true;
  };
  res.on('close', () => {
    if (stop()) options.onClientGone?.();
  });

  return {
    send(event, id) {
      if (closed || res.writableEnded) return false;
      return res.write(encodeSseEvent(event, id)) || !res.destroyed;
    },
    close() {
      if (stop()) res.end();
    },
    get closed() {
      return closed;
    },
  };
}
