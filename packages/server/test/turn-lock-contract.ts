import { describe, expect, it } from 'vitest';
import type { TurnLocks } from '../src/coordination/turn-locks.js';

const TTL = 60_000;

/** What every implementation promises, whatever holds the locks. */
export function turnLockContract(name: string, open: () => Promise<TurnLocks>) {
  describe(`${name}: the turn-lock contract`, () => {
    it('has one holder per conversation, released only by its holder', async () => {
      const locks = await open();
      const first = await locks.tryLock('s1', TTL);
      expect(first).toBeDefined();
      expect(await locks.tryLock('s1', TTL)).toBeUndefined();
      const other = await locks.tryLock('s2', TTL);
      expect(other).toBeDefined();
      await first!.release();
      await first!.release();
      const second = await locks.tryLock('s1', TTL);
      expect(second).toBeDefined();
      // The first holder's late release must not free the second holder's lock.
      await first!.release();
      expect(await locks.tryLock('s1', TTL)).toBeUndefined();
      await second!.release();
      await other!.release();
      const again = await locks.tryLock('s1', TTL);
      expect(again).toBeDefined();
      await again!.release();
    });

    it('gives exactly one of many simultaneous callers the lock', async () => {
      const locks = await open();
      const taken = await Promise.all(Array.from({ length: 20 }, () => locks.tryLock('s9', TTL)));
      const held = taken.filter((lock) => lock !== undefined);
      expect(held).toHaveLength(1);
      await held[0]!.release();
    });
  });
}
