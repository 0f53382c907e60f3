import { expect, it } from 'vitest';
import type { BusMessage, EventBus } from '../src/coordination/event-bus.js';

/** Resolves once `received` holds a message matching `predicate`, or fails after `ms`. */
export async function arrival(
  received: BusMessage[],
  predicate: (message: BusMessage) => boolean,
  ms = 5_000,
): Promise<void> {
  const start = Date.now();
  while (!received.some(predicate)) {
    if (Date.now() - start > ms) throw new Error(`no such message in ${JSON.stringify(received)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The n-th message of conversation `c_1` was stored. */
export const logged = (seq: number): BusMessage => ({ type: 'logged', conversation: 'c_1', seq });

/** A bus as one instance has it, with everything it received. */
export interface BusInstance {
  bus: EventBus;
  received: BusMessage[];
}

/**
 * What every bus between instances promises, whatever carries it (Redis, PostgreSQL): `instance`
 * opens one more instance's bus on the same channel.
 */
export function busContract(instance: () => Promise<BusInstance>): void {
  it('delivers every message to every instance, its own included, in order', async () => {
    const a = await instance();
    const b = await instance();
    for (let seq = 1; seq <= 5; seq++) await a.bus.publish(logged(seq));
    await b.bus.publish({ type: 'stop', conversation: 'c_1' });
    const expected = [...[1, 2, 3, 4, 5].map(logged), { type: 'stop', conversation: 'c_1' }];
    for (const { received } of [a, b]) {
      await arrival(received, (m) => m.type === 'stop');
      expect(received).toEqual(expected);
    }
  });

  it('delivers nothing more once closed', async () => {
    const a = await instance();
    const b = await instance();
    await a.bus.close();
    await b.bus.publish(logged(1));
    await arrival(b.received, (m) => m.type === 'logged');
    expect(a.received).toEqual([]);
  });
}
