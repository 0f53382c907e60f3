import { randomUUID } from 'node:crypto';
import { describeWithRedis, redisTestUrl } from '@parley/testkit/redis';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { arrival, type BusInstance, busContract, logged } from '../../test/bus-contract.js';
import type { BusMessage, EventBus } from './event-bus.js';
import { redisBus } from './redis-bus.js';

await describeWithRedis('redisBus', () => {
  const clients: Redis[] = [];
  const buses: EventBus[] = [];
  // A channel per test run, so concurrent runs on one Redis never hear each other.
  const channel = `parley-test:${randomUUID()}:events`;

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    for (const client of clients.splice(0)) client.disconnect();
  });

  /** A client as one instance has it: named, so a test can find its connections on the server. */
  function client(name = `parley-test-${randomUUID()}`): Redis {
    const redis = new Redis(redisTestUrl, { connectionName: name, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  }

  async function instance(redis = client()): Promise<BusInstance> {
    const bus = await redisBus(redis, channel);
    buses.push(bus);
    const received: BusMessage[] = [];
    bus.subscribe((message) => received.push(message));
    return { bus, received };
  }

  busContract(() => instance());

  it('ignores what is not a bus message, and other channels', async () => {
    const redis = client();
    const a = await instance(redis);
    await redis.publish(channel, 'not json');
    await redis.publish(`${channel}:other`, JSON.stringify(logged(9)));
    await a.bus.publish(logged(1));
    await arrival(a.received, (m) => m.type === 'logged');
    expect(a.received).toEqual([logged(1)]);
  });

  it('resubscribes after its connection is cut and announces a resync', async () => {
    const name = `parley-test-${randomUUID()}`;
    const a = await instance(client(name));
    const admin = client();
    // Cut only this bus's listening connection (the one subscribed), as a Redis restart would.
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    const listener = list
      .split('\n')
      .find((line) => line.includes(`name=${name}`) && /\bsub=[1-9]/.test(line));
    const id = /\bid=(\d+)/.exec(listener ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', id!);
    await arrival(a.received, (m) => m.type === 'resync');
    await a.bus.publish(logged(1));
    await arrival(a.received, (m) => m.type === 'logged');
    expect(a.received).toEqual([{ type: 'resync' }, logged(1)]);
  });
});
