import { encodeSseComment, encodeSseEvent, type StreamEvent } from '@parley/shared';
import type { Response } from 'express';

/** A started event stream on one response. */
export interface SseStream {
  /** Writes one event with the next id. Returns false once the client is gone. */
  send(event: StreamEvent): boolean;
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
 * Starts an SSE response: headers that stop proxies buffering or compressing, ids on every event,
 * a `: ping` comment every 15 s, and clean-up on disconnect. The one place SSE is written.
 */
export function startSse(res: Response, options: SseOptions = {}): SseStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.setHeader('Content-Encoding', 'identity');
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let nextId = 1;
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
    send(event) {
      if (closed || res.writableEnded) return false;
      return res.write(encodeSseEvent(event, nextId++)) || !res.destroyed;
    },
    close() {
      if (stop()) res.end();
    },
    get closed() {
      return closed;
    },
  };
}
