import { TICKET_STATUSES, type TicketSummary } from '@parley/shared';
import { useEffect, useState } from 'preact/hooks';
import { type Chip, Chips } from '../components/Chips';
import { Notice } from '../components/Notice';
import { ReplyBox } from '../components/ReplyBox';
import { TicketBadges } from '../components/TicketBadges';
import { useCell } from '../state/cell';
import { formatTime } from '../state/format';
import { pathOf } from '../state/router';
import type { TicketStatus, TicketStatusFilter, TicketsState } from '../state/tickets';

export interface TicketsPageProps {
  tickets: TicketsState;
}

const FILTERS: ReadonlyArray<Chip<TicketStatusFilter>> = [
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'solved', label: 'Solved' },
  { value: 'all', label: 'All' },
];

/** Tickets: filter by status and "assigned to me"; per ticket status, assignment and a reply. */
export function TicketsPage({ tickets }: TicketsPageProps) {
  const items = useCell(tickets.items);
  const status = useCell(tickets.status);
  const mine = useCell(tickets.mine);
  const loaded = useCell(tickets.loaded);
  const error = useCell(tickets.error);
  const more = useCell(tickets.more);

  useEffect(() => {
    void tickets.refresh();
  }, [tickets]);

  return (
    <div class="page tickets">
      <h1 tabIndex={-1}>Tickets</h1>
      <div class="toolbar">
        <Chips
          legend="Status"
          chips={FILTERS}
          selected={status}
          onSelect={tickets.setStatusFilter}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={mine}
            onChange={(event) => tickets.setMine((event.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Assigned to me
        </label>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {!loaded && !error && <p class="muted">Loading…</p>}
      {loaded && items.length === 0 && <p class="muted empty">No tickets here.</p>}
      <ul class="ticket-list">
        {items.map((ticket) => (
          <li key={ticket.id}>
            <TicketCard ticket={ticket} tickets={tickets} />
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" class="ghost more" onClick={() => void tickets.loadMore()}>
          Show more
        </button>
      )}
    </div>
  );
}

function TicketCard({ ticket, tickets }: { ticket: TicketSummary; tickets: TicketsState }) {
  const busy = useCell(tickets.busy)[ticket.id] ?? false;
  const failure = useCell(tickets.failures)[ticket.id];
  const [replying, setReplying] = useState(false);
  const [sent, setSent] = useState(false);
  const titleId = `ticket-${ticket.id}`;
  return (
    <article class="card ticket" aria-labelledby={titleId}>
      <h2 id={titleId}>{ticket.subject}</h2>
      <p class="meta">
        <TicketBadges ticket={ticket} /> <span class="muted">opened</span>{' '}
        <time dateTime={ticket.createdAt}>{formatTime(ticket.createdAt)}</time>
        {ticket.contact && (
          <>
            {' · '}
            {ticket.contact.name ?? ''}{' '}
            <a href={`mailto:${ticket.contact.email}`}>{ticket.contact.email}</a>
          </>
        )}
        {' · '}
        {ticket.assignee ? `assigned to ${ticket.assignee.name}` : 'unassigned'}
      </p>
      <div class="actions">
        <label>
          Status{' '}
          <select
            value={ticket.status}
            disabled={busy}
            onChange={(event) =>
              void tickets.setStatus(
                ticket.id,
                (event.currentTarget as HTMLSelectElement).value as TicketStatus,
              )
            }
          >
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {ticket.assignee ? (
          <button type="button" disabled={busy} onClick={() => void tickets.unassign(ticket.id)}>
            Unassign
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void tickets.assignToMe(ticket.id)}>
            Assign to me
          </button>
        )}
        <button
          type="button"
          aria-expanded={replying}
          aria-controls={replying ? `${titleId}-reply` : undefined}
          onClick={() => setReplying(!replying)}
        >
          Reply
        </button>
        <a href={pathOf({ page: 'inbox', conversation: ticket.conversation })}>Open conversation</a>
      </div>
      {failure && <Notice kind="error">{failure}</Notice>}
      {replying && (
        <div id={`${titleId}-reply`}>
          <ReplyBox
            id={`${titleId}-text`}
            label={`Reply about “${ticket.subject}”`}
            busy={busy}
            onSend={async (text) => {
              setSent(false);
              const delivered = await tickets.reply(ticket.id, text);
              setSent(delivered);
              return delivered;
            }}
          />
          {sent && (
            <Notice>Reply sent: the visitor sees it in the chat, or gets it by email.</Notice>
          )}
        </div>
      )}
    </article>
  );
}
