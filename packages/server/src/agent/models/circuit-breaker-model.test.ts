import {
  Agent,
  type ModelRequest,
  type protocol,
  Runner,
  setTracingDisabled,
} from '@openai/agents';
import { assistantMessage, modelError, ScriptedModel } from '@openai/agents/testing';
import { APIError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import {
  type BreakerStateChange,
  CircuitBreakerModel,
  type CircuitBreakerModelOptions,
  FALLBACK_LABEL,
} from './circuit-breaker-model.js';

beforeAll(() => {
  setTracingDisabled(true);
});

const serverError = () =>
  new APIError(500, { message: 'upstream broke' }, 'upstream broke', new Headers());

/** A request as the Runner would send it; only `signal` matters to the breaker. */
function request(signal?: AbortSignal): ModelRequest {
  return {
    input: 'hi',
    modelSettings: {},
    tools: [],
    outputType: 'text',
    handoffs: [],
    tracing: false,
    ...(signal ? { signal } : {}),
  };
}

/** Streams `text` as two deltas, or fails: before the first event, or after the first delta. */
type Step = { ok: string } | { fail: unknown } | { cut: string; error: unknown };

class StubModel {
  calls = 0;
  constructor(readonly steps: Step[] = []) {}

  #next(): Step {
    this.calls += 1;
    const step = this.steps.shift();
    if (!step) throw new Error(`unexpected call #${this.calls}`);
    return step;
  }

  async getResponse() {
    const step = this.#next();
    if ('fail' in step) throw step.fail;
    if ('cut' in step) throw step.error;
    return { usage: emptyUsage(), output: [assistantMessage(step.ok)] };
  }

  async *getStreamedResponse(): AsyncIterable<protocol.StreamEvent> {
    const step = this.#next();
    if ('fail' in step) throw step.fail;
    yield { type: 'response_started' };
    const text = 'ok' in step ? step.ok : step.cut;
    const half = Math.ceil(text.length / 2);
    yield { type: 'output_text_delta', delta: text.slice(0, half) };
    if ('cut' in step) throw step.error;
    yield { type: 'output_text_delta', delta: text.slice(half) };
    yield {
      type: 'response_done',
      response: {
        id: `resp_${this.calls}`,
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        output: [assistantMessage(text)],
      },
    };
  }
}

function emptyUsage() {
  return {
    requests: 1,
    inputTokens: 1,
    outputTokens: 1,
    totalTokens: 2,
    inputTokensDetails: [],
    outputTokensDetails: [],
    add() {},
  } as never;
}

function setup(primarySteps: Step[], options: Partial<CircuitBreakerModelOptions> = {}) {
  const clock = new ManualClock();
  const primary = new StubModel(primarySteps);
  const fallback = new StubModel(
    Array.from({ length: 20 }, () => ({ ok: 'From the help center.' })),
  );
  const changes: BreakerStateChange[] = [];
  const breaker = new CircuitBreakerModel({
    primary: primary as never,
    fallback: fallback as never,
    clock,
    failureThreshold: 3,
    cooldownMs: 30_000,
    onStateChange: (change) => changes.push(change),
    ...options,
  });
  return { clock, primary, fallback, breaker, changes };
}

/** Reads a whole stream: its text deltas, the final message text, and the error if it threw. */
async function stream(breaker: CircuitBreakerModel, req = request()) {
  const deltas: string[] = [];
  let final: string | undefined;
  let error: unknown;
  try {
    for await (const event of breaker.getStreamedResponse(req)) {
      if (event.type === 'output_text_delta') deltas.push(event.delta);
      if (event.type === 'response_done') final = messageText(event.response.output);
    }
  } catch (caught) {
    error = caught;
  }
  return { text: deltas.join(''), final, error };
}

function messageText(output: readonly unknown[]): string {
  return output
    .flatMap((item) => {
      const message = item as { type?: string; content?: { type: string; text?: string }[] };
      return message.type === 'message'
        ? (message.content ?? []).map((part) => (part.type === 'output_text' ? part.text : ''))
        : [];
    })
    .join('');
}

