import { describe, expect, it } from 'vitest';
import { type BusMessage, BusSubscribers, memoryBus } from './event-bus.js';

const logged = (seq: number): BusMessage => ({ type: 'logged', conversation: 'c_1', seq });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('memoryBus', () => {
  it('delivers every message to every subscriber, in order, on a later tick', async () => {
    const bus = memoryBus();
    const a: BusMessage[] = [];
    const b: BusMessage[] = [];
    bus.subscribe((message) => a.push(message));
    bus.subscribe((message) => b.push(message));
    const published = [bus.publish(logged(1)), bus.publish({ type: 'stop', conversation: 'c_1' })];
    // As from a server: nothing arrives while the publisher is still running.
    expect(a).toEqual([]);
    await Promise.all(published);
    await tick();
    expect(a).toEqual([logged(1), { type: 'stop', conversation: 'c_1' }]);
    expect(b).toEqual(a);
    await bus.close();
  });

  it('stops delivering to a subscriber that unsubscribed, and to everyone once closed', async () => {
    const bus = memoryBus();
    const a: BusMessage[] = [];
    const b: BusMessage[] = [];
    const unsubscribe = bus.subscribe((message) => a.push(message));
    bus.subscribe((message) => b.push(message));
    unsubscribe();
    await bus.publish(logged(1));
    await tick();
    expect(a).toEqual([]);
    expect(b).toEqual([logged(1)]);
    await bus.close();
    await bus.publish(logged(2));
    await tick();
    expect(b).toEqual([logged(1)]);
  });
});

describe('BusSubscribers', () => {
  it('keeps delivering to the others when one handler throws', () => {
    const subscribers = new BusSubscribers();
    const received: BusMessage[] = [];
    subscribers.add(() => {
      throw new Error('a subscriber bug');
    });
    subscribers.add((message) => received.push(message));
    subscribers.deliver({ type: 'resync' });
    expect(received).toEqual([{ type: 'resync' }]);
  });
});
