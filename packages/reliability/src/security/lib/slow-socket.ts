import net from 'node:net';

/** What a raw socket saw: the bytes the server wrote, and when (if ever) it closed the socket. */
export interface SocketOutcome {
  data: string;
  /** Milliseconds from connecting until the server closed; undefined if it was still open. */
  closedAfterMs: number | undefined;
}

export interface SlowSocket {
  /** Resolves when the server closes the socket, or after `giveUpMs` with `closedAfterMs` unset. */
  outcome: Promise<SocketOutcome>;
  destroy(): void;
}

export interface SlowSocketOptions {
  /** Written right after connecting (may be empty: a client that never says anything). */
  initial: string | Buffer;
  /** Written every `intervalMs` until the socket closes (undefined: go silent after `initial`). */
  drip?: string;
  intervalMs?: number;
  /** Stop waiting after this long; the socket is then destroyed by us. */
  giveUpMs: number;
}

/**
 * A slowloris client on a raw TCP socket: writes `initial`, then optionally one `drip` every
 * `intervalMs`, and reports when the server gives up on it.
 */
export function openSlowSocket(port: number, options: SlowSocketOptions): SlowSocket {
  const socket = net.connect(port, '127.0.0.1');
  const started = Date.now();
  let data = '';
  let drip: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  // Writes after the server hung up fail with EPIPE/ECONNRESET; closing is what we wait for.
  socket.on('error', () => {});
  const outcome = new Promise<SocketOutcome>((resolve) => {
    const giveUp = setTimeout(() => {
      clearInterval(drip);
      resolve({ data, closedAfterMs: undefined });
      socket.destroy();
    }, options.giveUpMs);
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(drip);
      resolve({ data, closedAfterMs: Date.now() - started });
    });
  });
  socket.on('connect', () => {
    if (options.initial.length > 0) socket.write(options.initial);
    if (options.drip !== undefined) {
      const text = options.drip;
      drip = setInterval(() => {
        if (!socket.destroyed) socket.write(text);
      }, options.intervalMs ?? 100);
    }
  });
  return { outcome, destroy: () => socket.destroy() };
}

/** The status code of a raw HTTP/1.1 response text, or undefined when there is none. */
export function statusOf(raw: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  return match ? Number(match[1]) : undefined;
}
