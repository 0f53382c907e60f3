import type { TicketSummary } from '@parley/shared';

export interface TicketBadgesProps {
  ticket: Pick<TicketSummary, 'status' | 'priority'>;
}

/** A ticket's status and priority, in words. */
export function TicketBadges({ ticket }: TicketBadgesProps) {
  return (
    <>
      <span class={`badge ticket-${ticket.status}`}>{ticket.status}</span>{' '}
      <span class={`badge priority-${ticket.priority}`}>{ticket.priority} priority</span>
    </>
  );
}
