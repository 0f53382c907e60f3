import type { Server } from 'node:http';

export interface ServerTimeouts {
  /** A client must finish sending the request headers within this long. */
  headersTimeoutMs: number;
  /** A client must finish sending the whole request (headers and body) within this long. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long; Node's default when unset. */
  keepAliveTimeoutMs?: number;
}

/** Node checks pending requests against the deadlines this often; its default is 30 s. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * Bounds how long a slow client (slowloris) can hold a socket: headers within
 * `headersTimeoutMs`, the whole request within `requestTimeoutMs`; Node then answers 408 and
 * closes. A streamed response is not bounded by these; the chat route's stream deadline is.
 *
 * Node only looks for late requests every `connectionsCheckingInterval` (30 s by default), which
 * would let a slow client hold a socket up to 30 s past either deadline; so the interval is
 * shortened too. Node reads it when the server starts listening, hence call this before `listen`.
 *
 * @example
 * const server = http.createServer(app);
 * applyServerTimeouts(server, { headersTimeoutMs: 15_000, requestTimeoutMs: 30_000 });
 * server.listen(port, host);
 */
export function applyServerTimeouts(server: Server, timeouts: ServerTimeouts): void {
  if (server.listening) throw new Error('applyServerTimeouts must be called before listen()');
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  if (timeouts.keepAliveTimeoutMs !== undefined)
    server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  // Typed only as a constructor option, but a plain property that `listen` reads.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(timeouts.headersTimeoutMs / 4)));
}
