import type { Message } from '@parley/shared';
import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { InvalidCursorError } from '../errors.js';
import { encodeCursor } from './paging.js';
import type { Store } from './store.js';
import type { Ticket } from './tickets.js';

const transcript: Message[] = [
  { id: 'msg_1', seq: 1, role: 'user', text: 'help', createdAt: '2026-01-05T12:00:00.000Z' },
  {
    id: 'msg_2',
    seq: 2,
    role: 'assistant',
    text: 'ok',
    createdAt: '2026-01-05T12:00:01.000Z',
    toolsUsed: [],
    citations: [{ title: 'Shipping', url: 'https://help.example.com/shipping' }],
  },
];

function ticket(id: string, conversation: string, createdAt: string): Omit<Ticket, 'status'> {
  return {
    id,
    conversation,
    subject: `Subject ${id}`,
    description: 'Printer on fire',
    priority: 'high',
    createdAt,
    transcript,
  };
}

/** Reads every page of the list, newest first, checking that pages link up. */
async function readAllPages(store: Store, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.tickets.list(cursor === undefined ? { limit } : { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((t) => t.id));
    if (page.nextCursor === undefined) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

await describeEachBackend('tickets', (stores) => {
  it('creates open tickets, reads them back and counts them per conversation', async () => {
    const store = await stores.open();
    const { publicId } = await store.conversations.create('s1');
    await store.conversations.create('s2');
    const t1 = ticket('T-1', publicId, '2026-01-05T12:00:00.000Z');
    await store.tickets.create('s1', t1);
    await store.tickets.create('s1', ticket('T-2', publicId, '2026-01-05T12:01:00.000Z'));
    await store.tickets.create('s2', ticket('T-3', 'c_other', '2026-01-05T12:02:00.000Z'));

    expect(await store.tickets.get('T-1')).toEqual({ ...t1, status: 'open' });
    expect(await store.tickets.get('nope')).toBeUndefined();
    expect(await store.tickets.countFor('s1')).toBe(2);
    expect(await store.tickets.countFor('s2')).toBe(1);
    expect(await store.tickets.countFor('s3')).toBe(0);
    expect((await store.tickets.forConversation('s1')).map((t) => t.id)).toEqual(['T-2', 'T-1']);
  });

  it('keeps a contact given with the ticket', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.tickets.create('s1', {
      ...ticket('T-1', 'c_1', '2026-01-05T12:00:00.000Z'),
      contact: { email: 'sam@example.com' },
    });
    expect((await store.tickets.get('T-1'))?.contact).toEqual({ email: 'sam@example.com' });
  });

  it('lists newest first across pages, ties in time broken by id', async () => {
    const store = await stores.open();
    const times = [
      '2026-01-05T12:00:00.000Z',
      '2026-01-05T12:03:00.000Z',
      '2026-01-05T12:01:00.000Z',
    ];
    // t0..t6 over three distinct times, so several tickets share a time.
    for (let i = 0; i < 7; i++)
      await store.tickets.create('s1', ticket(`t${i}`, 'c_1', times[i % 3]!));
    const expected = ['t4', 't1', 't5', 't2', 't6', 't3', 't0'];

    const first = await store.tickets.list({ limit: 3 });
    expect(first.items.map((t) => t.id)).toEqual(expected.slice(0, 3));
    expect(first.nextCursor).toBeDefined();
    expect(await readAllPages(store, 3)).toEqual(expected);

    // A ticket created while paging is not repeated on later pages, nor does it shift them.
    await store.tickets.create('s1', ticket('t-new', 'c_1', '2026-01-05T13:00:00.000Z'));
    const second = await store.tickets.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.items.map((t) => t.id)).toEqual(expected.slice(3, 6));

    const exact = await store.tickets.list({ limit: 8 });
    expect(exact.items).toHaveLength(8);
    expect(exact.nextCursor).toBeUndefined();
    expect(await store.tickets.list({ limit: 3, cursor: encodeCursor([0, '']) })).toEqual({
      items: [],
    });
  });

  it.each([
    ['garbage', 'bogus!'],
    ['base64 of something else', Buffer.from('foo').toString('base64url')],
    ['a position of the wrong shape', Buffer.from('[1.5,"t1"]').toString('base64url')],
  ])('refuses a cursor that is %s', async (_what, cursor) => {
    const store = await stores.open();
    await expect(store.tickets.list({ limit: 3, cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('changes status and assignee, and filters the list by them', async () => {
    const store = await stores.open();
    for (let i = 1; i <= 3; i++) {
      await store.tickets.create('s1', ticket(`T-${i}`, 'c_1', `2026-01-05T12:0${i}:00.000Z`));
    }
    const dana = { id: 'op-1', name: 'Dana' };
    expect(await store.tickets.update('T-1', { status: 'pending', assignee: dana })).toMatchObject({
      id: 'T-1',
      status: 'pending',
      assignee: dana,
    });
    await store.tickets.update('T-2', { status: 'solved' });
    expect(await store.tickets.update('nope', { status: 'solved' })).toBeUndefined();

    const ids = async (filter: Parameters<Store['tickets']['list']>[0]) =>
      (await store.tickets.list(filter)).items.map((t) => t.id);
    expect(await ids({ limit: 10, status: 'open' })).toEqual(['T-3']);
    expect(await ids({ limit: 10, status: 'solved' })).toEqual(['T-2']);
    expect(await ids({ limit: 10, assignee: 'op-1' })).toEqual(['T-1']);

    // `null` unassigns; the status stays as it was.
    expect(await store.tickets.update('T-1', { assignee: null })).toMatchObject({
      status: 'pending',
    });
    expect((await store.tickets.get('T-1'))?.assignee).toBeUndefined();
  });
});
