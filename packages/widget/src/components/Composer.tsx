import { characterCount } from '@parley/shared';
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Strings } from '../i18n';
import { useCell } from '../state/cell';
import type { ChatState } from '../state/chat-state';
import { Icon } from './Icon';

export interface ComposerProps {
  state: ChatState;
  strings: Strings;
  placeholder: string;
  inputRef: RefObject<HTMLTextAreaElement>;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line, and the Send button turns into Stop while
 * an answer streams. It is one button throughout, so keyboard focus survives the swap, and it is
 * never `disabled`, which would drop focus to the page.
 */
export function Composer({ state, strings, placeholder, inputRef }: ComposerProps) {
  const text = useCell(state.draft);
  const busy = useCell(state.busy);
  const { maxLength } = state;
  // Counted as the server counts (an emoji is one character), so the counter never disagrees.
  const count = characterCount(text);
  const showCount = count > maxLength * 0.9;

  useEffect(() => {
    if (state.consumeFocusRequest()) inputRef.current?.focus();
  }, []);

  const submit = (event?: Event) => {
    event?.preventDefault();
    if (busy) state.stop();
    else if (state.send(state.draft.peek())) state.draft.value = '';
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // While an IME is composing, Enter confirms the composition rather than sending.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (!busy) submit();
  };

  return (
    <form class="composer" onSubmit={submit}>
      <textarea
        ref={inputRef}
        rows={1}
        aria-label={strings.message}
        aria-describedby={showCount ? 'parley-count' : undefined}
        placeholder={placeholder}
        maxLength={maxLength}
        value={text}
        onInput={(event) => {
          state.draft.value = event.currentTarget.value;
        }}
        onKeyDown={onKeyDown}
      />
      <button
        type="submit"
        class={busy ? 'send stop' : 'send'}
        aria-label={busy ? strings.stop : strings.send}
        aria-disabled={!busy && !text.trim()}
      >
        <Icon name={busy ? 'stop' : 'send'} />
      </button>
      {showCount && (
        <span id="parley-count" class="count">
          {count}/{maxLength}
        </span>
      )}
    </form>
  );
}
