import { describeEachBackend } from '@parley/testkit/stores';
import pg from 'pg';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ConversationNotFoundError } from '../errors.js';
import type { Store } from './store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const limits = { sessionTtlMs: 30 * MINUTE, sessionMaxAgeMs: 24 * HOUR };

const dana = { id: 'op-1', name: 'Dana' };
const lee = { id: 'op-2', name: 'Lee' };

/** Rows anywhere in the database that still name the conversation. */
async function rowsOf(store: Store, id: string): Promise<Record<string, number>> {
  const { db } = store.context;
  const counts: Record<string, number> = {};
  const count = async (table: 'conversations', column: 'id') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(column, '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  counts.conversations = await count('conversations', 'id');
  for (const table of [
    'messages',
    'model_items',
    'feedback',
    'idempotency',
    'usage',
    'outbox',
    'tickets',
  ] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

await describeEachBackend('conversations', (stores) => {
  it('creates a conversation with a public id, in the bot state, at the clock time', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    const created = await store.conversations.create('s1');
    expect(created).toEqual({
      id: 's1',
      publicId: expect.stringMatching(/^c_[\w-]{16}$/),
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
      lastSeq: 0,
      status: 'bot',
      statusChangedAt: undefined,
      waitingSince: undefined,
      operator: undefined,
      contact: undefined,
      identity: undefined,
      visitorSeenSeq: 0,
      escalatedAt: undefined,
      firstOperatorReplyAt: undefined,
      closedAt: undefined,
    });
    expect(await store.conversations.get('s1')).toEqual(created);
    expect(await store.conversations.get('unknown')).toBeUndefined();
    // Public ids are unguessable and never repeat.
    const other = await store.conversations.create('s2');
    expect(other.publicId).not.toBe(created.publicId);
  });

  it('refuses a second conversation with the same id', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await expect(store.conversations.create('s1')).rejects.toThrow();
  });

  it('stays live while used within the idle TTL, and not a moment longer', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    clock.advance(limits.sessionTtlMs - 1);
    await store.conversations.touch('s1');
    clock.advance(limits.sessionTtlMs - 1);
    expect((await store.conversations.get('s1'))?.lastSeenAt).toBe(
      clock.now() - (limits.sessionTtlMs - 1),
    );
    clock.advance(1);
    expect(await store.conversations.get('s1')).toBeUndefined();
  });

  it('ends at its maximum age however busy it is, but stays on record for operators', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    const created = await store.conversations.create('s1');
    const step = limits.sessionTtlMs / 2;
    for (let elapsed = step; elapsed < limits.sessionMaxAgeMs; elapsed += step) {
      clock.advance(step);
      await store.conversations.touch('s1');
      expect(await store.conversations.get('s1')).toBeDefined();
    }
    clock.advance(step);
    await store.conversations.touch('s1');
    expect(await store.conversations.get('s1')).toBeUndefined();
    expect((await store.conversations.byPublicId(created.publicId))?.id).toBe('s1');
  });

  it('finds any conversation by its public id, live or not', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    const created = await store.conversations.create('s1');
    clock.advance(limits.sessionTtlMs);
    expect(await store.conversations.byPublicId(created.publicId)).toEqual(created);
    expect(await store.conversations.byPublicId('c_nobody')).toBeUndefined();
  });

  it('finds the newest live conversation of a verified identity', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    for (const id of ['old', 'newer', 'stranger']) {
      await store.conversations.create(id);
      clock.advance(MINUTE);
    }
    await store.conversations.setIdentity('old', { sub: 'user-7', email: 'sam@example.com' });
    await store.conversations.setIdentity('newer', { sub: 'user-7', name: 'Sam' });
    await store.conversations.setIdentity('stranger', { sub: 'user-8' });
    await store.conversations.touch('newer');
    expect((await store.conversations.byIdentity('user-7'))?.id).toBe('newer');
    clock.advance(MINUTE);
    await store.conversations.touch('old');
    expect(await store.conversations.byIdentity('user-7')).toMatchObject({
      id: 'old',
      identity: { sub: 'user-7', email: 'sam@example.com' },
      // A verified email becomes the contact when there is none.
      contact: { email: 'sam@example.com' },
    });
    expect(await store.conversations.byIdentity('user-9')).toBeUndefined();
    clock.advance(limits.sessionTtlMs);
    expect(await store.conversations.byIdentity('user-7')).toBeUndefined();
  });

  it('keeps a contact the visitor gave over the email of an identity verified later', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.conversations.setContact('s1', { email: 'given@example.com' });
    await store.conversations.setIdentity('s1', {
      sub: 'user-7',
      email: 'verified@example.com',
      name: 'Sam',
    });
    expect((await store.conversations.get('s1'))?.contact).toEqual({
      email: 'given@example.com',
      name: 'Sam',
    });
  });

  it('changes status only from the states named: compare and set', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    clock.advance(MINUTE);
    const waiting = await store.conversations.changeStatus('s1', { to: 'waiting', from: ['bot'] });
    expect(waiting).toMatchObject({
      status: 'waiting',
      statusChangedAt: clock.now(),
      waitingSince: clock.now(),
      escalatedAt: clock.now(),
    });
    const escalatedAt = clock.now();
    // Not in one of `from`: nothing changes.
    expect(
      await store.conversations.changeStatus('s1', { to: 'human', from: ['bot'], operator: dana }),
    ).toBeUndefined();
    expect((await store.conversations.get('s1'))?.status).toBe('waiting');

    clock.advance(MINUTE);
    const joined = await store.conversations.changeStatus('s1', {
      to: 'human',
      from: ['waiting'],
      operator: dana,
    });
    expect(joined).toMatchObject({ status: 'human', operator: dana, waitingSince: undefined });

    clock.advance(MINUTE);
    const closed = await store.conversations.changeStatus('s1', {
      to: 'closed',
      from: ['human'],
    });
    // The operator stays on record unless the change clears it.
    expect(closed).toMatchObject({ status: 'closed', closedAt: clock.now(), operator: dana });

    clock.advance(MINUTE);
    const reopened = await store.conversations.changeStatus('s1', {
      to: 'waiting',
      from: ['closed'],
      operator: null,
    });
    // The first escalation is what counts; reopening clears the closing time.
    expect(reopened).toMatchObject({
      status: 'waiting',
      escalatedAt,
      closedAt: undefined,
      operator: undefined,
    });
    expect(
      await store.conversations.changeStatus('unknown', { to: 'waiting', from: ['bot'] }),
    ).toBeUndefined();
  });

  it('lets exactly one of two operators joining at once take the conversation', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.conversations.changeStatus('s1', { to: 'waiting', from: ['bot'] });
    const joins = await Promise.all(
      [dana, lee].map((operator) =>
        store.conversations.changeStatus('s1', { to: 'human', from: ['waiting'], operator }),
      ),
    );
    const winners = joins.filter((joined) => joined !== undefined);
    expect(winners).toHaveLength(1);
    expect((await store.conversations.get('s1'))?.operator).toEqual(winners[0]?.operator);
  });

  if (stores.backend === 'postgres')
    it('lets exactly one of two operators on two instances take the conversation', async () => {
      const first = await stores.open();
      const second = await stores.open({ fresh: false });
      await first.conversations.create('s1');
      for (let round = 0; round < 10; round++) {
        await first.conversations.changeStatus('s1', { to: 'waiting', from: ['bot', 'human'] });
        const joins = await Promise.all([
          first.conversations.changeStatus('s1', {
            to: 'human',
            from: ['waiting'],
            operator: dana,
          }),
          second.conversations.changeStatus('s1', {
            to: 'human',
            from: ['waiting'],
            operator: lee,
          }),
        ]);
        expect(joins.filter((joined) => joined !== undefined)).toHaveLength(1);
      }
    });

  it('stores the contact on the conversation and on every ticket it opened', async () => {
    const store = await stores.open();
    const conversation = await store.conversations.create('s1');
    const other = await store.conversations.create('s2');
    const ticket = (id: string, publicId: string) => ({
      id,
      conversation: publicId,
      subject: 'Refund',
      description: 'Card charged twice',
      priority: 'high' as const,
      createdAt: '2026-01-05T12:00:00.000Z',
      transcript: [],
    });
    await store.tickets.create('s1', ticket('T-1', conversation.publicId));
    await store.tickets.create('s1', ticket('T-2', conversation.publicId));
    await store.tickets.create('s2', ticket('T-3', other.publicId));

    expect(
      await store.conversations.setContact('s1', { email: 'sam@example.com', name: 'Sam' }),
    ).toBe(true);
    expect((await store.conversations.get('s1'))?.contact).toEqual({
      email: 'sam@example.com',
      name: 'Sam',
    });
    for (const id of ['T-1', 'T-2']) {
      expect((await store.tickets.get(id))?.contact).toEqual({
        email: 'sam@example.com',
        name: 'Sam',
      });
    }
    expect((await store.tickets.get('T-3'))?.contact).toBeUndefined();

    // A later correction replaces it everywhere, the name too.
    await store.conversations.setContact('s1', { email: 'sam@work.example' });
    expect((await store.tickets.get('T-1'))?.contact).toEqual({ email: 'sam@work.example' });
    expect(await store.conversations.setContact('unknown', { email: 'x@example.com' })).toBe(false);
  });

  it('records what the visitor has seen, never moving back and never past the last message', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    for (let i = 1; i <= 5; i++) await store.log.append('s1', { role: 'user', text: `m${i}` });
    // A position the visitor made up (Last-Event-ID) would silence every later reply's mail.
    await store.conversations.markSeen('s1', 999_999_999_999);
    expect((await store.conversations.get('s1'))?.visitorSeenSeq).toBe(0);
    await store.conversations.markSeen('s1', 4);
    await store.conversations.markSeen('s1', 2);
    expect((await store.conversations.get('s1'))?.visitorSeenSeq).toBe(4);
    await store.conversations.markSeen('s1', 5);
    expect((await store.conversations.get('s1'))?.visitorSeenSeq).toBe(5);
  });

  it('records the first operator reply only once', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    clock.advance(MINUTE);
    await store.conversations.markOperatorReplied('s1');
    const first = clock.now();
    clock.advance(MINUTE);
    await store.conversations.markOperatorReplied('s1');
    expect((await store.conversations.get('s1'))?.firstOperatorReplyAt).toBe(first);
  });

  if (stores.backend === 'postgres')
    it('erases what a write already under way when the erase began adds (another instance)', async () => {
      const store = await stores.open();
      await store.conversations.create('s1');
      const { url } = stores.spec as { url: string };
      const writer = new pg.Client({ connectionString: url });
      await writer.connect();
      try {
        // A rating being saved: its transaction holds the conversation row, as every write does.
        await writer.query('BEGIN');
        await writer.query('UPDATE conversations SET last_seq = last_seq WHERE id = $1', ['s1']);
        const erasing = store.conversations.erase('s1');
        await new Promise((resolve) => setTimeout(resolve, 200));
        await writer.query(
          `INSERT INTO feedback (conversation_id, message_id, rating, comment, created_at)
           VALUES ('s1', 'm1', 'down', 'my address is…', 0)`,
        );
        await writer.query('COMMIT');
        expect(await erasing).toBe(true);
      } finally {
        await writer.end();
      }
      expect(await rowsOf(store, 's1')).toMatchObject({ conversations: 0, feedback: 0 });
    });

  it('erases everything of a conversation and detaches its tickets, which keep their transcript', async () => {
    const store = await stores.open();
    const { publicId } = await store.conversations.create('s1');
    await store.conversations.create('s2');
    const question = await store.log.append('s1', { role: 'user', text: 'Help' });
    const answer = await store.log.append('s1', { role: 'assistant', text: 'Sure' });
    await store.items.add('s1', [{ role: 'user', content: 'Help' }]);
    await store.feedback.save('s1', { messageId: answer.id, rating: 'up' });
    await store.idempotency.begin('s1', 'k1', 'hash', 60_000);
    await store.usage.add('s1', '2026-01-05', { turns: 1, tokens: 10 });
    await store.tickets.create('s1', {
      id: 'T-1',
      conversation: publicId,
      subject: 'Help',
      description: 'Needs help',
      priority: 'low',
      createdAt: '2026-01-05T12:00:00.000Z',
      transcript: [question, answer],
    });
    await store.log.append('s2', { role: 'user', text: 'Someone else' });

    expect(await store.conversations.erase('s1')).toBe(true);
    expect(await rowsOf(store, 's1')).toEqual({
      conversations: 0,
      messages: 0,
      model_items: 0,
      feedback: 0,
      idempotency: 0,
      usage: 0,
      outbox: 0,
      tickets: 0,
    });
    expect(await store.conversations.get('s1')).toBeUndefined();
    expect(await store.conversations.byPublicId(publicId)).toBeUndefined();
    expect(await store.tickets.get('T-1')).toMatchObject({
      conversation: publicId,
      transcript: [question, answer],
    });
    // Nothing else was touched, and erasing twice finds nothing.
    expect(await store.log.all('s2')).toHaveLength(1);
    expect(await store.conversations.erase('s1')).toBe(false);
    // The id can never answer again: writes fail rather than bring it back.
    await store.conversations.touch('s1');
    await expect(store.log.append('s1', { role: 'user', text: 'Late' })).rejects.toThrow(
      ConversationNotFoundError,
    );
    expect(await store.conversations.get('s1')).toBeUndefined();
  });
});
