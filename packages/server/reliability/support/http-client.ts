import { Agent, request } from 'node:http';
import {
  type ChatReply,
  createSseParser,
  type ErrorBody,
  type HistoryMessage,
  type StreamEvent,
} from '@parley/shared';

/**
 * A small HTTP client for reliability runs: node:http over a keep-alive agent (so hundreds of
 * visitors reuse sockets instead of opening one per request), timing every call. Chat turns are
 * sent as SSE or as JSON and come back in one shape, whichever transport was used.
 */
export interface TurnResult {
  status: number;
  transport: 'sse' | 'json';
  /** Wall time from sending the request to the end of the response. */
  ms: number;
  /** The session token: from the `session` event, the JSON reply, or the one sent. */
  token: string | undefined;
  /** The answer from the `done` event or the JSON reply. */
  text: string | undefined;
  /** All deltas joined (SSE only). */
  deltas: string;
  events: StreamEvent[];
  /** The JSON error body, or the data of an SSE `error` event. */
  error: ErrorBody['error'] | { code: string; message: string; retryable?: boolean } | undefined;
  /** Set when the connection failed rather than answering (e.g. the server was killed). */
  networkError?: string;
}

export interface ClientOptions {
  agent?: Agent;
  token?: string;
  /** Aborts the request (used to leave a stream mid-answer). */
  signal?: AbortSignal;
  /** Called for each SSE event as it arrives. */
  onEvent?: (event: StreamEvent) => void;
  /** Gives up on the whole call after this long; default 60 s. */
  timeoutMs?: number;
}

/** A keep-alive agent sized for `sockets` concurrent requests. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: ClientOptions,
  onChunk?: (chunk: string) => void,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const req = request(
      url,
      {
        method,
        agent: options.agent,
        headers: {
          Origin: new URL(baseUrl).origin,
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
        ...(options.signal ? { signal: options.signal } : {}),
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => {
          text += chunk;
          onChunk?.(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: text,
          }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends one visitor message, as SSE (`sse: true`) or JSON, and reads the whole answer. Never
 * throws for HTTP or network failures: they come back as `status` / `networkError`.
 */
export async function chatTurn(
  baseUrl: string,
  message: string,
  options: ClientOptions & { sse: boolean },
): Promise<TurnResult> {
  const started = performance.now();
  const events: StreamEvent[] = [];
  const parser = createSseParser();
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...(options.sse ? { Accept: 'text/event-stream' } : {}),
  };
  const result: TurnResult = {
    status: 0,
    transport: options.sse ? 'sse' : 'json',
    ms: 0,
    token: options.token,
    text: undefined,
    deltas: '',
    events,
    error: undefined,
  };
  const take = (event: StreamEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };
  try {
    const raw = await send(
      baseUrl,
      'POST',
      '/api/chat',
      headers,
      JSON.stringify({ message }),
      options,
      options.sse
        ? (chunk) => {
            for (const parsed of parser.push(chunk)) take(parsed.event);
          }
        : undefined,
    );
    result.status = raw.status;
    if (raw.contentType.startsWith('text/event-stream')) {
      for (const parsed of parser.end()) take(parsed.event);
      for (const event of events) {
        if (event.event === 'session') result.token = event.data.token;
        if (event.event === 'delta') result.deltas += event.data.text;
        if (event.event === 'done') result.text = event.data.text;
        if (event.event === 'error') result.error = event.data;
      }
    } else {
      const parsed = parseJson(raw.body) as (ChatReply & ErrorBody) | undefined;
      if (parsed?.error) result.error = parsed.error;
      if (parsed?.sessionToken) result.token = parsed.sessionToken;
      if (typeof parsed?.reply === 'string') result.text = parsed.reply;
    }
  } catch (error) {
    for (const event of events) {
      if (event.event === 'session') result.token = event.data.token;
      if (event.event === 'delta') result.deltas += event.data.text;
    }
    result.networkError = (error as Error).message;
  }
  result.ms = performance.now() - started;
  return result;
}

/** `GET /api/chat/history` for a token. */
export async function history(
  baseUrl: string,
  options: ClientOptions,
): Promise<{ status: number; messages: HistoryMessage[]; error?: ErrorBody['error'] }> {
  const raw = await send(baseUrl, 'GET', '/api/chat/history', {}, undefined, options);
  const parsed = parseJson(raw.body) as { messages?: HistoryMessage[] } & Partial<ErrorBody>;
  return {
    status: raw.status,
    messages: parsed?.messages ?? [],
    ...(parsed?.error ? { error: parsed.error } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Gives a test server the socket timeouts the real entry point (src/index.ts) sets. Node's default
 * keep-alive timeout (5 s) is shorter than a loaded first turn, so a client reusing a pooled
 * socket could race the server closing it: a test artefact production does not have.
 */
export function useProductionTimeouts(server: {
  keepAliveTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
}): void {
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
}
