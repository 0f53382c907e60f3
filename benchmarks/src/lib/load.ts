import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One request a worker sends. */
export interface LoadRequest {
  path: string;
  body: string;
  headers?: Record<string, string>;
}

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:1234 (loopback only). */
  url: string;
  concurrency: number;
  /** Stop starting requests after this many (across workers)… */
  maxRequests: number;
  /** …or after this long, whichever comes first. */
  durationMs: number;
  /** Gives up on one request after this long; default 60 s. */
  requestTimeoutMs?: number;
  /** Worker `i` starts `i × staggerMs` after the first (a ramp instead of a burst). */
  staggerMs?: number;
  /** Builds the next request of `worker` (0-based); `n` counts that worker's requests. */
  makeRequest(worker: number, n: number): LoadRequest;
  /** Sees each complete response body (e.g. to keep a session token). */
  onResponse?(worker: number, body: string): void;
}

export interface LoadResult {
  concurrency: number;
  completed: number;
  failed: number;
  /** From the first request to the last response. */
  elapsedMs: number;
  perSecond: number;
  /** Per successful request: ms from sending to the first `event: delta`. */
  firstDeltaMs: number[];
  /** Per successful request: ms from sending to the end of the stream. */
  totalMs: number[];
  /** The first few failures, for messages. */
  errors: string[];
}

const DELTA_MARKER = 'event: delta';
const DONE_MARKER = 'event: done';

/**
 * A bounded closed-loop load generator: `concurrency` workers, each sending its next request as
 * soon as the previous one ended, over keep-alive connections (one per worker), until
 * `maxRequests` were started or `durationMs` passed. Every request must address 127.0.0.1 or
 * localhost. A response counts as successful when it is 200 and its SSE stream carries
 * `event: done`; time to first delta is when `event: delta` first arrives.
 *
 * @example
 * const result = await runLoad({ url, concurrency: 16, maxRequests: 2000, durationMs: 15_000,
 *   makeRequest: () => ({ path: '/api/chat', body: '{"message":"hi"}' }) });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
    throw new Error(`the load generator only talks to loopback, not ${target.hostname}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const timeoutMs = options.requestTimeoutMs ?? 60_000;
  const firstDeltaMs: number[] = [];
  const totalMs: number[] = [];
  const errors: string[] = [];
  let started = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;

  const one = (req: LoadRequest) =>
    new Promise<{ ok: boolean; firstDelta?: number; total: number; body: string; error?: string }>(
      (resolve) => {
        const sent = performance.now();
        let firstDelta: number | undefined;
        let body = '';
        const call = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              accept: 'text/event-stream',
              'content-length': Buffer.byteLength(req.body),
              ...req.headers,
            },
            timeout: timeoutMs,
          },
          (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
              if (firstDelta === undefined && body.includes(DELTA_MARKER)) {
                firstDelta = performance.now() - sent;
              }
            });
            res.on('end', () => {
              const ok = res.statusCode === 200 && body.includes(DONE_MARKER);
              resolve({
                ok,
                total: performance.now() - sent,
                body,
                ...(firstDelta === undefined ? {} : { firstDelta }),
                ...(ok ? {} : { error: `HTTP ${res.statusCode}: …${body.slice(-300)}` }),
              });
            });
            res.on('error', (error) =>
              resolve({ ok: false, total: 0, body, error: error.message }),
            );
          },
        );
        call.on('timeout', () => call.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        call.on('error', (error) => resolve({ ok: false, total: 0, body, error: error.message }));
        call.end(req.body);
      },
    );

  const worker = async (index: number) => {
    if (options.staggerMs) await new Promise((r) => setTimeout(r, index * options.staggerMs!));
    for (let n = 0; started < options.maxRequests && performance.now() < deadline; n++) {
      started++;
      const result = await one(options.makeRequest(index, n));
      if (result.ok) {
        totalMs.push(result.total);
        if (result.firstDelta !== undefined) firstDeltaMs.push(result.firstDelta);
        options.onResponse?.(index, result.body);
      } else {
        failed++;
        if (errors.length < 5 && result.error) errors.push(result.error);
      }
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return {
    concurrency: options.concurrency,
    completed: totalMs.length,
    failed,
    elapsedMs,
    perSecond: (totalMs.length / elapsedMs) * 1000,
    firstDeltaMs,
    totalMs,
    errors,
  };
}

/** The `session` event's token in an SSE body, if the response created a session. */
export function sessionTokenOf(body: string): string | undefined {
  const match = /event: session\ndata: (\{[^\n]*\})/.exec(body);
  if (!match?.[1]) return undefined;
  return (JSON.parse(match[1]) as { token?: string }).token;
}

/** GETs or POSTs a bench control route and returns its JSON. */
export async function control<T>(baseUrl: string, name: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/__bench/${name}`, {
    method: body === undefined && name === 'stats' ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`/__bench/${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
