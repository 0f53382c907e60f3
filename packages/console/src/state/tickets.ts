import type { TICKET_STATUSES, TicketSummary } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { messageOf } from '../api/errors';
import { cell } from './cell';
import { debounce } from './debounce';
import { PAGE_SIZE } from './inbox';
import { latestLoad } from './latest';
import { nextPageLoader } from './next-page';

export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketStatusFilter = 'all' | TicketStatus;

export interface TicketsStateOptions {
  client: Pick<ConsoleClient, 'tickets' | 'updateTicket' | 'replyToTicket'>;
  debounceMs?: number;
}

/** The tickets page: the filtered list, and status, assignment and replies per ticket. */
export function createTicketsState(options: TicketsStateOptions) {
  const { client } = options;
  const status = cell<TicketStatusFilter>('open');
  const mine = cell(false);
  const items = cell<TicketSummary[]>([]);
  const more = cell<string | undefined>(undefined);
  const loading = cell(false);
  const loaded = cell(false);
  const error = cell<string | undefined>(undefined);
  /** Ticket id → the change being sent, or the last failure for it. */
  const busy = cell<Record<string, boolean>>({});
  const failures = cell<Record<string, string | undefined>>({});
  const latest = latestLoad(loading, error);

  /** The list as the filters show it now; every page of one list asks the same. */
  const listQuery = () => {
    const filter = status.peek();
    return {
      ...(filter === 'all' ? {} : { status: filter }),
      ...(mine.peek() ? { assignee: 'me' as const } : {}),
      limit: PAGE_SIZE,
    };
  };

  async function refresh(): Promise<void> {
    await latest.run(
      () => client.tickets(listQuery()),
      (list) => {
        items.value = list.items;
        more.value = list.nextCursor;
        loaded.value = true;
      },
    );
  }

  const mark = (id: string, on: boolean, failure?: string) => {
    busy.value = { ...busy.peek(), [id]: on };
    failures.value = { ...failures.peek(), [id]: failure };
  };

  async function change(id: string, run: () => Promise<TicketSummary | undefined>) {
    mark(id, true);
    try {
      const updated = await run();
      if (updated) items.value = items.peek().map((t) => (t.id === id ? updated : t));
      mark(id, false);
      return true;
    } catch (failure) {
      mark(id, false, messageOf(failure));
      return false;
    }
  }

  return {
    status,
    mine,
    items,
    more,
    loading,
    loaded,
    error,
    busy,
    failures,
    refresh,
    /** Appends the next page. */
    loadMore: nextPageLoader({
      items,
      more,
      error,
      loading,
      latest,
      fetch: (cursor) => client.tickets({ ...listQuery(), cursor }),
    }),
    refreshSoon: debounce(() => void refresh(), options.debounceMs ?? 250),

    setStatusFilter(next: TicketStatusFilter): void {
      status.value = next;
      void refresh();
    },
    setMine(next: boolean): void {
      mine.value = next;
      void refresh();
    },
    /** Open, pending or solved. The ticket stays in view until the list is next fetched. */
    setStatus: (id: string, next: TicketStatus) =>
      change(id, () => client.updateTicket(id, { status: next })),
    assignToMe: (id: string) => change(id, () => client.updateTicket(id, { assignee: 'me' })),
    unassign: (id: string) => change(id, () => client.updateTicket(id, { assignee: null })),
    /** Replies to the ticket's visitor; the server moves an open ticket to pending. */
    reply: (id: string, text: string) =>
      change(id, async () => {
        await client.replyToTicket(id, text.trim());
        const ticket = items.peek().find((t) => t.id === id);
        return ticket && ticket.status === 'open' ? { ...ticket, status: 'pending' } : ticket;
      }),
  };
}

export type TicketsState = ReturnType<typeof createTicketsState>;
