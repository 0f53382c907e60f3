import type { Redis } from 'ioredis';
import { type BusMessage, BusSubscribers, type EventBus } from './event-bus.js';

/**
 * The bus over Redis pub/sub. Subscribing takes a connection of its own (a duplicate of the
 * shared client); ioredis resubscribes after a reconnect, which is announced as `resync` since
 * messages published meanwhile are lost.
 */
export async function redisBus(redis: Redis, channel: string): Promise<EventBus> {
  const subscribers = new BusSubscribers();
  const listener = redis.duplicate();
  listener.on('error', () => {
    // Reported by the shared client's own error listener; the duplicate reconnects by itself.
  });
  let ready = false;
  listener.on('ready', () => {
    if (ready) subscribers.deliver({ type: 'resync' });
    ready = true;
  });
  listener.on('message', (from: string, payload: string) => {
    if (from !== channel) return;
    try {
      subscribers.deliver(JSON.parse(payload) as BusMessage);
    } catch {
      // Not ours, or not JSON: ignore.
    }
  });
  if (listener.status === 'wait') await listener.connect();
  await listener.subscribe(channel);
  return {
    async publish(message) {
      await redis.publish(channel, JSON.stringify(message));
    },
    subscribe: (handler) => subscribers.add(handler),
    async close() {
      subscribers.clear();
      listener.disconnect();
    },
  };
}
