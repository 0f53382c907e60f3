import type { ErrorBody, StreamEvent } from '@parley/shared';
import { encodeSseComment, encodeSseEvent } from '@parley/shared';

/** One request the widget made, with its body already parsed. */
export interface RecordedRequest {
  url: string;
  path: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

/**
 * A `fetch` double that records every request and answers through `handler`. Aborting a request's
 * signal rejects it (and errors its body stream) the way browsers do.
 */
export function fakeFetch(handler: Handler) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const request: RecordedRequest = {
      url,
      path: new URL(url).pathname,
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

const encoder = new TextEncoder();

/** A complete SSE response built with shared's encoder, optionally cut into tiny chunks. */
export function sseResponse(
  events: StreamEvent[],
  { chunkSize }: { chunkSize?: number } = {},
): Response {
  const text = events.map((event) => encodeSseEvent(event)).join('');
  const bytes = encoder.encode(text);
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
    send: (event: StreamEvent) => controller.enqueue(encoder.encode(encodeSseEvent(event))),
    ping: () => controller.enqueue(encoder.encode(encodeSseComment('ping'))),
    close: () => controller.close(),
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

/** The events of a plain successful answer. */
export function answer(
  text: string,
  extra: Partial<Extract<StreamEvent, { event: 'done' }>['data']> = {},
): StreamEvent[] {
  return [
    { event: 'delta', data: { text } },
    {
      event: 'done',
      data: { messageId: 'msg_1', text, toolsUsed: [], citations: [], ...extra },
    },
  ];
}

/** Lets pending promises and Preact's debounced renders settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
