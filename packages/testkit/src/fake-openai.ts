import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One scripted answer of the fake server. Every step works on both endpoints, streamed or not.
 *
 * - `text`: an assistant message, streamed as `deltas` pieces (default: one piece per word).
 * - `tool_call`: one function call; streamed arguments arrive in a few pieces.
 * - `error`: an HTTP error with OpenAI's error body, and `Retry-After` (seconds, may be
 *   fractional) or `retry-after-ms` when asked.
 * - `hang`: no response at all until the client gives up.
 * - `cut`: streams `afterDeltas` text deltas, then destroys the socket (non-streamed: destroys it
 *   before answering).
 * - `stall`: streams `afterDeltas` text deltas, then stays silent with the response open until
 *   the client gives up (non-streamed: same as `hang`).
 * - `malformed`: a body, or an SSE `data:` line, that is not JSON.
 * - `empty`: a completed answer whose message has no text.
 */
export type FakeStep =
  | { kind: 'text'; text: string; deltas?: number }
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown>; callId?: string }
  | {
      kind: 'error';
      status: number;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      body?: unknown;
      headers?: Record<string, string>;
    }
  | { kind: 'hang' }
  | { kind: 'cut'; text: string; afterDeltas: number }
  | { kind: 'stall'; text: string; afterDeltas: number }
  | { kind: 'malformed' }
  | { kind: 'empty' };

/** What the fake saw, one per HTTP request, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON (undefined when empty). */
  body: unknown;
  api: 'chat_completions' | 'responses' | undefined;
  stream: boolean;
  /** The step that answered it (undefined for unknown paths and bad JSON). */
  step: FakeStep | undefined;
  /** `performance.now()` when it arrived, to time retries without counting the client's own work. */
  receivedAt: number;
}

/** Picks a step from the request's content; `undefined` falls through to the default step. */
export type FakeResponder = (request: RecordedRequest) => FakeStep | undefined;

export interface FakeOpenAIOptions {
  /** Consulted when the queue is empty, before the default step. */
  responder?: FakeResponder;
  /** Answers when neither the queue nor the responder has a step. Default: text "OK". */
  defaultStep?: FakeStep;
  /** Delay before the first delta (streamed) or before the whole answer (non-streamed). */
  firstTokenDelayMs?: number;
  /** Delay between deltas; a non-streamed answer waits as long as its stream would have. */
  deltaIntervalMs?: number;
}

export interface FakeOpenAI {
  /** Base URL including `/v1`, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every request received, in order (live array). */
  requests: RecordedRequest[];
  /** Queues steps, answered first-in first-out before the responder and the default. */
  enqueue(...steps: FakeStep[]): void;
  setDefault(step: FakeStep): void;
  /** Forgets requests and queued steps, restores the initial default step and restarts IDs. */
  reset(): void;
  /** Closes the server, cutting any open (hanging or streaming) responses. */
  close(): Promise<void>;
}

