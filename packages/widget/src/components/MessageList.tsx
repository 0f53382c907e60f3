import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from '../i18n';
import { useCell } from '../state/cell';
import type { ChatState } from '../state/chat-state';
import { Message } from './Message';

export interface MessageListProps {
  state: ChatState;
  strings: Strings;
  greeting: string;
  starters: string[];
  server: string;
  onStarter(text: string): void;
}

// How close to the bottom (px) still counts as "following" the conversation.
const FOLLOW_SLACK = 32;

/**
 * The transcript as a `role="log"` live region. It follows a streaming answer by pinning to the
 * bottom whenever its content grows, unless the visitor has scrolled up to read; a new message
 * re-pins it. The resize observer fires after layout and before paint, so nothing jumps.
 */
export function MessageList({
  state,
  strings,
  greeting,
  starters,
  server,
  onStarter,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const messages = useCell(state.messages);

  const follow = () => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  };

  useLayoutEffect(() => {
    if (typeof ResizeObserver === 'undefined' || !content.current) return;
    const observer = new ResizeObserver(follow);
    observer.observe(content.current);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    following.current = true;
    follow();
  }, [messages.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK;
  };

  return (
    <div
      ref={scroller}
      class="log"
      role="log"
      aria-labelledby="parley-title"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the transcript scrolls, so keyboard users must be able to reach it (axe scrollable-region-focusable).
      tabIndex={0}
      onScroll={onScroll}
    >
      <div ref={content} class="log-inner">
        <div class="msg bot">
          <p class="bubble">{greeting}</p>
        </div>
        {messages.length === 0 && starters.length > 0 && (
          <div class="starters">
            {starters.map((text) => (
              <button key={text} type="button" class="chip" onClick={() => onStarter(text)}>
                {text}
              </button>
            ))}
          </div>
        )}
        {messages.map((message) => (
          <Message
            key={message.peek().id}
            message={message}
            state={state}
            strings={strings}
            server={server}
          />
        ))}
      </div>
    </div>
  );
}