describe('CircuitBreakerModel', () => {
  it('passes the primary through untouched while it works', async () => {
    const { breaker, primary, fallback } = setup([{ ok: 'Hello there.' }, { ok: 'Plain.' }]);
    expect(await stream(breaker)).toEqual({
      text: 'Hello there.',
      final: 'Hello there.',
      error: undefined,
    });
    const response = await breaker.getResponse(request());
    expect(messageText(response.output)).toBe('Plain.');
    expect([primary.calls, fallback.calls]).toEqual([2, 0]);
    expect(breaker.state).toBe('closed');
  });

  it('answers a failure before any output from the fallback, labelled in deltas and message', async () => {
    const { breaker, fallback } = setup([{ fail: serverError() }, { fail: serverError() }]);
    const streamed = await stream(breaker);
    expect(streamed.error).toBeUndefined();
    expect(streamed.text).toBe(`${FALLBACK_LABEL}From the help center.`);
    expect(streamed.final).toBe(streamed.text);

    const response = await breaker.getResponse(request());
    expect(messageText(response.output)).toBe(`${FALLBACK_LABEL}From the help center.`);
    expect(fallback.calls).toBe(2);
    expect(breaker.failures).toBe(2);
    expect(breaker.state).toBe('closed');
  });

  it('opens after 3 consecutive failures and stops calling the primary for the cooldown', async () => {
    const { breaker, primary, clock, changes } = setup([
      { fail: serverError() },
      { fail: serverError() },
      { fail: serverError() },
    ]);
    for (let i = 0; i < 3; i++) await stream(breaker);
    expect(breaker.state).toBe('open');
    expect(changes).toMatchObject([{ from: 'closed', to: 'open', failures: 3 }]);

    clock.advance(29_999);
    for (let i = 0; i < 5; i++) {
      const { text } = await stream(breaker);
      expect(text.startsWith(FALLBACK_LABEL)).toBe(true);
    }
    expect(primary.calls).toBe(3);
    expect(breaker.state).toBe('open');
  });

  it('closes again after a successful half-open trial; others keep the fallback meanwhile', async () => {
    const { breaker, primary, clock, changes } = setup([
      { fail: serverError() },
      { fail: serverError() },
      { fail: serverError() },
      { ok: 'The model is back.' },
      { ok: 'Still back.' },
    ]);
    for (let i = 0; i < 3; i++) await stream(breaker);
    clock.advance(30_000);
    expect(breaker.state).toBe('half_open');

    // The trial is in flight (its first event read) while a second call arrives.
    const trial = breaker.getStreamedResponse(request())[Symbol.asyncIterator]();
    await trial.next();
    const other = await stream(breaker);
    expect(other.text.startsWith(FALLBACK_LABEL)).toBe(true);
    expect(primary.calls).toBe(4);
    while (!(await trial.next()).done) {}

    expect(breaker.state).toBe('closed');
    expect((await stream(breaker)).text).toBe('Still back.');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens for another cooldown when the half-open trial fails', async () => {
    const { breaker, primary, clock, changes } = setup([
      { fail: serverError() },
      { fail: serverError() },
      { fail: serverError() },
      { fail: serverError() },
      { ok: 'Finally.' },
    ]);
    for (let i = 0; i < 3; i++) await stream(breaker);
    clock.advance(30_000);
    const trial = await stream(breaker);
    expect(trial.text.startsWith(FALLBACK_LABEL)).toBe(true);
    expect(breaker.state).toBe('open');
    clock.advance(29_000);
    await stream(breaker);
    expect(primary.calls).toBe(4);
    clock.advance(1_000);
    expect((await stream(breaker)).text).toBe('Finally.');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('counts consecutive failures only: a success in between resets the count', async () => {
    const { breaker } = setup([
      { fail: serverError() },
      { fail: serverError() },
      { ok: 'fine' },
      { fail: serverError() },
      { fail: serverError() },
    ]);
    for (let i = 0; i < 5; i++) await stream(breaker);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(2);
  });

  it('passes on a failure after the stream started (no swap mid-answer) but counts it', async () => {
    const cut = new Error('terminated');
    const { breaker, fallback } = setup([
      { cut: 'Half an answer', error: cut },
      { cut: 'Again half', error: cut },
      { cut: 'And again', error: cut },
    ]);
    const first = await stream(breaker);
    expect(first.error).toBe(cut);
    expect(first.text).toBe('Half an');
    expect(fallback.calls).toBe(0);
    await stream(breaker);
    await stream(breaker);
    expect(breaker.state).toBe('open');
    // The next turn gets the fallback.
    expect((await stream(breaker)).text.startsWith(FALLBACK_LABEL)).toBe(true);
  });

  it('does not count the caller cancelling, but counts the run timing out (without a fallback)', async () => {
    const { breaker, fallback } = setup([
      { fail: new Error('aborted') },
      { fail: new Error('aborted') },
    ]);
    const cancelled = new AbortController();
    cancelled.abort();
    const byCaller = await stream(breaker, request(cancelled.signal));
    expect(byCaller.error).toBeInstanceOf(Error);
    expect(breaker.failures).toBe(0);

    const timedOut = new AbortController();
    timedOut.abort(new DOMException('The operation timed out', 'TimeoutError'));
    const byTimeout = await stream(breaker, request(timedOut.signal));
    expect(byTimeout.error).toBeInstanceOf(Error);
    expect(breaker.failures).toBe(1);
    expect(fallback.calls).toBe(0);
  });

  it('counts a run timeout that stops a stream; a quiet end after an abort is no success', async () => {
    const { breaker } = setup([{ fail: serverError() }, { ok: 'too slow' }, { ok: 'quiet end' }]);
    await stream(breaker);
    expect(breaker.failures).toBe(1);

    const timeout = new AbortController();
    const slow = breaker.getStreamedResponse(request(timeout.signal))[Symbol.asyncIterator]();
    await slow.next();
    timeout.abort(new DOMException('The operation timed out', 'TimeoutError'));
    await slow.return?.();
    expect(breaker.failures).toBe(2);

    // The visitor leaves and the provider ends its stream without an error: not a success.
    const visitor = new AbortController();
    const quiet = breaker.getStreamedResponse(request(visitor.signal))[Symbol.asyncIterator]();
    await quiet.next();
    visitor.abort();
    while (!(await quiet.next()).done) {}
    expect(breaker.failures).toBe(2);
  });

  it('treats a request the provider rejects (400) as this request’s problem, not an outage', async () => {
    const badRequest = new APIError(400, { message: 'too long' }, 'too long', new Headers());
    const { breaker, fallback } = setup([{ fail: badRequest }]);
    expect((await stream(breaker)).error).toBe(badRequest);
    expect([breaker.failures, fallback.calls]).toEqual([0, 0]);
  });

  it('releases a half-open trial the caller abandons, so the next call can try again', async () => {
    const { breaker, primary, clock } = setup([
      { fail: serverError() },
      { fail: serverError() },
      { fail: serverError() },
      { ok: 'abandoned answer' },
      { ok: 'second trial' },
    ]);
    for (let i = 0; i < 3; i++) await stream(breaker);
    clock.advance(30_000);
    const trial = breaker.getStreamedResponse(request())[Symbol.asyncIterator]();
    await trial.next();
    await trial.return?.();
    expect(breaker.state).toBe('half_open');
    expect((await stream(breaker)).text).toBe('second trial');
    expect(primary.calls).toBe(5);
    expect(breaker.state).toBe('closed');
  });

  it('works through the Runner: the labelled fallback answer is the final output', async () => {
    const primary = new ScriptedModel([modelError(serverError())]);
    const fallback = new ScriptedModel([[assistantMessage('Reset it under Settings.')]]);
    const breaker = new CircuitBreakerModel({ primary, fallback, clock: new ManualClock() });
    const agent = new Agent({ name: 'Support', instructions: 'Help.', model: breaker });
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'password?', {
      stream: true,
    });
    let text = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta')
        text += event.data.delta;
    }
    await result.completed;
    expect(text).toBe(`${FALLBACK_LABEL}Reset it under Settings.`);
    expect(result.finalOutput).toBe(text);
  });
});
