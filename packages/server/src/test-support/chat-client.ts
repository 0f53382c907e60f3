import {
  type ChatReply,
  createSseParser,
  type ErrorBody,
  type HistoryResponse,
  type StreamEvent,
} from '@parley/shared';

export interface ChatCallOptions {
  token?: string;
  cookie?: string;
  idempotencyKey?: string;
  /** Sent as `Origin`; defaults to the server's own origin, as a browser on the demo page would. `null` sends none. */
  origin?: string | null;
  signal?: AbortSignal;
  headers?: Record<string, string>;
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
  const raw = await response.text();
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return {
      status: response.status,
      headers: response.headers,
      events: [],
      ids: [],
      error: JSON.parse(raw) as ErrorBody,
      raw,
    };
  }
  const parser = createSseParser();
  const parsed = [...parser.push(raw), ...parser.end()];
  return {
    status: response.status,
    headers: response.headers,
    events: parsed.map((p) => p.event),
    ids: parsed.map((p) => p.id),
    raw,
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
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as ChatReply & ErrorBody,
  };
}

export async function getHistory(
  baseUrl: string,
  options: ChatCallOptions = {},
): Promise<{ status: number; body: HistoryResponse & ErrorBody }> {
  const response = await fetch(`${baseUrl}/api/chat/history`, {
    headers: headersFor(baseUrl, options),
  });
  return { status: response.status, body: (await response.json()) as HistoryResponse & ErrorBody };
}

/** The `session` event's token, or the token of a JSON reply. */
export function tokenOf(chat: StreamedChat): string | undefined {
  const event = chat.events.find((e) => e.event === 'session');
  return event?.event === 'session' ? event.data.token : undefined;
}

export function doneOf(
  chat: StreamedChat,
): Extract<StreamEvent, { event: 'done' }>['data'] | undefined {
  const event = chat.events.find((e) => e.event === 'done');
  return event?.event === 'done' ? event.data : undefined;
}

export function deltasOf(chat: StreamedChat): string {
  return chat.events.map((e) => (e.event === 'delta' ? e.data.text : '')).join('');
}
