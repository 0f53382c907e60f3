import { ManualClock } from '@parley/server';
import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';

await describeEachBackend('outbox', (stores) => {
  it('hands a due item to exactly one of two instances claiming at once', async () => {
    const clock = new ManualClock();
    const a = await stores.open({ clock });
    const b = await stores.open({ clock, fresh: false });
    for (let i = 0; i < 20; i++) await a.outbox.enqueue('webhook', { n: i });
    const [first, second] = await Promise.all([
      a.outbox.claim<{ n: number }>('webhook', 20, 60_000),
      b.outbox.claim<{ n: number }>('webhook', 20, 60_000),
    ]);
    const claimed = [...first, ...second].map((item) => item.payload.n).sort((x, y) => x - y);
    expect(claimed).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('waits for an item to be due, and gives an expired claim to someone else', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    await store.outbox.enqueue('mail', { later: true }, { dueAt: clock.now() + 1_000 });
    expect(await store.outbox.claim('mail', 10, 5_000)).toHaveLength(0);
    clock.advance(1_000);
    expect(await store.outbox.claim('mail', 10, 5_000)).toHaveLength(1);
    expect(await store.outbox.claim('mail', 10, 5_000)).toHaveLength(0);
    clock.advance(5_001);
    expect(await store.outbox.claim('mail', 10, 5_000)).toHaveLength(1);
  });

  it('retries a failed item when asked, gives it up otherwise, and counts the attempts', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    await store.outbox.enqueue('webhook', {});
    const [item] = await store.outbox.claim('webhook', 1, 1_000);
    await store.outbox.fail(item!.id, 'HTTP 503', clock.now() + 10_000);
    expect(await store.outbox.backlog('webhook')).toBe(1);
    clock.advance(10_000);
    const [again] = await store.outbox.claim('webhook', 1, 1_000);
    expect(again?.attempts).toBe(1);
    await store.outbox.fail(again!.id, 'HTTP 503', undefined);
    expect(await store.outbox.backlog('webhook')).toBe(0);
  });
});

await describeEachBackend('retention', (stores) => {
  it('deletes conversations untouched for longer than the retention, keeping tickets as configured', async () => {
    const clock = new ManualClock();
    const store = await stores.open({
      clock,
      limits: { sessionTtlMs: 365 * 86_400_000, sessionMaxAgeMs: 365 * 86_400_000 },
    });
    const old = await store.conversations.create('old-session');
    await store.log.append(old.id, { role: 'user', text: 'an old question' });
    await store.items.add(old.id, [{ role: 'user', content: 'an old question' }]);
    await store.tickets.create(old.id, {
      id: 'T-OLDOLDOL',
      conversation: old.publicId,
      subject: 's',
      description: 'd',
      priority: 'low',
      createdAt: new Date(clock.now()).toISOString(),
      transcript: [
        {
          id: 'm',
          seq: 1,
          role: 'user',
          text: 'an old question',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      ],
      contact: { email: 'old@example.com' },
    });
    clock.advance(91 * 86_400_000);
    const recent = await store.conversations.create('recent-session');
    await store.log.append(recent.id, { role: 'user', text: 'a new question' });

    const swept = await store.retention.sweep({
      conversationsMs: 90 * 86_400_000,
      ticketTranscripts: 'anonymise',
    });
    expect(swept.conversations).toBe(1);
    expect(await store.conversations.byPublicId(old.publicId)).toBeUndefined();
    expect(await store.log.all(old.id)).toEqual([]);
    expect(await store.items.recent(old.id, 10)).toEqual([]);
    expect(await store.conversations.byPublicId(recent.publicId)).toBeDefined();
    const ticket = await store.tickets.get('T-OLDOLDOL');
    expect(ticket?.transcript).toEqual([]);
    expect(ticket?.contact).toBeUndefined();
    // Subject and description are written from the visitor's words.
    expect(ticket).toMatchObject({ subject: '[erased]', description: '[erased]' });
    // A second sweep (another instance at the same time) finds nothing left to do.
    expect(
      (
        await store.retention.sweep({
          conversationsMs: 90 * 86_400_000,
          ticketTranscripts: 'anonymise',
        })
      ).conversations,
    ).toBe(0);
  });

  it('keeps everything without a retention period, but sweeps expired locks and counters', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    await store.conversations.create('kept');
    clock.advance(400 * 86_400_000);
    const swept = await store.retention.sweep({
      conversationsMs: undefined,
      ticketTranscripts: 'keep',
    });
    expect(swept.conversations).toBe(0);
  });
});
