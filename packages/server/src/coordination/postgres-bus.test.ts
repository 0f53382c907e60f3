import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
  terminateConnections,
} from '@parley/testkit/postgres';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { arrival, type BusInstance, busContract, logged } from '../../test/bus-contract.js';
import { ManualClock } from '../clock.js';
import { openStore, type Store } from '../store/store.js';
import type { BusMessage, EventBus } from './event-bus.js';
import { MAX_NOTIFY_BYTES, POSTGRES_CHANNEL, postgresBus } from './postgres-bus.js';

await describeWithPostgres('postgresBus', () => {
  let scratch: ScratchDatabase;
  let store: Store;
  const open: EventBus[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    store = await openStore(
      { kind: 'postgres', url: scratch.url },
      { clock: new ManualClock(), limits: TEST_STORE_LIMITS, onPoolError: () => {} },
    );
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => {
    await store?.close();
    await scratch?.drop();
  });

  /** A bus as one instance has it, with everything it received. */
  async function instance(): Promise<BusInstance> {
    const bus = postgresBus({ url: scratch.url, db: store.context.db });
    open.push(bus);
    await bus.ready();
    const received: BusMessage[] = [];
    bus.subscribe((message) => received.push(message));
    return { bus, received };
  }

  busContract(() => instance());

  it('ignores notifications on its channel that are not bus messages', async () => {
    const a = await instance();
    await sql`select pg_notify(${POSTGRES_CHANNEL}, ${'not json'})`.execute(store.context.db);
    await a.bus.publish(logged(1));
    await arrival(a.received, (m) => m.type === 'logged');
    expect(a.received).toEqual([logged(1)]);
  });

  it('refuses a message PostgreSQL could not carry', async () => {
    const a = await instance();
    const huge: BusMessage = {
      type: 'inbox',
      conversation: 'x'.repeat(MAX_NOTIFY_BYTES),
      change: 'message',
    };
    await expect(a.bus.publish(huge)).rejects.toBeInstanceOf(RangeError);
  });

  it('reconnects after its connection is cut and announces a resync', async () => {
    const a = await instance();
    const b = await instance();
    expect(await terminateConnections(scratch.name)).toBeGreaterThanOrEqual(2);
    for (const { received } of [a, b]) await arrival(received, (m) => m.type === 'resync');
    // Listening again: what is published now reaches both.
    await a.bus.publish(logged(7));
    for (const { received } of [a, b]) await arrival(received, (m) => m.type === 'logged');
    expect(b.received).toEqual([{ type: 'resync' }, logged(7)]);
  });
});
