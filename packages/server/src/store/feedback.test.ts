import { describeEachBackend, whileErasedElsewhere } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { InvalidCursorError } from '../errors.js';
import type { FeedbackRecord } from './feedback.js';

const MINUTE = 60_000;

await describeEachBackend('feedback', (stores) => {
  it('keeps one rating per answer, newest first; rating again replaces it', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock });
    const s1 = await store.conversations.create('s1');
    const s2 = await store.conversations.create('s2');
    const at = () => new Date(clock.now()).toISOString();

    await store.feedback.save('s1', { messageId: 'm1', rating: 'up' });
    const first: FeedbackRecord = {
      conversation: s1.publicId,
      messageId: 'm1',
      rating: 'up',
      createdAt: at(),
    };
    clock.advance(MINUTE);
    await store.feedback.save('s1', { messageId: 'm2', rating: 'down', comment: 'wrong' });
    const second: FeedbackRecord = {
      conversation: s1.publicId,
      messageId: 'm2',
      rating: 'down',
      comment: 'wrong',
      createdAt: at(),
    };
    clock.advance(MINUTE);
    // The same message id in another conversation is another answer.
    await store.feedback.save('s2', { messageId: 'm1', rating: 'up' });
    const third: FeedbackRecord = {
      conversation: s2.publicId,
      messageId: 'm1',
      rating: 'up',
      createdAt: at(),
    };
    expect((await store.feedback.list({ limit: 10 })).items).toEqual([third, second, first]);

    clock.advance(MINUTE);
    await store.feedback.save('s1', {
      messageId: 'm1',
      rating: 'down',
      comment: 'changed my mind',
    });
    const changed: FeedbackRecord = {
      ...first,
      rating: 'down',
      comment: 'changed my mind',
      createdAt: at(),
    };
    const page = await store.feedback.list({ limit: 10 });
    expect(page).toEqual({ items: [changed, third, second] });

    // Rating again without a comment drops the old comment.
    clock.advance(MINUTE);
    await store.feedback.save('s1', { messageId: 'm1', rating: 'up' });
    expect((await store.feedback.list({ limit: 1 })).items).toEqual([
      { ...first, createdAt: at() },
    ]);
  });

  it('pages through ratings, ties in time broken by message id', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) {
      await store.feedback.save('s1', { messageId: id, rating: 'up' });
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.feedback.list(
        cursor === undefined ? { limit: 2 } : { limit: 2, cursor },
      );
      ids.push(...page.items.map((r) => r.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
  });

  it('forgets ratings with their conversation', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.feedback.save('s1', { messageId: 'm1', rating: 'up' });
    await store.conversations.erase('s1');
    expect(await store.feedback.list({ limit: 10 })).toEqual({ items: [] });
  });

  it('keeps no rating for a conversation that is unknown or erased', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.conversations.erase('s1');
    await store.feedback.save('s1', { messageId: 'm1', rating: 'down', comment: 'my address is…' });
    await store.feedback.save('never', { messageId: 'm1', rating: 'up' });
    const rows = await store.context.db.selectFrom('feedback').selectAll().execute();
    expect(rows).toEqual([]);
  });

  if (stores.backend === 'postgres')
    it('keeps no rating given while the conversation is being erased', async () => {
      const store = await stores.open();
      await store.conversations.create('s1');
      // Another instance erasing the conversation while the rating is saved.
      await whileErasedElsewhere(stores.spec, 's1', 'feedback', () =>
        store.feedback.save('s1', { messageId: 'm1', rating: 'down', comment: 'x' }),
      );
      expect(await store.context.db.selectFrom('feedback').selectAll().execute()).toEqual([]);
    });

  it('refuses a cursor it never issued', async () => {
    const store = await stores.open();
    await expect(store.feedback.list({ limit: 3, cursor: 'Zm9v' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});
