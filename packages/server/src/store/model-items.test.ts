import type { AgentInputItem } from '@openai/agents';
import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { ConversationNotFoundError } from '../errors.js';

const userItem = (text: string): AgentInputItem => ({
  type: 'message',
  role: 'user',
  content: text,
});

/** A rich item: nested objects and an empty array, which a careless encoder would mangle. */
const callItem = (callId: string): AgentInputItem => ({
  type: 'function_call',
  callId,
  name: 'lookup_order',
  arguments: JSON.stringify({ orderId: 'A1', tags: [] }),
  status: 'completed',
  providerData: { nested: { list: [], flag: false, unicode: 'ünï €' } },
});

await describeEachBackend('model items', (stores) => {
  it('adds items in order and reads back the most recent, oldest first', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const items = [userItem('1'), callItem('c1'), userItem('2'), userItem('3')];
    await store.items.add('s1', items.slice(0, 2));
    await store.items.add('s1', items.slice(2));
    await store.items.add('s1', []);

    expect(await store.items.recent('s1', 10)).toEqual(items);
    expect(await store.items.recent('s1', 2)).toEqual(items.slice(2));
    expect(await store.items.recent('s1', 0)).toEqual([]);
  });

  it('keeps conversations apart and copes with a large batch', async () => {
    const store = await stores.open();
    await store.conversations.create('a');
    await store.conversations.create('b');
    const many = Array.from({ length: 1200 }, (_, i) => userItem(`m${i}`));
    await store.items.add('a', many);
    await store.items.add('b', [userItem('only b')]);
    expect(await store.items.recent('a', Number.MAX_SAFE_INTEGER)).toHaveLength(1200);
    expect(await store.items.recent('a', 1)).toEqual([userItem('m1199')]);
    expect(await store.items.recent('b', 10)).toEqual([userItem('only b')]);
    expect(await store.items.recent('unknown', 10)).toEqual([]);
  });

  it('refuses items for a conversation that is unknown or erased', async () => {
    const store = await stores.open();
    await expect(store.items.add('unknown', [userItem('x')])).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
    await store.conversations.create('s1');
    await store.items.add('s1', [userItem('x')]);
    await store.conversations.erase('s1');
    await expect(store.items.add('s1', [userItem('late')])).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
    expect(await store.items.recent('s1', 10)).toEqual([]);
  });
});
