import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, splitText, startFakeOpenAI, toolOutputsOf } from './fake-openai.js';

let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({
    apiKey: 'test-key',
    baseURL: fake.url,
    maxRetries: 0,
    timeout: 2_000,
    logLevel: 'off',
  });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('chat completions', () => {
  it('answers a non-streamed request with a complete completion and usage', async () => {
    fake.enqueue({ kind: 'text', text: 'Hello there, visitor.' });
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-test');
    expect(completion.choices[0]?.message.content).toBe('Hello there, visitor.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(3);

    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(request?.stream).toBe(false);
  });

  it('streams text deltas, then usage in a choice-less chunk, then [DONE]', async () => {
    fake.enqueue({ kind: 'text', text: 'abcdefghij', deltas: 4 });
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(['abc', 'def', 'gh', 'ij']);
    expect(finishReasons).toEqual(['stop']);
    expect(usage?.completion_tokens).toBe(4);
    expect(fake.requests[0]?.stream).toBe(true);
  });

  it('streams a tool call as index/id/name first and arguments in pieces', async () => {
    fake.enqueue({
      kind: 'tool_call',
      name: 'lookup_order',
      arguments: { orderId: 'A-1001' },
      callId: 'call_1',
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'where is my order?' }],
      stream: true,
    });
    const pieces: string[] = [];
    let header: { id?: string; name?: string; index?: number } = {};
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (call.id) header = { id: call.id, name: call.function?.name, index: call.index };
        if (call.function?.arguments) pieces.push(call.function.arguments);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(header).toEqual({ id: 'call_1', name: 'lookup_order', index: 0 });
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.join(''))).toEqual({ orderId: 'A-1001' });
    expect(finish).toBe('tool_calls');
  });

  it('returns a non-streamed tool call with null content', async () => {
    fake.enqueue({ kind: 'tool_call', name: 'lookup_order', arguments: { orderId: 'A-1' } });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    const message = completion.choices[0]?.message;
    expect(message?.content).toBeNull();
    const call = message?.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('lookup_order');
    expect(call?.id).toBe('call_fake_1');
  });

  it('sends OpenAI error bodies with status and Retry-After', async () => {
    fake.enqueue({ kind: 'error', status: 429, retryAfterSeconds: 7 });
    const error = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).headers?.get('retry-after')).toBe('7');
    expect((error as APIError).message).toContain('Rate limit');
  });

  it('makes a malformed stream chunk a parse error for the client', async () => {
    fake.enqueue({ kind: 'malformed' });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow(/malformed/);
  });

  it('cuts the connection after the given number of deltas', async () => {
    fake.enqueue({ kind: 'cut', text: 'one two three four', afterDeltas: 2 });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const deltas: string[] = [];
    await expect(async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) deltas.push(content);
      }
    }).rejects.toThrow();
    expect(deltas).toEqual(['one ', 'two ']);
  });

  it('streams an empty answer as a role chunk and a stop', async () => {
    fake.enqueue({ kind: 'empty' });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0]?.message.content).toBe('');
  });

  it('answers from the responder, then the default, once the queue is empty', async () => {
    const local = await startFakeOpenAI({
      responder: (request) =>
        toolOutputsOf(request).length > 0
          ? { kind: 'text', text: `Tool said ${toolOutputsOf(request)[0]}` }
          : undefined,
      defaultStep: { kind: 'text', text: 'default' },
    });
    try {
      const localClient = new OpenAI({ apiKey: 'k', baseURL: local.url, maxRetries: 0 });
      local.enqueue({ kind: 'text', text: 'queued' });
      const ask = async (messages: OpenAI.ChatCompletionMessageParam[]) =>
        (await localClient.chat.completions.create({ model: 'm', messages })).choices[0]?.message
          .content;
      expect(await ask([{ role: 'user', content: 'x' }])).toBe('queued');
      expect(await ask([{ role: 'user', content: 'x' }])).toBe('default');
      expect(
        await ask([
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 't', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: '42' },
        ]),
      ).toBe('Tool said 42');
    } finally {
      await local.close();
    }
  });
});

