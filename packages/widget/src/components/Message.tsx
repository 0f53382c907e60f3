import type { Strings } from '../i18n';
import { useCell } from '../state/cell';
import type { ChatState, MessageCell } from '../state/chat-state';
import { Citations } from './Citations';
import { FailureNotice } from './FailureNotice';
import { Feedback } from './Feedback';
import { Markdown } from './Markdown';

export interface MessageProps {
  /** Read here, so a streaming answer re-renders only its own bubble. */
  message: MessageCell;
  state: ChatState;
  strings: Strings;
  server: string;
}

/** One message (the visitor's, an operator's or the assistant's) with everything attached to it. */
export function Message({ message, state, strings, server }: MessageProps) {
  const m = useCell(message);
  if (m.role === 'user') {
    return (
      <div class="msg user">
        <span class="sr">{strings.you}: </span>
        {/* Visitors and the model may write in another script than the UI language. */}
        <p class="bubble" dir="auto">
          {m.text}
        </p>
      </div>
    );
  }
  const text = m.text && (
    <div class="bubble md" dir="auto">
      <Markdown source={m.text} />
    </div>
  );
  if (m.role === 'operator') {
    const name = m.author ?? strings.title;
    return (
      <div class="msg op">
        <span class="avatar" aria-hidden="true">
          {[...name][0]?.toUpperCase()}
        </span>
        <div class="msg">
          <p class="note">{name}</p>
          {text}
        </div>
      </div>
    );
  }
  // A message for the people handling the conversation gets no answer bubble.
  if (m.phase === 'sending') return null;
  const working = m.phase === 'waiting' || m.phase === 'streaming';
  return (
    // aria-busy lets screen readers read the finished answer once instead of every delta.
    <div class="msg bot" aria-busy={working}>
      {m.handoff && <p class="note">{strings.handoff(m.handoff)}</p>}
      {m.tool ? (
        <p class="note tool">{strings.tools[m.tool] ?? strings.tool}</p>
      ) : (
        m.phase === 'waiting' && (
          <p class="bubble typing">
            <span class="sr">{strings.typing}</span>
            <i />
            <i />
            <i />
          </p>
        )
      )}
      {text}
      {m.ticketId && <p class="note ticket">{strings.ticket(m.ticketId)}</p>}
      {m.citations && <Citations citations={m.citations} server={server} label={strings.sources} />}
      {m.phase === 'stopped' && <p class="note">{strings.stopped}</p>}
      {m.failure && (
        <FailureNotice failure={m.failure} strings={strings} onRetry={() => state.retry(message)} />
      )}
      {m.phase === 'done' && m.messageId && (
        <Feedback
          rating={m.rating}
          strings={strings}
          onRate={(rating) => void state.rate(message, rating)}
        />
      )}
    </div>
  );
}
