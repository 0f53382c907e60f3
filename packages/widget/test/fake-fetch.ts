import type {
  ConversationState,
  ErrorBody,
  HistoryResponse,
  Message,
  StreamEvent,
} from '@parley/shared';
import { encodeSseComment, encodeSseEvent } from '@parley/shared';

/** One request the widget made, with its body already parsed. */
export interface RecordedRequest {
  url: string;
  path: string;
  /** The query string's parameters (`after` of the event stream, `before` of history). */
  query: URLSearchParams;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

/** Where the fake Parley server lives: the `server` the widget (or its API client) is given. */
export const SERVER = 'https://chat.example.com';

/**
 * A `fetch` double that records every request and answers through `handler`. Aborting a request's
 * signal rejects it (and errors its body stream) the way browsers do.
 */
export function fakeFetch(handler: Handler) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const parsed = new URL(url);
    const request: RecordedRequest = {
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body,
      credentials: init.credentials,
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    if (init.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    return handler(request);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** An event as the server sends it: with its SSE id (a log position), when it has one. */
export type Frame = StreamEvent & { id?: string };

const encoder = new TextEncoder();
const encode = (frame: Frame) => encoder.encode(encodeSseEvent(frame, frame.id));

/** A complete SSE response built with shared's encoder, optionally cut into tiny chunks. */
export function sseResponse(frames: Frame[], { chunkSize }: { chunkSize?: number } = {}): Response {
  const bytes = encoder.encode(frames.map((frame) => encodeSseEvent(frame, frame.id)).join(''));
  const size = chunkSize ?? bytes.length;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
  return new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } });
}

/** An SSE response the test writes to event by event, to watch the widget render mid-stream. */
export function openStream(signal?: AbortSignal) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  signal?.addEventListener('abort', () => {
    try {
      controller.error(new DOMException('Aborted', 'AbortError'));
    } catch {
      // Already closed.
    }
  });
  return {
    response: new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } }),
    send: (frame: Frame) => controller.enqueue(encode(frame)),
    ping: () => controller.enqueue(encoder.encode(encodeSseComment('ping'))),
    close: () => controller.close(),
    /** The connection drops: the body errors the way a network failure does. */
    drop: () => controller.error(new TypeError('network error')),
  };
}

/** A JSON error answer as the server sends it before a stream starts. */
export function errorResponse(
  status: number,
  code: ErrorBody['error']['code'],
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message: `${code} happened` } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

// Log positions only grow, in a test file as on the server; each test's widget starts at 0.
let lastSeq = 0;

/** The next position in the conversation's log. */
export const nextSeq = () => ++lastSeq;

/** A stored message, as history and the streams carry it. */
export function stored(role: Message['role'], text: string, extra: Partial<Message> = {}): Message {
  const seq = extra.seq ?? nextSeq();
  lastSeq = Math.max(lastSeq, seq);
  return {
    id: `msg_${seq}`,
    seq,
    role,
    text,
    createdAt: '2026-01-06T15:00:00.000Z',
    ...(role === 'assistant' ? { toolsUsed: [], citations: [] } : {}),
    ...extra,
  };
}

/** The frame of a stored message: `message`, or `done` for an answer. */
export function storedFrame(message: Message): Frame {
  return message.role === 'assistant'
    ? { event: 'done', data: message, id: String(message.seq) }
    : { event: 'message', data: message, id: String(message.seq) };
}

/**
 * The frames of a plain answered turn: the stored question, the answer's text as one delta
 * (`"<q>.1"`), then the stored answer.
 */
export function answer(text: string, extra: Partial<Message> = {}, question = '…'): Frame[] {
  const asked = stored('user', question);
  return [
    storedFrame(asked),
    { event: 'delta', data: { text }, id: `${asked.seq}.1` },
    storedFrame(stored('assistant', text, extra)),
  ];
}

/** Where a conversation stands when nothing happened to it. */
export const BOT: ConversationState = { status: 'bot', contactKnown: false };

/** A history page. */
export function historyPage(
  messages: Message[] = [],
  extra: Partial<HistoryResponse> = {},
): Response {
  const body: HistoryResponse = { messages, conversation: BOT, ...extra };
  return Response.json(body);
}

/** Lets pending promises and Preact's debounced renders settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
