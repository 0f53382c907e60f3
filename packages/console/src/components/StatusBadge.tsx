import type { ConversationStatus } from '@parley/shared';

/** How each status reads on screen: words, never color alone. */
export const STATUS_LABELS: Record<ConversationStatus, string> = {
  waiting: 'Waiting',
  human: 'With a person',
  bot: 'Assistant',
  closed: 'Closed',
};

export interface StatusBadgeProps {
  status: ConversationStatus;
}

export function StatusBadge({ status }: StatusBadgeProps) {
  return <span class={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}
