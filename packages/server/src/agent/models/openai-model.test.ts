import {
  Agent,
  getGlobalTraceProvider,
  type Model,
  Runner,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import { type FakeOpenAI, startFakeOpenAI, toolOutputsOf } from '@parley/testkit/fake-openai';
import { APIConnectionTimeoutError, APIError } from 'openai';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { z } from 'zod';
import { createOpenAIModel, type OpenAIModelOptions } from './openai-model.js';

const APIS = ['chat_completions', 'responses'] as const;

let fake: FakeOpenAI;
let fetchSpy: MockInstance<typeof fetch>;
const runner = new Runner({ tracingDisabled: true });

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Look up the status of an order by its id.',
  parameters: z.object({ orderId: z.string() }),
  execute: ({ orderId }) => `Order ${orderId} shipped on Monday`,
});

beforeAll(async () => {
  // Nothing in this file may reach a real OpenAI endpoint, the trace exporter included.
  setTracingDisabled(true);
  fetchSpy = vi.spyOn(globalThis, 'fetch');
  fake = await startFakeOpenAI();
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  await getGlobalTraceProvider().forceFlush();
  const elsewhere = fetchSpy.mock.calls
    .map(([input]) => urlOf(input))
    .filter((url) => !url.startsWith(fake.url));
  expect(elsewhere).toEqual([]);
  fetchSpy.mockRestore();
  await fake.close();
});

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function model(
  api: OpenAIModelOptions['api'],
  overrides: Partial<OpenAIModelOptions> = {},
): Promise<Model> {
  // The global fetch is read when the client is built, so the spy above sees every request.
  return createOpenAIModel({
    apiKey: 'test-key',
    baseURL: fake.url,
    model: 'gpt-fake',
    api,
    timeoutMs: 2_000,
    maxRetries: 2,
    ...overrides,
  });
}

function supportAgent(m: Model): Agent {
  return new Agent({
    name: 'Support',
    instructions: 'Help the visitor.',
    model: m,
    tools: [lookupOrder],
  });
}

/** Runs streamed, collecting text deltas; a failure is returned, not thrown. */
async function runStreamed(agent: Agent, input: string) {
  const deltas: string[] = [];
  const result = await runner.run(agent, input, { stream: true, maxTurns: 4 });
  let error: unknown;
  try {
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        deltas.push(event.data.delta);
      }
    }
    await result.completed;
  } catch (caught) {
    error = caught;
  }
  return { deltas, error, finalOutput: error ? undefined : result.finalOutput };
}

