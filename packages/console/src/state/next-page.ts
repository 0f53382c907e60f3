import { messageOf } from '../api/errors';
import type { Cell } from './cell';
import type { latestLoad } from './latest';

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface NextPageOptions<T extends { id: string }> {
  items: Cell<T[]>;
  /** The cursor of the next page; undefined when the list is complete. */
  more: Cell<string | undefined>;
  error: Cell<string | undefined>;
  /** True while the list itself is being loaded again: its cursor is about to change. */
  loading: Cell<boolean>;
  /** The list's loads: a page that answers after the list was loaded again is dropped. */
  latest: ReturnType<typeof latestLoad>;
  /** Asks the server for the page after `cursor`, with the filters of the list shown. */
  fetch: (cursor: string) => Promise<Page<T>>;
  /** Puts the merged list in display order; the server's order is kept when absent. */
  order?: (items: T[]) => T[];
}

/**
 * "Show more" for a cursor-paged list: appends the next page. An item already shown is not
 * shown twice (one that changed since the first page can come again), a second click while a
 * page is on its way asks nothing more, nor one while the list reloads, and a failure is shown
 * without losing what is listed.
 */
export function nextPageLoader<T extends { id: string }>(options: NextPageOptions<T>) {
  const { items, more, error, latest } = options;
  let inFlight: Promise<void> | undefined;

  async function load(cursor: string): Promise<void> {
    const stillCurrent = latest.stillCurrent();
    try {
      const page = await options.fetch(cursor);
      if (!stillCurrent()) return;
      const known = new Set(items.peek().map((item) => item.id));
      const merged = [...items.peek(), ...page.items.filter((item) => !known.has(item.id))];
      items.value = options.order ? options.order(merged) : merged;
      more.value = page.nextCursor;
      error.value = undefined;
    } catch (failure) {
      if (stillCurrent()) error.value = messageOf(failure);
    }
  }

  return (): Promise<void> => {
    const cursor = more.peek();
    // While the list reloads (another filter), the cursor belongs to the list being replaced.
    if (!cursor || options.loading.peek()) return Promise.resolve();
    inFlight ??= load(cursor).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
