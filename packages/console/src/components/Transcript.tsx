import type { Message } from '@parley/shared';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { MessageItem } from './MessageItem';

export interface TranscriptProps {
  messages: readonly Message[];
  visitor: string;
}

/** How close to the end counts as "reading the latest", in pixels. */
const NEAR_END = 80;

/**
 * The conversation so far, oldest first. It is a log: screen readers hear new messages politely.
 * It follows new messages while the operator is reading the end, and stays put while they scroll
 * back. (Give it a `key` per conversation, so switching is a new log, not a flood of additions.)
 */
export function Transcript({ messages, visitor }: TranscriptProps) {
  const ref = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const count = messages.length;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  // A window resized (or a tablet turned) keeps the latest message in view.
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atEnd.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = ref.current;
    if (el) atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END;
  };

  return (
    <div
      ref={ref}
      class="transcript"
      role="log"
      aria-label="Transcript"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it.
      tabIndex={0}
      onScroll={onScroll}
    >
      {count === 0 ? (
        <p class="muted">No messages yet.</p>
      ) : (
        <ol>
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} visitor={visitor} />
          ))}
        </ol>
      )}
    </div>
  );
}
