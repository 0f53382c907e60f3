import { EMPTY_ANSWER_FALLBACK, FALLBACK_LABEL } from '@parley/server';
import type { FakeStep } from '@parley/testkit/fake-openai';
import { afterEach, describe, expect, it } from 'vitest';
import { orphanCallIds, userTexts } from '../support/model-input.js';
import { suiteRecorder } from '../support/results.js';
import { healthyAnswer, type ModelFaultApp, startModelFaultApp } from './model-fault-app.js';

const results = suiteRecorder('faults-model', 'model_faults');
const APIS = ['responses', 'chat_completions'] as const;

let harness: ModelFaultApp | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Distinctive words of a half-streamed answer, to prove they never reach history. */
const PARTIAL = 'Zebra quartz unfinished answer that never completes';

interface Scenario {
  name: string;
  env?: Record<string, string>;
  /** The fault for the second turn: queued once, or persistent while the turn runs. */
  fault: { once: FakeStep[] } | { always: FakeStep };
  /** How the faulted turn must end. */
  expect: 'model' | 'fallback' | 'empty' | 'error';
  /** Model HTTP requests the faulted turn may make (retries included). */
  requests: number;
  /** Failures the circuit breaker counted for the faulted turn (a success resets the count). */
  breakerFailures: number;
  /** The faulted turn ends within [min, max] ms. */
  withinMs: [number, number];
  sse?: boolean;
  describe: string;
}

/**
 * Every model call failing on each of its two tries (OPENAI_MAX_RETRIES=1): the labelled offline
 * model answers, and the breaker counts both calls.
 */
const OFFLINE_FALLBACK = {
  expect: 'fallback',
  breakerFailures: 2,
  // Two model calls (search, then answer), each tried twice.
  requests: 4,
} satisfies Partial<Scenario>;

/** A broken stream's turn: a retryable error within 3 s, one model request, one breaker failure. */
const RETRYABLE_ERROR = {
  expect: 'error',
  breakerFailures: 1,
  requests: 1,
  withinMs: [0, 3_000],
} satisfies Partial<Scenario>;

const SCENARIOS: Scenario[] = [
  {
    name: '429 with Retry-After',
    breakerFailures: 0,
    env: { OPENAI_MAX_RETRIES: '2' },
    fault: { once: [{ kind: 'error', status: 429, retryAfterSeconds: 0.3 }] },
    expect: 'model',
    requests: 2,
    withinMs: [290, 3_000],
    describe: 'retried once after the 0.3 s Retry-After, then answered by the model',
  },
  {
    name: '500 on every attempt',
    ...OFFLINE_FALLBACK,
    env: { OPENAI_MAX_RETRIES: '1' },
    fault: { always: { kind: 'error', status: 500 } },
    withinMs: [0, 8_000],
    describe:
      'each call tried twice (OPENAI_MAX_RETRIES=1), then answered by the labelled offline model',
  },
  {
    name: 'model hangs past the timeout',
    ...OFFLINE_FALLBACK,
    env: { OPENAI_MAX_RETRIES: '1', OPENAI_TIMEOUT: '400ms' },
    fault: { always: { kind: 'hang' } },
    withinMs: [1_600, 8_000],
    describe: 'each call timed out after 400 ms twice, then answered by the labelled offline model',
  },
  {
    name: 'stream stalls mid-answer past the turn timeout',
    breakerFailures: 1,
    env: { PARLEY_TURN_TIMEOUT: '1500ms' },
    fault: { once: [{ kind: 'stall', text: PARTIAL, afterDeltas: 2 }] },
    expect: 'error',
    requests: 1,
    withinMs: [1_400, 4_000],
    describe: 'ended by the 1.5 s turn timeout with a retryable error; the half answer is dropped',
  },
  {
    name: 'stream cut mid-answer',
    ...RETRYABLE_ERROR,
    fault: { once: [{ kind: 'cut', text: PARTIAL, afterDeltas: 2 }] },
    describe: 'a retryable error after the streamed words, no retry of a started answer',
  },
  {
    name: 'malformed chunk',
    ...RETRYABLE_ERROR,
    fault: { once: [{ kind: 'malformed' }] },
    describe: 'a retryable error, no crash',
  },
  {
    name: 'malformed chunk, visitor on JSON',
    ...RETRYABLE_ERROR,
    fault: { once: [{ kind: 'malformed' }] },
    sse: false,
    describe: 'a 503 JSON error, no crash',
  },
  {
    name: 'empty output',
    breakerFailures: 0,
    fault: { once: [{ kind: 'empty' }] },
    expect: 'empty',
    requests: 1,
    withinMs: [0, 3_000],
    describe: 'a complete turn that offers a ticket instead of an empty bubble',
  },
];