describe.each(APIS)('createOpenAIModel (%s) against the fake server', (api) => {
  it('streams a tool call, runs the tool, then streams the answer from its output', async () => {
    fake.enqueue(
      { kind: 'tool_call', name: 'lookup_order', arguments: { orderId: 'A-1001' } },
      { kind: 'text', text: 'Your order A-1001 shipped on Monday.', deltas: 6 },
    );
    const { deltas, error, finalOutput } = await runStreamed(
      supportAgent(await model(api)),
      'Where is A-1001?',
    );

    expect(error).toBeUndefined();
    expect(deltas).toHaveLength(6);
    expect(deltas.join('')).toBe('Your order A-1001 shipped on Monday.');
    expect(finalOutput).toBe('Your order A-1001 shipped on Monday.');

    const [first, second] = fake.requests;
    expect(fake.requests).toHaveLength(2);
    expect(first?.path).toBe(api === 'responses' ? '/v1/responses' : '/v1/chat/completions');
    expect(first?.stream).toBe(true);
    expect(first?.headers.authorization).toBe('Bearer test-key');
    expect(JSON.stringify(first?.body)).toContain('lookup_order');
    expect(toolOutputsOf(first!)).toEqual([]);
    expect(toolOutputsOf(second!)).toEqual(['Order A-1001 shipped on Monday']);
  });

  it('runs non-streamed too', async () => {
    fake.enqueue(
      { kind: 'tool_call', name: 'lookup_order', arguments: { orderId: 'B-2' } },
      { kind: 'text', text: 'B-2 shipped.' },
    );
    const result = await runner.run(supportAgent(await model(api)), 'And B-2?');
    expect(result.finalOutput).toBe('B-2 shipped.');
    expect(fake.requests.map((request) => request.stream)).toEqual([false, false]);
    expect(toolOutputsOf(fake.requests[1]!)).toEqual(['Order B-2 shipped on Monday']);
  });

  it('retries a 429 once after its Retry-After, in the client only, then succeeds', async () => {
    fake.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 0.1 },
      { kind: 'text', text: 'Back again.' },
    );
    const { error, finalOutput } = await runStreamed(supportAgent(await model(api)), 'hi');

    expect(error).toBeUndefined();
    expect(finalOutput).toBe('Back again.');
    expect(fake.requests).toHaveLength(2);
    // Retry-After (100 ms) was honoured instead of the default backoff (at least 375 ms). Timed
    // between the two requests' arrivals, so a busy machine's slow agent set-up does not count.
    const [first, retry] = fake.requests;
    const gap = (retry?.receivedAt ?? 0) - (first?.receivedAt ?? 0);
    expect(gap).toBeGreaterThanOrEqual(90);
    expect(gap).toBeLessThan(370);
  });

  it('gives up on a persistent 500 after exactly maxRetries retries with an APIError', async () => {
    fake.setDefault({ kind: 'error', status: 500, retryAfterMs: 5 });
    const { error } = await runStreamed(supportAgent(await model(api, { maxRetries: 2 })), 'hi');

    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(500);
    expect(fake.requests).toHaveLength(3);
    // No second retry layer (the SDK runner) starts over afterwards.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    fake.enqueue({ kind: 'error', status: 400 });
    const { error } = await runStreamed(supportAgent(await model(api)), 'hi');
    expect((error as APIError).status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a hanging request in bounded time', async () => {
    fake.enqueue({ kind: 'hang' });
    const started = performance.now();
    const { error } = await runStreamed(
      supportAgent(await model(api, { timeoutMs: 300, maxRetries: 0 })),
      'hi',
    );
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails a stream cut mid-answer after the deltas already sent, without replaying it', async () => {
    fake.enqueue({ kind: 'cut', text: 'This answer will not finish', afterDeltas: 2 });
    const { deltas, error } = await runStreamed(supportAgent(await model(api)), 'hi');

    expect(deltas).toEqual(['This ', 'answer ']);
    expect(error).toBeInstanceOf(Error);
    expect(fake.requests).toHaveLength(1);
  });

  it('leaves a stall after the stream started to the run signal: timeoutMs only covers headers', async () => {
    fake.enqueue({ kind: 'stall', text: 'one two three', afterDeltas: 2 });
    const started = performance.now();
    const result = await runner.run(
      supportAgent(await model(api, { timeoutMs: 100, maxRetries: 0 })),
      'hi',
      {
        stream: true,
        signal: AbortSignal.timeout(400),
      },
    );
    const deltas: string[] = [];
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        deltas.push(event.data.delta);
      }
    }
    await result.completed;

    // The run ends by the signal, well after the client timeout, as cancelled rather than failed.
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
    expect(deltas).toEqual(['one ', 'two ']);
    expect(result.cancelled).toBe(true);
    expect(result.error).toBeNull();
  });

  it('fails on a malformed chunk without crashing, and the next run works', async () => {
    fake.enqueue({ kind: 'malformed' }, { kind: 'text', text: 'Fine now.' });
    const agent = supportAgent(await model(api));
    const broken = await runStreamed(agent, 'hi');
    expect(broken.error).toBeInstanceOf(SyntaxError);
    expect(fake.requests).toHaveLength(1);

    const next = await runStreamed(agent, 'hi again');
    expect(next.finalOutput).toBe('Fine now.');
  });
});

describe('empty answers', () => {
  it('responses: completes with an empty final output', async () => {
    fake.enqueue({ kind: 'empty' });
    const { error, deltas, finalOutput } = await runStreamed(
      supportAgent(await model('responses')),
      'hi',
    );
    expect(error).toBeUndefined();
    expect(deltas).toEqual([]);
    expect(finalOutput).toBe('');
    expect(fake.requests).toHaveLength(1);
  });

  it('chat_completions non-streamed: completes with an empty final output', async () => {
    fake.enqueue({ kind: 'empty' });
    const result = await runner.run(supportAgent(await model('chat_completions')), 'hi');
    expect(result.finalOutput).toBe('');
    expect(fake.requests).toHaveLength(1);
  });

  it('chat_completions streamed: completes with an empty final output instead of asking again', async () => {
    // The SDK alone would see no output item and re-ask the model until maxTurns.
    fake.setDefault({ kind: 'empty' });
    const { error, deltas, finalOutput } = await runStreamed(
      supportAgent(await model('chat_completions')),
      'hi',
    );
    expect(error).toBeUndefined();
    expect(deltas).toEqual([]);
    expect(finalOutput).toBe('');
    expect(fake.requests).toHaveLength(1);
  });
});
