/** Human labels for the stream's `tool` events; the widget shows them while a tool runs. */
const LABELS: Record<string, { started: string; done: string; failed: string }> = {
  search_knowledge_base: {
    started: 'Searching the help center…',
    done: 'Searched the help center',
    failed: 'The help center search failed',
  },
  get_business_hours: {
    started: 'Checking business hours…',
    done: 'Checked business hours',
    failed: 'Could not check business hours',
  },
  create_support_ticket: {
    started: 'Creating a ticket…',
    done: 'Ticket created',
    failed: 'Could not create the ticket',
  },
};

export function toolLabel(name: string, status: 'started' | 'done' | 'failed'): string {
  const labels = LABELS[name];
  if (labels) return labels[status];
  const readable = name.replace(/_/g, ' ');
  return status === 'started'
    ? `Running ${readable}…`
    : status === 'done'
      ? `Finished ${readable}`
      : `${readable} failed`;
}
