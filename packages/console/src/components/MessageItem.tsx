import type { Message } from '@parley/shared';
import { formatTime } from '../state/format';

export interface MessageItemProps {
  message: Message;
  /** How the visitor is called in this conversation. */
  visitor: string;
}

const author = (message: Message, visitor: string) =>
  message.role === 'user'
    ? visitor
    : message.role === 'assistant'
      ? 'Assistant'
      : (message.author?.name ?? 'Team');

/**
 * One message of the transcript, as plain text (never HTML): who wrote it and when, and for the
 * assistant's answers what it did to get there — the tools it used, the specialists it handed
 * the conversation to, the articles it cited, the ticket it opened.
 */
export function MessageItem({ message, visitor }: MessageItemProps) {
  const tools = message.toolsUsed ?? [];
  const handoffs = message.handoffs ?? [];
  const citations = message.citations ?? [];
  return (
    <li class={`message from-${message.role}`} data-seq={message.seq}>
      <p class="message-meta">
        <strong>{author(message, visitor)}</strong>
        {message.role === 'operator' && <span class="badge">team</span>}
        <time class="stamp" dateTime={message.createdAt}>
          {formatTime(message.createdAt)}
        </time>
      </p>
      <p class="message-text">{message.text}</p>
      {(tools.length > 0 || handoffs.length > 0 || citations.length > 0 || message.ticketId) && (
        <dl class="steps">
          {tools.length > 0 && (
            <div>
              <dt>Tools</dt>
              <dd>
                {tools.map((tool, i) => (
                  <span key={tool}>
                    {i > 0 && ', '}
                    <code>{tool}</code>
                  </span>
                ))}
              </dd>
            </div>
          )}
          {handoffs.length > 0 && (
            <div>
              <dt>Handed to</dt>
              <dd>{handoffs.join(' → ')}</dd>
            </div>
          )}
          {citations.length > 0 && (
            <div>
              <dt>Cited</dt>
              <dd>
                <ul class="citations">
                  {citations.map((c) => (
                    <li key={c.url}>
                      <a href={c.url} target="_blank" rel="noopener noreferrer">
                        {c.title}
                      </a>
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          )}
          {message.ticketId && (
            <div>
              <dt>Ticket</dt>
              <dd>
                opened <code>{message.ticketId}</code>
              </dd>
            </div>
          )}
        </dl>
      )}
    </li>
  );
}
