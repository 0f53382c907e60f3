import type { ConversationStatus, OperatorConversationSummary } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { cell } from './cell';
import { debounce } from './debounce';
import { latestLoad } from './latest';
import { nextPageLoader } from './next-page';

/** The inbox's status filter: everything (grouped by status), or one status. */
export type InboxFilter = 'all' | ConversationStatus;

/** The order people should look at conversations in: waiting first, then people's, bot's, closed. */
export const STATUS_ORDER: readonly ConversationStatus[] = ['waiting', 'human', 'bot', 'closed'];

/** How many conversations one page of the inbox shows. */
export const PAGE_SIZE = 50;
/** The waiting count in the title counts up to this many (then shows "100+"). */
export const WAITING_COUNT_LIMIT = 100;

/**
 * Sorts conversations the way the server does (waiting first, longest wait first; then by status,
 * most recent activity first). The server already sends them so; sorting again keeps the list
 * right when items are merged from several answers.
 */
export function inboxOrder(items: readonly OperatorConversationSummary[]) {
  const rank = (c: OperatorConversationSummary) => STATUS_ORDER.indexOf(c.status);
  const key = (c: OperatorConversationSummary) =>
    c.status === 'waiting'
      ? Date.parse(c.waitingSince ?? c.lastActivityAt)
      : -Date.parse(c.lastActivityAt);
  return [...items].sort((a, b) => rank(a) - rank(b) || key(a) - key(b));
}

export interface InboxStateOptions {
  client: Pick<ConsoleClient, 'conversations'>;
  /** How long a burst of events is collected before the list is fetched again. */
  debounceMs?: number;
}

/**
 * The inbox: the conversation list for the current filter and search, the waiting count (for the
 * title and the tab), and live updates. Every change event schedules one debounced refetch of
 * the list and of the count, instead of patching the list by hand from partial events.
 */
export function createInboxState(options: InboxStateOptions) {
  const { client } = options;
  const filter = cell<InboxFilter>('all');
  const query = cell('');
  const items = cell<OperatorConversationSummary[]>([]);
  const more = cell<string | undefined>(undefined);
  const loading = cell(false);
  const loaded = cell(false);
  const error = cell<string | undefined>(undefined);
  const waiting = cell<{ count: number; more: boolean }>({ count: 0, more: false });
  const latest = latestLoad(loading, error);

  /** The list as the filter and search show it now; every page of one list asks the same. */
  const listQuery = () => {
    const status = filter.peek();
    const q = query.peek().trim();
    return { ...(status === 'all' ? {} : { status }), ...(q ? { q } : {}), limit: PAGE_SIZE };
  };

  async function refresh(): Promise<void> {
    await latest.run(
      () => Promise.all([client.conversations(listQuery()), refreshWaiting()]),
      ([list]) => {
        items.value = inboxOrder(list.items);
        more.value = list.nextCursor;
        loaded.value = true;
      },
    );
  }

  async function refreshWaiting(): Promise<void> {
    const list = await client.conversations({ status: 'waiting', limit: WAITING_COUNT_LIMIT });
    waiting.value = { count: list.items.length, more: list.nextCursor !== undefined };
  }

  const refreshSoon = debounce(() => void refresh(), options.debounceMs ?? 250);

  return {
    filter,
    query,
    items,
    /** The cursor of the next page, when there is one. */
    more,
    loading,
    /** Whether the list was fetched at least once. */
    loaded,
    error,
    waiting,
    refresh,
    /** Fetches the list again after a short pause; bursts of calls make one request. */
    refreshSoon,

    setFilter(next: InboxFilter): void {
      if (filter.peek() === next) return;
      filter.value = next;
      void refresh();
    },
    /** A new search text; the list follows after a pause in typing. */
    search(text: string): void {
      if (query.peek() === text) return;
      query.value = text;
      refreshSoon();
    },
    /** Appends the next page. */
    loadMore: nextPageLoader({
      items,
      more,
      error,
      loading,
      latest,
      fetch: (cursor) => client.conversations({ ...listQuery(), cursor }),
      order: inboxOrder,
    }),
    /** Forgets everything (sign-out). */
    reset(): void {
      latest.drop();
      refreshSoon.cancel();
      items.value = [];
      more.value = undefined;
      loaded.value = false;
      waiting.value = { count: 0, more: false };
    },
  };
}

export type InboxState = ReturnType<typeof createInboxState>;
