import { ManualClock } from '@parley/server';
import { describeEachBackend, whileErasedElsewhere } from '@parley/testkit/stores';
import { expect, it } from 'vitest';

const day = '2026-01-05';
const zero = { turns: 0, tokens: 0 };

await describeEachBackend('usage', (stores) => {
  it('adds to the day, returns the new totals and reads them back', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.conversations.create('s2');
    expect(await store.usage.get('s1', day)).toEqual(zero);
    expect(await store.usage.add('s1', day, { turns: 1, tokens: 120 })).toEqual({
      turns: 1,
      tokens: 120,
    });
    expect(await store.usage.add('s1', day, { turns: 1, tokens: 30 })).toEqual({
      turns: 2,
      tokens: 150,
    });
    expect(await store.usage.add('s1', day, zero)).toEqual({ turns: 2, tokens: 150 });
    // Large counts stay exact integers.
    const big = 2 ** 40;
    expect(await store.usage.add('s2', day, { turns: 3, tokens: big })).toEqual({
      turns: 3,
      tokens: big,
    });
    expect(await store.usage.get('s1', day)).toEqual({ turns: 2, tokens: 150 });
    expect(await store.usage.get('s2', day)).toEqual({ turns: 3, tokens: big });
    expect(await store.usage.get('unknown', day)).toEqual(zero);
  });

  it('keeps each UTC day apart; the retention sweep forgets days a week old', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 6, 12));
    const store = await stores.open({ clock });
    await store.conversations.create('s1');
    await store.usage.add('s1', '2025-12-31', { turns: 1, tokens: 10 });
    await store.usage.add('s1', '2026-01-01', { turns: 2, tokens: 20 });
    await store.usage.add('s1', '2026-01-01', { turns: 1, tokens: 5 });
    expect(await store.usage.get('s1', '2025-12-31')).toEqual({ turns: 1, tokens: 10 });
    expect(await store.usage.get('s1', '2026-01-01')).toEqual({ turns: 3, tokens: 25 });
    expect(await store.usage.get('s1', '2026-01-02')).toEqual(zero);

    // Six days on, both are still kept; on the seventh the sweep drops the oldest only.
    await store.usage.add('s1', '2026-01-06', { turns: 1, tokens: 1 });
    const sweep = () =>
      store.retention.sweep({ conversationsMs: undefined, ticketTranscripts: 'keep' });
    await sweep();
    expect(await store.usage.get('s1', '2025-12-31')).toEqual({ turns: 1, tokens: 10 });
    clock.set(Date.UTC(2026, 0, 7, 12));
    await store.usage.add('s1', '2026-01-07', { turns: 1, tokens: 1 });
    await sweep();
    expect(await store.usage.get('s1', '2025-12-31')).toEqual(zero);
    expect(await store.usage.get('s1', '2026-01-01')).toEqual({ turns: 3, tokens: 25 });
    expect(await store.usage.get('s1', '2026-01-06')).toEqual({ turns: 1, tokens: 1 });
  });

  it('is atomic under 50 concurrent additions', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const totals = await Promise.all(
      Array.from({ length: 50 }, () => store.usage.add('s1', day, { turns: 1, tokens: 7 })),
    );
    expect(await store.usage.get('s1', day)).toEqual({ turns: 50, tokens: 350 });
    // Every addition saw its own total: none was lost or applied twice.
    expect(totals.map((t) => t.turns).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    for (const t of totals) expect(t.tokens).toBe(7 * t.turns);
  });

  if (stores.backend === 'postgres')
    it('is atomic under concurrent additions from two instances', async () => {
      const first = await stores.open();
      const second = await stores.open({ fresh: false });
      await first.conversations.create('s1');
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? first : second).usage.add('s1', day, { turns: 1, tokens: 3 }),
        ),
      );
      expect(await second.usage.get('s1', day)).toEqual({ turns: 40, tokens: 120 });
    });

  it('records nothing for a conversation that is unknown or erased, without failing', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.usage.add('s1', day, { turns: 2, tokens: 40 });
    await store.conversations.erase('s1');
    expect(await store.usage.get('s1', day)).toEqual(zero);
    // Best effort: a late write after the erasure resolves with zeros and writes nothing.
    expect(await store.usage.add('s1', day, { turns: 1, tokens: 10 })).toEqual(zero);
    expect(await store.usage.get('s1', day)).toEqual(zero);
    expect(await store.usage.add('never', day, { turns: 1, tokens: 1 })).toEqual(zero);
    expect(await store.conversations.get('never')).toBeUndefined();
  });

  if (stores.backend === 'postgres')
    it('records nothing for a conversation whose erasure commits while the usage is added', async () => {
      const store = await stores.open();
      await store.conversations.create('s1');
      // Another instance erasing the conversation while the usage is added.
      const added = await whileErasedElsewhere(stores.spec, 's1', 'usage', () =>
        store.usage.add('s1', day, { turns: 1, tokens: 10 }),
      );
      expect(added).toEqual(zero);
      const left = await store.context.db
        .selectFrom('usage')
        .select('day')
        .where('conversation_id', '=', 's1')
        .execute();
      expect(left).toEqual([]);
    });

  it('refuses days that are not dates and deltas that are not counts', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    for (const bad of ['2026-02-30', '2026-1-5', '2026-01-05T00:00', 'today', '']) {
      await expect(store.usage.get('s1', bad)).rejects.toBeInstanceOf(RangeError);
      await expect(store.usage.add('s1', bad, { turns: 1, tokens: 1 })).rejects.toBeInstanceOf(
        RangeError,
      );
    }
    for (const delta of [
      { turns: -1, tokens: 0 },
      { turns: 1, tokens: 1.5 },
      { turns: 1, tokens: Number.NaN },
      { turns: Number.POSITIVE_INFINITY, tokens: 0 },
    ]) {
      await expect(store.usage.add('s1', day, delta)).rejects.toBeInstanceOf(RangeError);
    }
    expect(await store.usage.get('s1', day)).toEqual(zero);
  });
});
