import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ConversationNotFoundError } from '../errors.js';
import type { Store } from './store.js';

/** Appends `n` visitor messages `m1`…`mn` one after another. */
async function appendMany(store: Store, conversationId: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await store.log.append(conversationId, { role: 'user', text: `m${i}` });
  }
}

await describeEachBackend('conversation log', (stores) => {
  it('gives each message the next position, an id and the clock time, with its optional parts', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    await store.conversations.create('s1');
    const question = await store.log.append('s1', { role: 'user', text: 'Where is my order?' });
    clock.advance(1_500);
    const answer = await store.log.append('s1', {
      role: 'assistant',
      text: 'It shipped. **Tracking** is in your email.',
      toolsUsed: ['lookup_order'],
      citations: [{ title: 'Shipping', url: 'https://help.example.com/shipping' }],
      ticketId: 'T-ABCD2345',
      // Parts left undefined are not stored at all.
      author: undefined,
    });
    const reply = await store.log.append('s1', {
      role: 'operator',
      text: 'Dana here ünï €',
      author: { name: 'Dana' },
    });

    expect(question).toEqual({
      id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      seq: 1,
      role: 'user',
      text: 'Where is my order?',
      createdAt: new Date(clock.now() - 1_500).toISOString(),
    });
    expect(answer).toEqual({
      id: expect.stringMatching(/^msg_/),
      seq: 2,
      role: 'assistant',
      text: 'It shipped. **Tracking** is in your email.',
      createdAt: new Date(clock.now()).toISOString(),
      toolsUsed: ['lookup_order'],
      citations: [{ title: 'Shipping', url: 'https://help.example.com/shipping' }],
      ticketId: 'T-ABCD2345',
    });
    expect(reply).toMatchObject({ seq: 3, role: 'operator', author: { name: 'Dana' } });
    // What is read back is exactly what append returned.
    expect(await store.log.all('s1')).toEqual([question, answer, reply]);
    expect(await store.log.get('s1', answer.id)).toEqual(answer);
    expect((await store.conversations.get('s1'))?.lastSeq).toBe(3);
  });

  it('stores an answer with a stray NUL in it, without the NUL (PostgreSQL has no NUL in text)', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const answer = await store.log.append('s1', { role: 'assistant', text: 'Open\0 Settings.' });
    expect(answer.text).toBe('Open Settings.');
    expect((await store.log.all('s1')).map((m) => m.text)).toEqual(['Open Settings.']);
  });

  it('stores a lone surrogate half as U+FFFD, and says so in the message it returns', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const appended = await store.log.append('s1', { role: 'user', text: 'a\uD800b\uDC00c 😀' });
    expect(appended.text).toBe('a\uFFFDb\uFFFDc 😀');
    expect((await store.log.all('s1'))[0]?.text).toBe(appended.text);
  });

  it('keeps conversations apart', async () => {
    const store = await stores.open();
    await store.conversations.create('a');
    await store.conversations.create('b');
    const inA = await store.log.append('a', { role: 'user', text: 'in a' });
    const inB = await store.log.append('b', { role: 'user', text: 'in b' });
    expect(inB.seq).toBe(1);
    expect(await store.log.all('a')).toEqual([inA]);
    // A message is only found in its own conversation.
    expect(await store.log.get('b', inA.id)).toBeUndefined();
    expect(await store.log.all('unknown')).toEqual([]);
  });

  it('hands out gap-free positions, in order, to 50 appends at once', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.log.append('s1', { role: 'user', text: `message ${i}` }),
      ),
    );
    expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const all = await store.log.all('s1');
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Each message is stored at the position its append reported.
    for (const message of appended) expect(all[message.seq - 1]).toEqual(message);
  });

  if (stores.backend === 'postgres')
    it('hands out positions 1..50 exactly to appends from two instances sharing the database', async () => {
      const first = await stores.open();
      const second = await stores.open({ fresh: false });
      await first.conversations.create('s1');
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? first : second).log.append('s1', { role: 'user', text: `message ${i}` }),
        ),
      );
      expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect((await second.log.all('s1')).map((m) => m.text).sort()).toEqual(
        appended.map((m) => m.text).sort(),
      );
      expect((await first.conversations.get('s1'))?.lastSeq).toBe(50);
    });

  it('pages back from the latest messages, oldest first within a page', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await appendMany(store, 's1', 7);
    const texts = (page: { messages: { text: string }[] }) => page.messages.map((m) => m.text);

    const latest = await store.log.page('s1', { limit: 3 });
    expect(texts(latest)).toEqual(['m5', 'm6', 'm7']);
    expect(latest.before).toBe(5);
    const middle = await store.log.page('s1', { limit: 3, before: latest.before! });
    expect(texts(middle)).toEqual(['m2', 'm3', 'm4']);
    expect(middle.before).toBe(2);
    const first = await store.log.page('s1', { limit: 3, before: middle.before! });
    expect(texts(first)).toEqual(['m1']);
    expect(first.before).toBeUndefined();

    // A page that holds exactly the rest has no cursor; so does an empty log.
    expect((await store.log.page('s1', { limit: 7 })).before).toBeUndefined();
    expect(await store.log.page('s1', { limit: 3, before: 1 })).toEqual({ messages: [] });
    expect(await store.log.page('unknown', { limit: 3 })).toEqual({ messages: [] });
  });

  it('keeps a page cursor right while messages are added', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await appendMany(store, 's1', 4);
    const latest = await store.log.page('s1', { limit: 2 });
    await store.log.append('s1', { role: 'user', text: 'new' });
    const older = await store.log.page('s1', { limit: 2, before: latest.before! });
    expect(older.messages.map((m) => m.text)).toEqual(['m1', 'm2']);
  });

  it('returns what came after a position, in order and at most `limit`', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await appendMany(store, 's1', 5);
    expect((await store.log.after('s1', 2)).map((m) => m.seq)).toEqual([3, 4, 5]);
    expect((await store.log.after('s1', 0, 2)).map((m) => m.seq)).toEqual([1, 2]);
    expect(await store.log.after('s1', 5)).toEqual([]);
    expect(await store.log.after('unknown', 0)).toEqual([]);
  });

  it('takes a position past anything a log can hold (a forged cursor) as past the end', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await appendMany(store, 's1', 3);
    const far = 999_999_999_999_999; // the most digits a cursor may have
    expect(await store.log.after('s1', far)).toEqual([]);
    expect((await store.log.page('s1', { limit: 2, before: far })).messages).toHaveLength(2);
    await store.conversations.markSeen('s1', far);
  });

  it('refuses to write to a conversation that is unknown or erased, and never brings it back', async () => {
    const store = await stores.open();
    await expect(store.log.append('unknown', { role: 'user', text: 'hi' })).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
    await store.conversations.create('s1');
    await store.log.append('s1', { role: 'user', text: 'hi' });
    await store.conversations.erase('s1');
    await expect(store.log.append('s1', { role: 'user', text: 'again' })).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
    expect(await store.conversations.get('s1')).toBeUndefined();
    expect(await store.log.all('s1')).toEqual([]);
  });

  if (stores.backend !== 'sqlite-memory')
    it('keeps the log when the store is opened again', async () => {
      const first = await stores.open();
      await first.conversations.create('s1');
      const message = await first.log.append('s1', { role: 'user', text: 'remember me' });
      await first.close();
      const second = await stores.open({ fresh: false });
      expect(await second.log.all('s1')).toEqual([message]);
      expect((await second.log.append('s1', { role: 'assistant', text: 'I do' })).seq).toBe(2);
    });
});
