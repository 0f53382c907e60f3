import type { OperatorConversation } from '@parley/shared';
import { useCell } from '../state/cell';
import type { ConversationState } from '../state/conversation';
import { formatTime, visitorName } from '../state/format';
import { ContactCard } from './ContactCard';
import { ConversationActions } from './ConversationActions';
import { Notice } from './Notice';
import { ReplyBox } from './ReplyBox';
import { StatusBadge } from './StatusBadge';
import { TicketBadges } from './TicketBadges';
import { Transcript } from './Transcript';
import { WaitTime } from './WaitTime';

export interface ConversationViewProps {
  state: ConversationState;
  /** The signed-in operator's account id. */
  me: string | undefined;
}

/** The open conversation: who, who is in charge, the actions, the transcript and the reply box. */
export function ConversationView({ state, me }: ConversationViewProps) {
  const data = useCell(state.data);
  const error = useCell(state.error);
  const busy = useCell(state.busy);
  const actionError = useCell(state.actionError);
  const id = useCell(state.id);

  // One heading element in every state, so focus put on it survives the data arriving.
  const name = data ? visitorName(data) : undefined;
  const heading = name ?? (error ? 'Conversation not available' : 'Loading the conversation…');
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-head">
        <a class="back" href="/console/inbox">
          ← All conversations
        </a>
        <h2 id="conversation-title" tabIndex={-1}>
          {heading}
        </h2>
        {!data && error && <Notice kind="error">{error}</Notice>}
        {data && (
          <>
            <p class="presence">
              <StatusBadge status={data.status} /> <InCharge conversation={data} me={me} />
              <Viewers conversation={data} me={me} />
            </p>
            <ConversationActions
              conversation={data}
              me={me}
              busy={busy}
              onAct={(action) => void state.act(action)}
            />
            {actionError && <Notice kind="error">{actionError}</Notice>}
          </>
        )}
      </header>
      {data && name && (
        <div class="conversation-body">
          <div class="conversation-main">
            <Transcript key={id} messages={data.messages} visitor={name} />
            <ReplyBox
              id="reply"
              label={`Reply to ${name}`}
              busy={busy === 'reply'}
              disabledReason={
                data.status === 'closed'
                  ? 'The conversation is closed: reopen it to reply.'
                  : undefined
              }
              onSend={(text) => state.reply(text)}
            />
          </div>
          <aside class="conversation-side" aria-label="Details">
            <ContactCard conversation={data} />
            <TicketsCard conversation={data} />
          </aside>
        </div>
      )}
    </section>
  );
}

/** Who handles the conversation. */
function InCharge({
  conversation,
  me,
}: {
  conversation: OperatorConversation;
  me: string | undefined;
}) {
  if (conversation.status === 'waiting') {
    return conversation.waitingSince ? (
      <span>
        Nobody yet, <WaitTime since={conversation.waitingSince} />
      </span>
    ) : (
      <span>Nobody yet</span>
    );
  }
  if (conversation.status === 'human' && conversation.operator) {
    return (
      <span class="in-charge">
        {conversation.operator.id === me ? 'You are' : `${conversation.operator.name} is`} in charge
      </span>
    );
  }
  if (conversation.status === 'bot') return <span>The assistant answers</span>;
  return <span>Closed</span>;
}

/** The other operators who have the conversation open right now. */
function Viewers({
  conversation,
  me,
}: {
  conversation: OperatorConversation;
  me: string | undefined;
}) {
  const others = conversation.viewers.filter((viewer) => viewer.id !== me);
  if (others.length === 0) return null;
  return (
    <span class="viewers">· Also viewing: {others.map((viewer) => viewer.name).join(', ')}</span>
  );
}

function TicketsCard({ conversation }: { conversation: OperatorConversation }) {
  return (
    <section class="card" aria-labelledby="tickets-title">
      <h3 id="tickets-title">Tickets</h3>
      {conversation.tickets.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain">
          {conversation.tickets.map((ticket) => (
            <li key={ticket.id}>
              <a href="/console/tickets">{ticket.subject}</a>
              <br />
              <TicketBadges ticket={ticket} />{' '}
              <time class="muted" dateTime={ticket.createdAt}>
                {formatTime(ticket.createdAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
