import { FALLBACK_LABEL } from '@parley/server';
import { percentile } from '@parley/testkit/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteRecorder } from '../support/results.js';
import { healthyAnswer, type ModelFaultApp, startModelFaultApp } from './model-fault-app.js';

const results = suiteRecorder('faults-circuit-breaker', 'model_faults');
let h: ModelFaultApp;

beforeAll(async () => {
  // No client retries, so each failing model call is one request and the counts are exact.
  h = await startModelFaultApp({
    OPENAI_MAX_RETRIES: '0',
    PARLEY_BREAKER_FAILURES: '3',
    PARLEY_BREAKER_COOLDOWN: '30s',
  });
});
afterAll(async () => {
  await h?.close();
});

describe('the circuit breaker, through the app, against a model answering 500', () => {
  it('opens after 3 failures, answers from the labelled offline model, and recovers by itself', () =>
    results.check('circuit breaker: open on 500s, labelled fallback, recovery', async () => {
      const alice = {};
      const bob = {};
      const turns: {
        who: string;
        status: number;
        text: string | undefined;
        requests: number;
        ms: number;
      }[] = [];
      const ask = async (who: 'alice' | 'bob', message: string, sse = true) => {
        const result = await h.turn(who === 'alice' ? alice : bob, message, { sse });
        turns.push({
          who,
          status: result.status,
          text: result.text,
          requests: result.modelRequests.length,
          ms: result.ms,
        });
        return result;
      };

      expect((await ask('alice', 'Hello?')).text).toBe(healthyAnswer('Hello?'));
      h.setFault({ kind: 'error', status: 500 });
      // Closed: both calls of the turn (search, answer) try the model, fail, and fall back.
      const second = await ask('alice', 'How do I reset my password?');
      expect(second.modelRequests).toHaveLength(2);
      expect(h.breakerChanges).toEqual([]);
      // The third failure opens the breaker; the rest of the turn goes straight to the fallback.
      const third = await ask('alice', 'What are your opening hours?', false);
      expect(third.modelRequests).toHaveLength(1);
      expect(h.breakerChanges.map((c) => c.to)).toEqual(['open']);
      // Open: nobody's turn calls the model.
      const whileOpen = [
        await ask('bob', 'Can I return a product?'),
        await ask('alice', 'Do you ship abroad?', false),
      ];
      expect(whileOpen.map((t) => t.modelRequests.length)).toEqual([0, 0]);
      // The model is back, but the cooldown is not over: still the fallback, still no calls.
      h.setFault(undefined);
      expect((await ask('bob', 'Thanks!')).modelRequests).toHaveLength(0);

      for (const turn of turns.slice(1)) {
        expect(turn.status).toBe(200);
        expect(turn.text?.startsWith(FALLBACK_LABEL)).toBe(true);
      }
      const fallbackMs = turns.slice(3).map((t) => t.ms);

      // After the cooldown one trial call goes to the model; it works, so the breaker closes.
      h.clock.advance(30_000);
      const trial = await ask('alice', 'Is the assistant back?');
      expect(trial.text).toBe(healthyAnswer('Is the assistant back?'));
      expect(trial.modelRequests).toHaveLength(1);
      expect((await ask('bob', 'And for me?', false)).text).toBe(healthyAnswer('And for me?'));
      expect(h.breakerChanges.map((c) => `${c.from}->${c.to}`)).toEqual([
        'closed->open',
        'open->half_open',
        'half_open->closed',
      ]);

      // Nothing lost: Alice's history holds every turn as she saw it, labels included.
      const aliceTurns = turns.filter((t) => t.who === 'alice');
      const history = await h.historyOf(alice);
      expect(history.filter((m) => m.role === 'assistant').map((m) => m.text)).toEqual(
        aliceTurns.map((t) => t.text),
      );
      expect(history).toHaveLength(aliceTurns.length * 2);
      expect(turns.every((t) => t.status === 200)).toBe(true);

      return {
        detail:
          'PARLEY_BREAKER_FAILURES=3: the 3rd failed call opened the breaker; for the 30 s cooldown no turn called the model and every answer came from the offline model, labelled; after the cooldown one trial call closed it and the model answered again. All turns 200, both histories complete',
        numbers: {
          turns: turns.length,
          fallback_answers: turns.filter((t) => t.text?.startsWith(FALLBACK_LABEL)).length,
          model_calls_while_open: whileOpen.reduce((n, t) => n + t.modelRequests.length, 0),
          fallback_p50_ms: Math.round(percentile(fallbackMs, 50) ?? 0),
          fallback_max_ms: Math.round(Math.max(...fallbackMs)),
          '5xx': turns.filter((t) => t.status >= 500).length,
        },
      };
    }));

  it('re-opens when the half-open trial fails, without a burst of calls', () =>
    results.check('circuit breaker: failed trial re-opens', async () => {
      const carol = {};
      h.setFault({ kind: 'error', status: 500 });
      await h.turn(carol, 'one');
      await h.turn(carol, 'two');
      expect(h.breakerChanges.at(-1)?.to).toBe('open');
      h.clock.advance(30_000);
      const trial = await h.turn(carol, 'three');
      // One trial request, then straight back to the fallback for the rest of the turn.
      expect(trial.modelRequests).toHaveLength(1);
      expect(trial.text?.startsWith(FALLBACK_LABEL)).toBe(true);
      expect(h.breakerChanges.slice(-2).map((c) => c.to)).toEqual(['half_open', 'open']);
      expect((await h.turn(carol, 'four')).modelRequests).toHaveLength(0);
      h.setFault(undefined);
      h.clock.advance(30_000);
      expect((await h.turn(carol, 'five')).text).toBe(healthyAnswer('five'));
      return {
        detail:
          'a failed trial call re-opened the breaker for another cooldown (one request, no burst); the next trial after the model recovered closed it',
        numbers: { trial_requests: trial.modelRequests.length },
      };
    }));
});
