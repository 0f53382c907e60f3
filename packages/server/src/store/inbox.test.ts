import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { InvalidCursorError } from '../errors.js';
import type { InboxQuery } from './inbox.js';
import { encodeCursor } from './paging.js';
import type { Store } from './store.js';

const MINUTE = 60_000;
const dana = { id: 'op-1', name: 'Dana' };

await describeEachBackend('the inbox', (stores) => {
  /**
   * Nine conversations, one a minute: w1 and w2 wait (w1 longer), h1 is with a person, b1…b4 are
   * the assistant's (b4 most recently active), c1 and c2 are closed.
   */
  async function open() {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    const at = async (id: string, status?: 'waiting' | 'human' | 'closed') => {
      clock.advance(MINUTE);
      await store.conversations.create(id);
      await store.log.append(id, { role: 'user', text: `question from ${id}` });
      if (status === 'waiting' || status === 'human') {
        await store.conversations.changeStatus(id, { to: 'waiting', from: ['bot'] });
      }
      if (status === 'human') {
        await store.conversations.changeStatus(id, {
          to: 'human',
          from: ['waiting'],
          operator: dana,
        });
      }
      if (status === 'closed')
        await store.conversations.changeStatus(id, { to: 'closed', from: ['bot'] });
    };
    await at('w1', 'waiting');
    await at('b1');
    await at('c1', 'closed');
    await at('b2');
    await at('h1', 'human');
    await at('w2', 'waiting');
    await at('b3');
    await at('c2', 'closed');
    await at('b4');
    return { store, clock };
  }

  const ids = async (store: Store, query: InboxQuery) =>
    (await store.inbox.list(query)).items.map((entry) => entry.conversation.id);

  async function everyPage(store: Store, query: Omit<InboxQuery, 'cursor'>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.inbox.list({ ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((entry) => entry.conversation.id));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  const ORDER = ['w1', 'w2', 'h1', 'b4', 'b3', 'b2', 'b1', 'c2', 'c1'];

  it('lists waiting first (longest wait first), then people’s, the assistant’s and closed, most recent first', async () => {
    const { store } = await open();
    expect(await ids(store, { limit: 50 })).toEqual(ORDER);
    const [first] = (await store.inbox.list({ limit: 1 })).items;
    expect(first?.lastMessage).toMatchObject({ role: 'user', text: 'question from w1' });
  });

  it('pages through the same order, whatever the page size, with nothing repeated or skipped', async () => {
    const { store } = await open();
    for (const limit of [1, 2, 4, 8, 9]) expect(await everyPage(store, { limit })).toEqual(ORDER);
    expect(await everyPage(store, { limit: 2, status: 'bot' })).toEqual(['b4', 'b3', 'b2', 'b1']);
  });

  it('keeps a cursor right when a conversation moves ahead of it', async () => {
    const { store, clock } = await open();
    const first = await store.inbox.list({ limit: 4 });
    expect(first.items.map((e) => e.conversation.id)).toEqual(ORDER.slice(0, 4));
    // b1 becomes the most recent: it moves before the cursor, and is not shown twice.
    clock.advance(MINUTE);
    await store.conversations.touch('b1');
    const rest = await store.inbox.list({ limit: 50, cursor: first.nextCursor! });
    expect(rest.items.map((e) => e.conversation.id)).toEqual(['b3', 'b2', 'c2', 'c1']);
  });

  it('searches messages and contacts, with % and _ taken literally', async () => {
    const { store } = await open();
    await store.conversations.setContact('b2', { email: 'maria_lopez@example.com', name: 'María' });
    await store.log.append('b3', { role: 'user', text: 'a 100% refund please' });
    expect(await ids(store, { limit: 50, q: 'MARIA_' })).toEqual(['b2']);
    expect(await ids(store, { limit: 50, q: '100%' })).toEqual(['b3']);
    expect(await ids(store, { limit: 50, q: '%' })).toEqual(['b3']);
    expect(await ids(store, { limit: 50, q: 'question from c' })).toEqual(['c2', 'c1']);
  });

  it('answers a forged cursor far outside any position with an empty page', async () => {
    const { store } = await open();
    const far = Number.MAX_SAFE_INTEGER;
    expect(await ids(store, { limit: 5, cursor: encodeCursor([far, far, 'x']) })).toEqual([]);
    expect(await ids(store, { limit: 5, cursor: encodeCursor([-far, -far, '']) })).toEqual(
      ORDER.slice(0, 5),
    );
  });

  it.each([
    ['garbage', 'bogus!'],
    ['a ticket cursor', encodeCursor([1, 't1'])],
    ['a position with a fraction', encodeCursor([0, 1.5, 'w1'])],
  ])('refuses a cursor that is %s', async (_what, cursor) => {
    const { store } = await open();
    await expect(store.inbox.list({ limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