describe('responses', () => {
  it('answers a non-streamed request with output items, output_text and usage', async () => {
    fake.enqueue({ kind: 'text', text: 'Our hours are 9 to 5.' });
    const response = await client.responses.create({ model: 'gpt-test', input: 'hours?' });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Our hours are 9 to 5.');
    expect(response.output[0]?.type).toBe('message');
    expect(response.usage?.output_tokens).toBe(6);
    expect(fake.requests[0]?.path).toBe('/v1/responses');
    expect(fake.requests[0]?.api).toBe('responses');
  });

  it('streams the Responses event sequence for text', async () => {
    fake.enqueue({ kind: 'text', text: 'Hello world again', deltas: 3 });
    const stream = await client.responses.create({ model: 'gpt-test', input: 'hi', stream: true });
    const types: string[] = [];
    const deltas: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(deltas.join('')).toBe('Hello world again');
    expect(completed?.usage?.output_tokens).toBe(3);
    const item = completed?.output[0];
    expect(
      item?.type === 'message' && item.content[0]?.type === 'output_text' && item.content[0].text,
    ).toBe('Hello world again');
  });

  it('streams a function call with argument deltas and a completed item', async () => {
    fake.enqueue({
      kind: 'tool_call',
      name: 'lookup_order',
      arguments: { orderId: 'B-2' },
      callId: 'call_b',
    });
    const stream = await client.responses.create({
      model: 'gpt-test',
      input: 'order?',
      stream: true,
    });
    const argumentDeltas: string[] = [];
    let done: OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent | undefined;
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas.push(event.delta);
      if (event.type === 'response.function_call_arguments.done') done = event;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(argumentDeltas.join('')).toBe('{"orderId":"B-2"}');
    expect(done).toMatchObject({ name: 'lookup_order', arguments: '{"orderId":"B-2"}' });
    expect(completed?.output[0]).toMatchObject({
      type: 'function_call',
      call_id: 'call_b',
      name: 'lookup_order',
      arguments: '{"orderId":"B-2"}',
      status: 'completed',
    });
  });

  it('completes an empty answer with a message that has no text', async () => {
    fake.enqueue({ kind: 'empty' });
    const response = await client.responses.create({ model: 'gpt-test', input: 'hi' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('');
  });
});

describe('hang, latency and housekeeping', () => {
  it('never answers a hanging request, so the client times out', async () => {
    fake.enqueue({ kind: 'hang' });
    const quick = new OpenAI({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, timeout: 100 });
    const started = Date.now();
    await expect(
      quick.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow(/timed out/i);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('spaces deltas by the latency options', async () => {
    const slow = await startFakeOpenAI({ firstTokenDelayMs: 60, deltaIntervalMs: 20 });
    try {
      slow.enqueue({ kind: 'text', text: 'abcde', deltas: 5 });
      const slowClient = new OpenAI({ apiKey: 'k', baseURL: slow.url, maxRetries: 0 });
      const started = Date.now();
      const stream = await slowClient.responses.create({ model: 'm', input: 'x', stream: true });
      const arrivals: number[] = [];
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') arrivals.push(Date.now() - started);
      }
      expect(arrivals).toHaveLength(5);
      expect(arrivals[0]).toBeGreaterThanOrEqual(50);
      expect(arrivals[4]! - arrivals[0]!).toBeGreaterThanOrEqual(70);
    } finally {
      await slow.close();
    }
  });

  it('answers unknown routes with a 404 and still records them', async () => {
    const response = await fetch(`${fake.url}/models`);
    expect(response.status).toBe(404);
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/models']);
  });

  it('closes even with a request still hanging', async () => {
    const local = await startFakeOpenAI({ defaultStep: { kind: 'hang' } });
    const pending = fetch(`${local.url}/chat/completions`, { method: 'POST', body: '{}' }).catch(
      (e: unknown) => e,
    );
    await expect.poll(() => local.requests.length).toBe(1);
    await local.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('splits text into words by default and into equal pieces on request', () => {
    expect(splitText('one two  three')).toEqual(['one ', 'two  ', 'three']);
    expect(splitText('abcdefg', 3)).toEqual(['abc', 'de', 'fg']);
    expect(splitText('ab', 5)).toEqual(['a', 'b']);
    expect(splitText('')).toEqual([]);
  });
});
