import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import {
  type ChatReply,
  createSseParser,
  type ErrorBody,
  type HistoryResponse,
  type Message,
  type StreamEvent,
} from '@parley/shared';

/*
 * The one HTTP client of Parley's suites, in two layers:
 * - over fetch, what a widget does: `streamChat`, `sendChat`, `followEvents`, `stopChat`,
 *   `getHistory`, and `chatTurn`, which times one turn over either transport and never throws
 *   (load and fault runs);
 * - over node:http, requests sent exactly as given (`sendRaw`, `createVisitor`), for attacks and
 *   fuzzing, where fetch would normalise the very methods, headers and paths under test.
 */

export interface ChatCallOptions {
  token?: string;
  cookie?: string;
  idempotencyKey?: string;
  /** Sent as `Origin`; defaults to the server's own origin, as a browser on the demo page would. `null` sends none. */
  origin?: string | null;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Called with each event as it arrives (the whole stream is still returned at the end). */
  onEvent?: (event: StreamEvent, id: string | undefined) => void;
}

export interface StreamedChat {
  status: number;
  headers: Headers;
  /** Events in order (empty when the server answered with JSON). */
  events: StreamEvent[];
  /** Every `id:` seen, in order. */
  ids: (string | undefined)[];
  /** The JSON error body when the server refused before streaming. */
  error?: ErrorBody;
  raw: string;
}

function headersFor(
  baseUrl: string,
  options: ChatCallOptions,
  extra: Record<string, string> = {},
): Record<string, string> {
  const origin = options.origin === undefined ? new URL(baseUrl).origin : options.origin;
  return {
    ...extra,
    ...(origin ? { Origin: origin } : {}),
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    ...(options.cookie ? { Cookie: options.cookie } : {}),
    ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}),
    ...options.headers,
  };
}

/**
 * Reads an SSE response to its end, event by event. When `signal` aborts the read (a client
 * hanging up), what arrived until then is returned; any other failure is thrown.
 */
async function readStream(
  response: Response,
  options: ChatCallOptions,
): Promise<Omit<StreamedChat, 'status' | 'headers'>> {
  const parser = createSseParser();
  const read: Omit<StreamedChat, 'status' | 'headers'> = { events: [], ids: [], raw: '' };
  const take = (parsed: ReturnType<typeof parser.push>) => {
    for (const { event, id } of parsed) {
      read.events.push(event);
      read.ids.push(id);
      options.onEvent?.(event, id);
    }
  };
  const decoder = new TextDecoder();
  try {
    // A reader rather than `for await`: TypeScript's DOM typings miss the async iterator.
    const reader = response.body?.getReader();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      const text = decoder.decode(chunk.value, { stream: true });
      read.raw += text;
      take(parser.push(text));
    }
    take(parser.end());
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  return read;
}

/** POSTs a message asking for SSE and reads the whole stream. */
export async function streamChat(
  baseUrl: string,
  message: string,
  options: ChatCallOptions = {},
): Promise<StreamedChat> {
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: headersFor(baseUrl, options, {
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
    }),
    body: JSON.stringify({ message }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const raw = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      events: [],
      ids: [],
      error: JSON.parse(raw) as ErrorBody,
      raw,
    };
  }
  return {
    status: response.status,
    headers: response.headers,
    ...(await readStream(response, options)),
  };
}

/**
 * Follows the conversation's event stream (`GET /api/chat/events`) until `signal` aborts it or the
 * server ends it; `lastEventId` resumes after a position, as a reconnecting client would.
 */
