import type { OperatorConversationSummary } from '@parley/shared';
import { formatTime, visitorName } from '../state/format';
import { STATUS_ORDER } from '../state/inbox';
import { pathOf } from '../state/router';
import { STATUS_LABELS, StatusBadge } from './StatusBadge';
import { WaitTime } from './WaitTime';

export interface ConversationListProps {
  items: readonly OperatorConversationSummary[];
  /** The open conversation, marked as current. */
  selected?: string | undefined;
}

const ROLE_PREFIX = { user: '', assistant: 'Assistant: ', operator: 'Team: ' } as const;

/**
 * The inbox list, grouped by status in the order people should look at them: waiting (longest
 * wait first, with the wait ticking), with a person, with the assistant, closed.
 */
export function ConversationList({ items, selected }: ConversationListProps) {
  const groups = STATUS_ORDER.map((status) => ({
    status,
    items: items.filter((c) => c.status === status),
  })).filter((g) => g.items.length > 0);
  return (
    <div class="conversation-list">
      {groups.map((group) => (
        <section key={group.status} aria-labelledby={`group-${group.status}`}>
          <h2 id={`group-${group.status}`} class="group-title">
            {STATUS_LABELS[group.status]} <span class="count">({group.items.length})</span>
          </h2>
          <ul>
            {group.items.map((c) => (
              <li key={c.id}>
                <ConversationLink conversation={c} current={c.id === selected} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function ConversationLink({
  conversation: c,
  current,
}: {
  conversation: OperatorConversationSummary;
  current: boolean;
}) {
  return (
    <a
      class="conversation-link"
      href={pathOf({ page: 'inbox', conversation: c.id })}
      aria-current={current ? 'page' : undefined}
      data-conversation={c.id}
    >
      <span class="line">
        <strong class="who">{visitorName(c)}</strong>
        {c.identity && <span class="verified">verified</span>}
        {c.status === 'waiting' && c.waitingSince ? (
          <WaitTime since={c.waitingSince} />
        ) : (
          <time class="muted" dateTime={c.lastActivityAt}>
            {formatTime(c.lastActivityAt)}
          </time>
        )}
      </span>
      {c.lastMessage && (
        <span class="preview">
          {ROLE_PREFIX[c.lastMessage.role]}
          {c.lastMessage.text}
        </span>
      )}
      <span class="line meta">
        <StatusBadge status={c.status} />
        {c.operator && <span class="muted">{c.operator.name}</span>}
        <span class="muted">
          {c.messageCount} message{c.messageCount === 1 ? '' : 's'}
        </span>
      </span>
    </a>
  );
}