const CREATED = 1_767_225_600;
const DEFAULT_STEP: FakeStep = { kind: 'text', text: 'OK' };
const ARGUMENT_PIECES = 4;

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 (random port) speaking
 * `POST /v1/chat/completions` and `POST /v1/responses`, plain JSON or SSE, close enough to the
 * real wire format for the `openai` client and the Agents SDK providers. IDs, timestamps and
 * usage are deterministic, and without latency options a stream is written in a single write.
 *
 * @example
 * const fake = await startFakeOpenAI({ firstTokenDelayMs: 50, deltaIntervalMs: 10 });
 * fake.enqueue({ kind: 'tool_call', name: 'get_business_hours', arguments: {} });
 * fake.setDefault({ kind: 'text', text: 'We are open 9 to 5.', deltas: 20 });
 * const client = new OpenAI({ apiKey: 'test', baseURL: fake.url });
 * // ...
 * await fake.close();
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const initialDefault = options.defaultStep ?? DEFAULT_STEP;
  const timing = { first: options.firstTokenDelayMs ?? 0, interval: options.deltaIntervalMs ?? 0 };
  const requests: RecordedRequest[] = [];
  const queue: FakeStep[] = [];
  let defaultStep = initialDefault;
  let counter = 0;

  const nextStep = (request: RecordedRequest): FakeStep =>
    queue.shift() ?? options.responder?.(request) ?? defaultStep;

  const server = createServer({ noDelay: true }, (req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const api =
      path === '/v1/chat/completions'
        ? 'chat_completions'
        : path === '/v1/responses'
          ? 'responses'
          : undefined;
    const parsed = parseJson(raw);
    const body = parsed.ok ? parsed.value : raw || undefined;
    const stream = isRecord(body) && body.stream === true;
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      api,
      stream,
      step: undefined,
      receivedAt: performance.now(),
    };
    requests.push(request);

    if (req.method !== 'POST' || !api) {
      return sendJson(
        res,
        404,
        errorBody(`Unknown route ${req.method} ${path}`, 'invalid_request_error'),
      );
    }
    if (!parsed.ok || !isRecord(body)) {
      return sendJson(
        res,
        400,
        errorBody('Request body is not valid JSON', 'invalid_request_error'),
      );
    }
    const step = nextStep(request);
    request.step = step;
    counter += 1;
    const ctx: AnswerContext = {
      n: counter,
      model: typeof body.model === 'string' ? body.model : 'fake-model',
      inputTokens: Math.ceil(raw.length / 4),
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    };
    await answer(res, api, stream, step, ctx, timing);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    setDefault: (step) => {
      defaultStep = step;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      defaultStep = initialDefault;
      counter = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * The tool outputs a request carries back to the model (chat `tool` messages or Responses
 * `function_call_output` items), as text: handy in a responder that answers from a tool's result.
 */
export function toolOutputsOf(request: RecordedRequest): string[] {
  const body = request.body;
  if (!isRecord(body)) return [];
  const items = request.api === 'chat_completions' ? body.messages : body.input;
  if (!Array.isArray(items)) return [];
  const outputs: string[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (item.role === 'tool') outputs.push(contentText(item.content));
    if (item.type === 'function_call_output') outputs.push(contentText(item.output));
  }
  return outputs;
}

/** Splits text into deltas: `count` near-equal pieces, or one piece per word by default. */
export function splitText(text: string, count?: number): string[] {
  if (text === '') return [];
  if (count === undefined) return text.match(/\S+\s*|\s+/g) ?? [text];
  const chars = Array.from(text);
  const pieces = Math.max(1, Math.min(Math.floor(count), chars.length));
  const size = Math.floor(chars.length / pieces);
  const extra = chars.length % pieces;
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < pieces; i++) {
    const length = size + (i < extra ? 1 : 0);
    out.push(chars.slice(at, at + length).join(''));
    at += length;
  }
  return out;
}

interface AnswerContext {
  n: number;
  model: string;
  inputTokens: number;
  includeUsage: boolean;
}

interface Timing {
  first: number;
  interval: number;
}

/** One SSE record; `timed` records are the deltas that latency options space out. */
interface Frame {
  text: string;
  timed: boolean;
}

type Api = 'chat_completions' | 'responses';

async function answer(
  res: ServerResponse,
  api: Api,
  stream: boolean,
  step: FakeStep,
  ctx: AnswerContext,
  timing: Timing,
): Promise<void> {
  switch (step.kind) {
    case 'error':
      return sendError(res, step);
    case 'hang':
      return;
    case 'stall':
    case 'cut':
      if (!stream) {
        if (step.kind === 'cut' && (await wait(res, timing.first))) res.destroy();
        return;
      }
      return streamFrames(
        res,
        limitDeltas(frames(api, { kind: 'text', text: step.text }, ctx), step.afterDeltas),
        timing,
        step.kind,
        ctx,
      );
    case 'malformed':
      if (!stream) {
        if (await wait(res, timing.first))
          sendRaw(res, 200, 'application/json', '{"id": "broken", "choices": [');
        return;
      }
      return streamFrames(res, malformedFrames(api, ctx), timing, 'end', ctx);
    default: {
      if (stream) return streamFrames(res, frames(api, step, ctx), timing, 'end', ctx);
      // A non-streamed answer takes as long as its stream would have.
      const deltas = timing.interval > 0 ? frames(api, step, ctx).filter((f) => f.timed).length : 1;
      if (!(await wait(res, timing.first + Math.max(0, deltas - 1) * timing.interval))) return;
      const payload =
        api === 'chat_completions'
          ? chatCompletion(step, ctx)
          : responseObject(step, ctx, 'completed');
      return sendJson(res, 200, payload, ctx.n);
    }
  }
}

/** Keeps the frames up to and including the `count`th delta. */
function limitDeltas(all: Frame[], count: number): Frame[] {
  const kept: Frame[] = [];
  let seen = 0;
  for (const frame of all) {
    if (frame.timed && seen >= count) break;
    if (frame.timed) seen += 1;
    kept.push(frame);
  }
  return kept;
}

type Answerable = Extract<FakeStep, { kind: 'text' | 'tool_call' | 'empty' }>;

function frames(api: Api, step: Answerable, ctx: AnswerContext): Frame[] {
  return api === 'chat_completions' ? chatFrames(step, ctx) : responsesFrames(step, ctx);
}

// --- Chat Completions -------------------------------------------------------------------------

function chatUsage(ctx: AnswerContext, outputTokens: number) {
  return {
    prompt_tokens: ctx.inputTokens,
    completion_tokens: outputTokens,
    total_tokens: ctx.inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function callId(step: Extract<FakeStep, { kind: 'tool_call' }>, ctx: AnswerContext): string {
  return step.callId ?? `call_fake_${ctx.n}`;
}

function chatCompletion(step: Answerable, ctx: AnswerContext) {
  const isTool = step.kind === 'tool_call';
  const text = step.kind === 'text' ? step.text : '';
  const args = isTool ? JSON.stringify(step.arguments) : '';
  const outputTokens = isTool ? ARGUMENT_PIECES : splitText(text).length;
  return {
    id: `chatcmpl-fake-${ctx.n}`,
    object: 'chat.completion',
    created: CREATED,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: isTool ? null : text,
          refusal: null,
          annotations: [],
          ...(isTool
            ? {
                tool_calls: [
                  {
                    id: callId(step, ctx),
                    type: 'function',
                    function: { name: step.name, arguments: args },
                  },
                ],
              }
            : {}),
        },
        logprobs: null,
        finish_reason: isTool ? 'tool_calls' : 'stop',
      },
    ],
    usage: chatUsage(ctx, outputTokens),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

function chatFrames(step: Answerable, ctx: AnswerContext): Frame[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    sse({
      id: `chatcmpl-fake-${ctx.n}`,
      object: 'chat.completion.chunk',
      created: CREATED,
      model: ctx.model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(ctx.includeUsage ? { usage: null } : {}),
    });
  const out: Frame[] = [];
  let outputTokens: number;
  if (step.kind === 'tool_call') {
    const pieces = splitText(JSON.stringify(step.arguments), ARGUMENT_PIECES);
    outputTokens = pieces.length;
    const header = {
      index: 0,
      id: callId(step, ctx),
      type: 'function',
      function: { name: step.name, arguments: '' },
    };
    out.push({
      text: chunk({ role: 'assistant', content: null, tool_calls: [header], refusal: null }),
      timed: false,
    });
    for (const piece of pieces) {
      out.push({
        text: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
        timed: true,
      });
    }
    out.push({ text: chunk({}, 'tool_calls'), timed: false });
  } else {
    const pieces = step.kind === 'text' ? splitText(step.text, step.deltas) : [];
    outputTokens = pieces.length;
    out.push({ text: chunk({ role: 'assistant', content: '', refusal: null }), timed: false });
    for (const piece of pieces) out.push({ text: chunk({ content: piece }), timed: true });
    out.push({ text: chunk({}, 'stop'), timed: false });
  }
  if (ctx.includeUsage) {
    out.push({
      text: sse({
        id: `chatcmpl-fake-${ctx.n}`,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: ctx.model,
        system_fingerprint: 'fp_fake',
        choices: [],
        usage: chatUsage(ctx, outputTokens),
      }),
      timed: false,
    });
  }
  out.push({ text: 'data: [DONE]\n\n', timed: false });
  return out;
}

// --- Responses --------------------------------------------------------------------------------

function responsesUsage(ctx: AnswerContext, outputTokens: number) {
  return {
    input_tokens: ctx.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: ctx.inputTokens + outputTokens,
  };
}

function outputItem(step: Answerable, ctx: AnswerContext, status: 'in_progress' | 'completed') {
  if (step.kind === 'tool_call') {
    return {
      id: `fc_fake_${ctx.n}`,
      type: 'function_call',
      status,
      arguments: status === 'completed' ? JSON.stringify(step.arguments) : '',
      call_id: callId(step, ctx),
      name: step.name,
    };
  }
  const text = step.kind === 'text' ? step.text : '';
  return {
    id: `msg_fake_${ctx.n}`,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'completed' ? [outputText(text)] : [],
  };
}

function outputText(text: string) {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function responseObject(
  step: Answerable | undefined,
  ctx: AnswerContext,
  status: 'in_progress' | 'completed',
) {
  const done = status === 'completed' && step !== undefined;
  const outputTokens =
    step?.kind === 'tool_call'
      ? ARGUMENT_PIECES
      : step?.kind === 'text'
        ? splitText(step.text, step.deltas).length
        : 0;
  return {
    id: `resp_fake_${ctx.n}`,
    object: 'response',
    created_at: CREATED,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: ctx.model,
    output: done ? [outputItem(step, ctx, 'completed')] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done ? responsesUsage(ctx, outputTokens) : null,
    metadata: {},
  };
}

function responsesFrames(step: Answerable, ctx: AnswerContext): Frame[] {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>, timed = false): Frame => ({
    text: sse({ type, sequence_number: sequence++, ...fields }, type),
    timed,
  });
  const itemId = step.kind === 'tool_call' ? `fc_fake_${ctx.n}` : `msg_fake_${ctx.n}`;
  const at = { item_id: itemId, output_index: 0 };
  const out: Frame[] = [
    event('response.created', { response: responseObject(undefined, ctx, 'in_progress') }),
    event('response.in_progress', { response: responseObject(undefined, ctx, 'in_progress') }),
    event('response.output_item.added', {
      output_index: 0,
      item: outputItem(step, ctx, 'in_progress'),
    }),
  ];
  if (step.kind === 'tool_call') {
    const args = JSON.stringify(step.arguments);
    for (const piece of splitText(args, ARGUMENT_PIECES)) {
      out.push(event('response.function_call_arguments.delta', { ...at, delta: piece }, true));
    }
    out.push(
      event('response.function_call_arguments.done', { ...at, name: step.name, arguments: args }),
    );
  } else {
    const text = step.kind === 'text' ? step.text : '';
    const part = { ...at, content_index: 0 };
    out.push(event('response.content_part.added', { ...part, part: outputText('') }));
    for (const piece of step.kind === 'text' ? splitText(text, step.deltas) : []) {
      out.push(event('response.output_text.delta', { ...part, delta: piece, logprobs: [] }, true));
    }
    out.push(event('response.output_text.done', { ...part, text, logprobs: [] }));
    out.push(event('response.content_part.done', { ...part, part: outputText(text) }));
  }
  out.push(
    event('response.output_item.done', {
      output_index: 0,
      item: outputItem(step, ctx, 'completed'),
    }),
  );
  out.push(event('response.completed', { response: responseObject(step, ctx, 'completed') }));
  return out;
}

function malformedFrames(api: Api, ctx: AnswerContext): Frame[] {
  const opening =
    api === 'chat_completions'
      ? chatFrames({ kind: 'empty' }, ctx)[0]
      : responsesFrames({ kind: 'empty' }, ctx)[0];
  const broken =
    api === 'chat_completions'
      ? 'data: {"id": "chatcmpl-broken", "choices": [{"delta": \n\n'
      : 'event: response.output_text.delta\ndata: {"type": "response.output_text.delta", "delta": \n\n';
  return [...(opening ? [opening] : []), { text: broken, timed: true }];
}

// --- HTTP plumbing ----------------------------------------------------------------------------

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * Writes frames, waiting before each delta as the latency options say and coalescing everything
 * between waits into one write. `ending` says what happens after the last frame.
 */
async function streamFrames(
  res: ServerResponse,
  all: Frame[],
  timing: Timing,
  ending: 'end' | 'cut' | 'stall',
  ctx: AnswerContext,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_fake_${ctx.n}`,
  });
  res.flushHeaders();
  let pending = '';
  let deltas = 0;
  for (const frame of all) {
    const delay = frame.timed ? (deltas === 0 ? timing.first : timing.interval) : 0;
    if (frame.timed) deltas += 1;
    if (delay > 0) {
      if (pending) res.write(pending);
      pending = '';
      if (!(await wait(res, delay))) return;
    }
    pending += frame.text;
  }
  if (ending === 'end') {
    res.end(pending);
    return;
  }
  if (pending) res.write(pending);
  // Let the written bytes reach the client before the connection drops.
  if (ending === 'cut') await new Promise<void>((resolve) => res.write('', () => resolve()));
  if (ending === 'cut') res.socket?.destroy();
}

/** Resolves true after `ms`, or false as soon as the client goes away. */
function wait(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed || res.socket?.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function sendError(res: ServerResponse, step: Extract<FakeStep, { kind: 'error' }>): void {
  const headers: Record<string, string> = { ...step.headers };
  if (step.retryAfterSeconds !== undefined) headers['retry-after'] = String(step.retryAfterSeconds);
  if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
  const body =
    step.body ??
    errorBody(
      step.status === 429 ? 'Rate limit reached (fake)' : `Fake upstream error ${step.status}`,
      step.status === 429
        ? 'rate_limit_exceeded'
        : step.status >= 500
          ? 'server_error'
          : 'invalid_request_error',
    );
  sendRaw(
    res,
    step.status,
    'application/json',
    typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );
}

function errorBody(message: string, type: string) {
  return {
    error: { message, type, param: null, code: type === 'rate_limit_exceeded' ? type : null },
  };
}

function sendJson(res: ServerResponse, status: number, payload: unknown, n?: number): void {
  sendRaw(
    res,
    status,
    'application/json',
    JSON.stringify(payload),
    n ? { 'x-request-id': `req_fake_${n}` } : {},
  );
}

function sendRaw(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return JSON.stringify(content ?? null);
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