describe.each(APIS)('model faults through the real provider (%s)', (api) => {
  it.each(SCENARIOS)('$name', (scenario) =>
    results.check(`${scenario.name} (${api})`, async () => {
      harness = await startModelFaultApp({ OPENAI_API: api, ...scenario.env });
      const h = harness;
      const visitor = {};
      const sse = scenario.sse ?? true;
      const first = await h.turn(visitor, 'First question: where is my order?');
      expect(first.text).toBe(healthyAnswer('First question: where is my order?'));

      if ('once' in scenario.fault) h.fake.enqueue(...scenario.fault.once);
      else h.setFault(scenario.fault.always);
      const faulted = await h.turn(visitor, 'Second question: can I return it?', { sse });
      h.setFault(undefined);

      // Bounded: in time, and in model calls (the client's retries only, none after text).
      expect(faulted.ms).toBeGreaterThanOrEqual(scenario.withinMs[0]);
      expect(faulted.ms).toBeLessThan(scenario.withinMs[1]);
      expect(faulted.modelRequests).toHaveLength(scenario.requests);
      expect(faulted.networkError).toBeUndefined();
      expect(h.breaker.failures).toBe(scenario.breakerFailures);
      expect(h.breaker.state).toBe('closed');
      if (scenario.expect === 'error') {
        expect(faulted.text).toBeUndefined();
        expect(faulted.error?.code).toBe('model_unavailable');
        expect(faulted.error?.message).not.toMatch(/openai|stack|Error:|\bat /i);
        if (sse) {
          expect(faulted.status).toBe(200);
          expect(faulted.events.at(-1)).toMatchObject({
            event: 'error',
            data: { retryable: true },
          });
        } else {
          expect(faulted.status).toBe(503);
        }
      } else {
        expect(faulted.status).toBe(200);
        if (scenario.expect === 'model')
          expect(faulted.text).toBe(healthyAnswer('Second question: can I return it?'));
        if (scenario.expect === 'fallback') {
          expect(faulted.text?.startsWith(FALLBACK_LABEL)).toBe(true);
          expect(faulted.text!.length).toBeGreaterThan(FALLBACK_LABEL.length + 20);
        }
        if (scenario.expect === 'empty') expect(faulted.text).toBe(EMPTY_ANSWER_FALLBACK);
      }

      // The next turn succeeds, with a consistent history behind it.
      const next = await h.turn(visitor, 'Third question: thanks, anything else?');
      expect(next.status).toBe(200);
      expect(h.breaker.failures).toBe(0);
      expect(next.text).toBe(healthyAnswer('Third question: thanks, anything else?'));
      const modelInput = next.modelRequests[0]!;
      expect(userTexts(modelInput)).toEqual([
        'First question: where is my order?',
        'Second question: can I return it?',
        'Third question: thanks, anything else?',
      ]);
      expect(orphanCallIds(modelInput)).toEqual([]);
      expect(JSON.stringify(modelInput.body)).not.toContain('Zebra');

      const answered = scenario.expect !== 'error';
      expect(await h.historyOf(visitor)).toEqual([
        { role: 'user', text: 'First question: where is my order?' },
        { role: 'assistant', text: first.text },
        { role: 'user', text: 'Second question: can I return it?' },
        ...(answered ? [{ role: 'assistant', text: faulted.text }] : []),
        { role: 'user', text: 'Third question: thanks, anything else?' },
        { role: 'assistant', text: next.text },
      ]);
      const outcome = answered
        ? scenario.expect === 'fallback'
          ? 'answered by the labelled offline model'
          : 'answered'
        : `error \`${faulted.error?.code}\` (retryable)`;
      return {
        detail: `${scenario.describe}. Faulted turn: ${outcome}; history consistent (${answered ? 'full turn kept' : "visitor's message kept, no partial answer"}); next turn answered by the model with no orphan items in its input`,
        numbers: {
          faulted_turn_ms: Math.round(faulted.ms),
          model_requests: faulted.modelRequests.length,
          breaker_failures: scenario.breakerFailures,
          next_turn_ms: Math.round(next.ms),
        },
      };
    }),
  );
});
