import { describe, expect, it } from 'vitest';
import { ConsoleApiError } from '../api/errors';
import { cell } from './cell';
import { latestLoad } from './latest';
import { nextPageLoader } from './next-page';

interface Item {
  id: string;
}
type Page = { items: Item[]; nextCursor?: string };

function setup(fetch: (cursor: string) => Promise<Page>) {
  const items = cell<Item[]>([{ id: 'a' }, { id: 'b' }]);
  const more = cell<string | undefined>('after-b');
  const error = cell<string | undefined>(undefined);
  const loading = cell(false);
  const latest = latestLoad(loading, error);
  const loadMore = nextPageLoader({ items, more, error, loading, latest, fetch });
  const ids = () => items.value.map((item) => item.id);
  return { items, more, error, latest, loadMore, ids };
}

describe('nextPageLoader', () => {
  it('appends the next page and moves the cursor on; an item shown already is not repeated', async () => {
    const asked: string[] = [];
    const { loadMore, more, ids } = setup(async (cursor) => {
      asked.push(cursor);
      return { items: [{ id: 'b' }, { id: 'c' }], nextCursor: 'after-c' };
    });
    await loadMore();
    expect(ids()).toEqual(['a', 'b', 'c']);
    expect(more.value).toBe('after-c');
    expect(asked).toEqual(['after-b']);
  });

  it('asks once while a page is on its way, and nothing when the list is complete', async () => {
    let asked = 0;
    const { loadMore, more, ids } = setup(async () => {
      asked++;
      return { items: [{ id: 'c' }] };
    });
    await Promise.all([loadMore(), loadMore()]);
    expect(asked).toBe(1);
    expect(more.value).toBeUndefined();
    await loadMore();
    expect(asked).toBe(1);
    expect(ids()).toEqual(['a', 'b', 'c']);
  });

  it('asks nothing while the list itself reloads (its cursor belongs to the old list)', async () => {
    let asked = 0;
    const { loadMore, latest, items } = setup(async () => {
      asked++;
      return { items: [{ id: 'c' }] };
    });
    let answer!: (fresh: Item[]) => void;
    const reloading = latest.run(
      () => new Promise<Item[]>((resolve) => (answer = resolve)),
      (fresh) => (items.value = fresh),
    );
    await loadMore();
    expect(asked).toBe(0);
    answer([{ id: 'x' }]);
    await reloading;
  });

  it('drops a page that answers after the list was loaded again', async () => {
    let answer!: (page: Page) => void;
    const { loadMore, latest, items, ids } = setup(
      () => new Promise<Page>((resolve) => (answer = resolve)),
    );
    const loading = loadMore();
    await latest.run(
      async () => [{ id: 'x' }],
      (fresh) => (items.value = fresh),
    );
    answer({ items: [{ id: 'c' }] });
    await loading;
    expect(ids()).toEqual(['x']);
  });

  it('shows a failure and keeps the list and the cursor, so it can be tried again', async () => {
    let fail = true;
    const { loadMore, error, more, ids } = setup(async () => {
      if (fail) throw new ConsoleApiError(503, 'unavailable', 'The server is restarting.');
      return { items: [{ id: 'c' }] };
    });
    await loadMore();
    expect(error.value).toBe('The server is restarting.');
    expect(ids()).toEqual(['a', 'b']);
    expect(more.value).toBe('after-b');
    fail = false;
    await loadMore();
    expect(ids()).toEqual(['a', 'b', 'c']);
    expect(error.value).toBeUndefined();
  });
});