export async function followEvents(
  baseUrl: string,
  options: ChatCallOptions & { lastEventId?: string } = {},
): Promise<StreamedChat> {
  const response = await fetch(`${baseUrl}/api/chat/events`, {
    headers: headersFor(baseUrl, options, {
      Accept: 'text/event-stream',
      ...(options.lastEventId === undefined ? {} : { 'Last-Event-ID': options.lastEventId }),
    }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return {
      status: response.status,
      headers: response.headers,
      events: [],
      ids: [],
      raw: await response.text(),
    };
  }
  return {
    status: response.status,
    headers: response.headers,
    ...(await readStream(response, options)),
  };
}

/** POSTs a message as plain JSON. */
export async function sendChat(
  baseUrl: string,
  body: unknown,
  options: ChatCallOptions = {},
): Promise<{ status: number; headers: Headers; body: ChatReply & ErrorBody }> {
  const response = await fetch(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: headersFor(baseUrl, options, { 'Content-Type': 'application/json' }),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as ChatReply & ErrorBody,
  };
}

/** Asks the server to stop the conversation's running answer (`POST /api/chat/stop`). */
export async function stopChat(baseUrl: string, options: ChatCallOptions = {}): Promise<number> {
  const response = await fetch(`${baseUrl}/api/chat/stop`, {
    method: 'POST',
    headers: headersFor(baseUrl, options),
  });
  await response.body?.cancel();
  return response.status;
}

/** One page of history: the latest without `before`, or the page before that cursor. */
export async function getHistory(
  baseUrl: string,
  options: ChatCallOptions & { before?: string; limit?: number } = {},
): Promise<{ status: number; body: HistoryResponse & ErrorBody }> {
  const query = new URLSearchParams({
    ...(options.before === undefined ? {} : { before: options.before }),
    ...(options.limit === undefined ? {} : { limit: String(options.limit) }),
  }).toString();
  const response = await fetch(`${baseUrl}/api/chat/history${query ? `?${query}` : ''}`, {
    headers: headersFor(baseUrl, options),
  });
  return { status: response.status, body: (await response.json()) as HistoryResponse & ErrorBody };
}

/** The `session` event's token. */
export function tokenOf(chat: StreamedChat): string | undefined {
  const event = chat.events.find((e) => e.event === 'session');
  return event?.event === 'session' ? event.data.token : undefined;
}

/** The stored answer the `done` event carries. */
export function doneOf(chat: StreamedChat): Message | undefined {
  const event = chat.events.find((e) => e.event === 'done');
  return event?.event === 'done' ? event.data : undefined;
}

export function deltasOf(chat: StreamedChat): string {
  return chat.events.map((e) => (e.event === 'delta' ? e.data.text : '')).join('');
}

/** The error a turn ended with: a JSON `ErrorBody`'s, or an SSE `error` event's data. */
export type TurnError = ErrorBody['error'] & { retryable?: boolean };

/** One chat turn as the visitor lived it, the same shape whichever transport carried it. */
export interface TurnResult {
  status: number;
  transport: 'sse' | 'json';
  /** Wall time from sending the request to the end of the response (or the failure). */
  ms: number;
  /** The session token: from the `session` event, the JSON reply, or the one sent. */
  token: string | undefined;
  /** The stored question (`message` event, or the JSON reply's `question`). */
  question: Message | undefined;
  /** The stored answer (`done` event, or the JSON reply's `answer`). */
  answer: Message | undefined;
  /** The answer's text, when there is one. */
  text: string | undefined;
  /** Every delta joined (SSE only). */
  deltas: string;
  /** The events that arrived, with their `id:`s, even when the stream broke off. */
  events: StreamEvent[];
  ids: (string | undefined)[];
  error: TurnError | undefined;
  /** Set when the connection failed, timed out or was aborted instead of answering. */
  networkError?: string;
}

/**
 * One visitor message over SSE (default) or JSON through {@link streamChat} / {@link sendChat},
 * timed and summed up for load and fault runs. Never throws: HTTP and network failures come back
 * as `status`, `error` and `networkError`, with whatever arrived before.
 *
 * @example
 * const turn = await chatTurn(baseUrl, 'Where is my parcel?', { token, sse: false });
 * if (turn.answer) token = turn.token;
 */
export async function chatTurn(
  baseUrl: string,
  message: string,
  options: ChatCallOptions & { sse?: boolean; timeoutMs?: number } = {},
): Promise<TurnResult> {
  const sse = options.sse ?? true;
  const started = performance.now();
  const result: TurnResult = {
    status: 0,
    transport: sse ? 'sse' : 'json',
    ms: 0,
    token: options.token,
    question: undefined,
    answer: undefined,
    text: undefined,
    deltas: '',
    events: [],
    ids: [],
    error: undefined,
  };
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 60_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  const onEvent = (event: StreamEvent, id: string | undefined) => {
    result.events.push(event);
    result.ids.push(id);
    if (event.event === 'session') result.token = event.data.token;
    if (event.event === 'message' && event.data.role === 'user') result.question = event.data;
    if (event.event === 'delta') result.deltas += event.data.text;
    if (event.event === 'done') result.answer = event.data;
    if (event.event === 'error') result.error = event.data;
    options.onEvent?.(event, id);
  };
  try {
    if (sse) {
      const chat = await streamChat(baseUrl, message, { ...options, signal, onEvent });
      result.status = chat.status;
      if (chat.error) result.error = chat.error.error;
    } else {
      const reply = await sendChat(baseUrl, { message }, { ...options, signal });
      result.status = reply.status;
      if (reply.body.error) result.error = reply.body.error;
      if (reply.body.sessionToken) result.token = reply.body.sessionToken;
      result.question = reply.body.question;
      result.answer = reply.body.answer;
    }
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    result.networkError = `${(error as Error).message}${cause?.message ? ` (${cause.message})` : ''}`;
  }
  // A stream read ends quietly when the signal aborts it; say why there is no answer.
  if (signal.aborted && !result.answer && !result.networkError) {
    result.networkError = options.signal?.aborted ? 'aborted by the client' : 'timed out';
  }
  result.text = result.answer?.text;
  result.ms = performance.now() - started;
  return result;
}

/** A request sent exactly as given: nothing normalised, nothing added but a body length. */
export interface RawRequest {
  method: string;
  /** Path and query, sent as given (percent-escapes and all). */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends one request over a fresh connection with node:http (fetch normalises methods, headers and
 * paths) and reads the whole response. Rejects when the connection fails or no response arrives
 * within `timeoutMs`: a server that hangs up on a request is a finding too.
 *
 * @example
 * const response = await sendRaw(baseUrl, { method: 'GET', path: '/api/admin/tickets/%E0', headers: {} });
 */
export function sendRaw(
  baseUrl: string,
  request: RawRequest,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        // Node's client sends a GET/DELETE body without any length, which the server then reads
        // as the next request; an explicit length keeps every body attached to its request.
        headers:
          request.body === undefined || 'transfer-encoding' in request.headers
            ? request.headers
            : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

export interface VisitOptions {
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  /** Sent as the value of the session cookie. */
  sessionCookie?: string;
  /** Default: the server's own origin, as the demo page sends; `null` sends none. */
  origin?: string | null;
  accept?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A visitor, or an attacker, talking to one server with raw requests and full control of every
 * header. Each response is handed to `onResponse` (e.g. to check that none leaks internals).
 *
 * @example
 * const v = createVisitor(baseUrl, { cookieName: SESSION_COOKIE });
 * const refused = await v.chat({ message: 'hi' }, { origin: 'https://evil.example' });
 */
export function createVisitor(
  baseUrl: string,
  options: {
    /** The session cookie's name (`SESSION_COOKIE` from the server). */
    cookieName: string;
    onResponse?: (request: RawRequest, response: RawResponse) => void;
  },
) {
  const own = new URL(baseUrl).origin;

  function headersFor(visit: VisitOptions, body: boolean): Record<string, string> {
    const origin = visit.origin === undefined ? own : visit.origin;
    return {
      ...(body ? { 'content-type': visit.contentType ?? 'application/json' } : {}),
      ...(origin === null ? {} : { origin }),
      ...(visit.token === undefined ? {} : { authorization: `Bearer ${visit.token}` }),
      ...(visit.sessionCookie === undefined
        ? {}
        : { cookie: `${options.cookieName}=${visit.sessionCookie}` }),
      ...(visit.accept === undefined ? {} : { accept: visit.accept }),
      ...visit.headers,
    };
  }

  async function request(raw: RawRequest): Promise<RawResponse> {
    const response = await sendRaw(baseUrl, raw);
    options.onResponse?.(raw, response);
    return response;
  }

  const json = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));
  return {
    own,
    request,
    chat: (body: unknown, visit: VisitOptions = {}) =>
      request({
        method: 'POST',
        path: '/api/chat',
        headers: headersFor(visit, true),
        body: json(body),
      }),
    history: (visit: VisitOptions = {}, query = '') =>
      request({
        method: 'GET',
        path: `/api/chat/history${query}`,
        headers: headersFor(visit, false),
      }),
    erase: (visit: VisitOptions = {}) =>
      request({ method: 'DELETE', path: '/api/chat/session', headers: headersFor(visit, false) }),
    feedback: (body: unknown, visit: VisitOptions = {}) =>
      request({
        method: 'POST',
        path: '/api/chat/feedback',
        headers: headersFor(visit, true),
        body: json(body),
      }),
    /** A GET as a script or scanner sends it: no Origin unless asked. */
    get: (path: string, visit: VisitOptions = {}) =>
      request({ method: 'GET', path, headers: headersFor({ origin: null, ...visit }, false) }),
  };
}

export type Visitor = ReturnType<typeof createVisitor>;
