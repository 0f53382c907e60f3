import { expectLinearScaling } from '@parley/testkit';
import { describe, it } from 'vitest';
import { LiveTurns } from './live-turns.js';

/**
 * Every streamed batch of every answer goes through `LiveTurns.add`, and a busy instance holds
 * the answers of the last five minutes (thousands, with a new visitor each turn). Adding must
 * cost the same however many answers are held: n answers added one after the other scale
 * linearly, not as n².
 */
describe('keeping running answers for resuming', { retry: 2 }, () => {
  it('adds in constant time, however many answers it holds', () => {
    expectLinearScaling(
      {
        n: 256,
        input: (n) => Array.from({ length: n }, (_, i) => `c_${i}`),
        run: (conversations) => {
          let now = 0;
          const turns = new LiveTurns(() => now++);
          for (const conversation of conversations) {
            turns.add(conversation, 1, [{ n: 1, event: { event: 'delta', data: { text: 'x' } } }]);
          }
        },
      },
      'answers held',
    );
  });
});
