import { type Chip, Chips } from '../components/Chips';
import { ConversationList } from '../components/ConversationList';
import { ConversationView } from '../components/ConversationView';
import { Notice } from '../components/Notice';
import { STATUS_LABELS } from '../components/StatusBadge';
import { useCell } from '../state/cell';
import type { ConversationState } from '../state/conversation';
import type { InboxFilter, InboxState } from '../state/inbox';

export interface InboxPageProps {
  inbox: InboxState;
  conversation: ConversationState;
  /** The conversation in the address, if any. */
  selected?: string | undefined;
  /** The signed-in operator's account id. */
  me: string;
}

const FILTERS: ReadonlyArray<Chip<InboxFilter>> = [
  { value: 'all', label: 'All' },
  { value: 'waiting', label: STATUS_LABELS.waiting },
  { value: 'human', label: STATUS_LABELS.human },
  { value: 'bot', label: STATUS_LABELS.bot },
  { value: 'closed', label: STATUS_LABELS.closed },
];

/** The inbox: conversations by status on the left, the open one on the right. */
export function InboxPage({ inbox, conversation, selected, me }: InboxPageProps) {
  const items = useCell(inbox.items);
  const filter = useCell(inbox.filter);
  const query = useCell(inbox.query);
  const loaded = useCell(inbox.loaded);
  const error = useCell(inbox.error);
  const more = useCell(inbox.more);
  const waiting = useCell(inbox.waiting);

  return (
    <div class={`inbox${selected ? ' has-open' : ''}`}>
      <div class="inbox-list">
        <h1 tabIndex={-1}>Inbox</h1>
        {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for some screen readers; the role says the same. */}
        <form class="search" role="search" onSubmit={(event) => event.preventDefault()}>
          <label for="inbox-search">Search conversations</label>
          <input
            id="inbox-search"
            type="search"
            value={query}
            placeholder="Words, email, name or id"
            data-search
            onInput={(event) => inbox.search((event.currentTarget as HTMLInputElement).value)}
          />
        </form>
        <Chips
          legend="Show"
          chips={FILTERS.map((chip) =>
            chip.value === 'waiting' && waiting.count > 0
              ? { ...chip, label: `${STATUS_LABELS.waiting} (${waiting.count})` }
              : chip,
          )}
          selected={filter}
          onSelect={inbox.setFilter}
        />
        {error && <Notice kind="error">{error}</Notice>}
        {loaded && items.length === 0 && (
          <p class="muted empty">{query ? 'No conversation matches.' : 'No conversations here.'}</p>
        )}
        {!loaded && !error && <p class="muted">Loading…</p>}
        <ConversationList items={items} selected={selected} />
        {more && (
          <button type="button" class="ghost more" onClick={() => void inbox.loadMore()}>
            Show more
          </button>
        )}
      </div>
      <div class="inbox-detail">
        {selected ? (
          <ConversationView state={conversation} me={me} />
        ) : (
          <div class="placeholder">
            <p>
              Pick a conversation, or press <kbd>j</kbd> to open the first.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
