import type { WidgetLanguage } from '@parley/shared';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from '../i18n';
import { useCell } from '../state/cell';
import type { ChatState, MessageCell } from '../state/chat-state';
import { ContactSlot } from './ContactSlot';
import { Message } from './Message';

export interface MessageListProps {
  state: ChatState;
  strings: Strings;
  lang: WidgetLanguage;
  greeting: string;
  starters: string[];
  server: string;
  onStarter(text: string): void;
}

// How close to the bottom (px) still counts as "following" the conversation; how close to the
// top loads the page before.
const FOLLOW_SLACK = 32;
const OLDER_SLACK = 48;

/**
 * The transcript. Messages from history sit above a `role="log"` live region that holds what
 * arrives while the panel is open, so screen readers announce new messages and never a page of
 * old ones. It follows a streaming answer by pinning to the bottom whenever its content grows,
 * unless the visitor has scrolled up to read; a new message re-pins it. Scrolling to the top (or
 * the "Earlier messages" button) loads the page before, keeping what the visitor looks at in place.
 */
export function MessageList({
  state,
  strings,
  lang,
  greeting,
  starters,
  server,
  onStarter,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // Distance from the bottom while an older page loads, restored once it is in.
  const anchor = useRef<number>();
  const messages = useCell(state.messages);
  const older = useCell(state.older);
  const split = messages.findIndex((m) => !m.peek().past);
  const past = split < 0 ? messages : messages.slice(0, split);
  const live = split < 0 ? [] : messages.slice(split);

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

  // A new last message re-pins to the bottom; a page added above keeps the view where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && anchor.current !== undefined) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = undefined;
    }
  }, [messages[0]]);
  useLayoutEffect(() => {
    following.current = true;
    follow();
  }, [messages.at(-1)]);

  const loadOlder = async () => {
    const el = scroller.current;
    if (!el || anchor.current !== undefined) return;
    const root = el.getRootNode() as ShadowRoot;
    const buttonFocused = root.activeElement?.classList.contains('older');
    const first = state.messages.peek()[0];
    anchor.current = el.scrollHeight - el.scrollTop;
    await state.loadOlder();
    // Nothing was added (a failure), so no render will restore the view.
    if (state.messages.peek()[0] === first) anchor.current = undefined;
    // The button goes once the first message is reached; focus stays in the transcript.
    if (buttonFocused && !state.older.peek()) el.focus();
  };

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK;
    if (el.scrollTop < OLDER_SLACK && state.older.peek()) void loadOlder();
  };

  const list = (cells: readonly MessageCell[]) =>
    cells.map((message) => (
      <Message
        key={message.peek().id}
        message={message}
        state={state}
        strings={strings}
        server={server}
      />
    ));

  return (
    <div
      ref={scroller}
      class="log"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the transcript scrolls, so keyboard users must be able to reach it (axe scrollable-region-focusable).
      tabIndex={0}
      onScroll={onScroll}
    >
      <div ref={content} class="log-inner">
        {older ? (
          <button type="button" class="chip older" onClick={() => void loadOlder()}>
            {strings.earlier}
          </button>
        ) : (
          <div class="msg bot">
            <p class="bubble">{greeting}</p>
          </div>
        )}
        {list(past)}
        <div class="live" role="log" aria-labelledby="parley-title">
          {list(live)}
          <ContactSlot state={state} lang={lang} />
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
      </div>
    </div>
  );
}
