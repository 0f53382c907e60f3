import { useRef, useState } from 'preact/hooks';

export interface ReplyBoxProps {
  /** Unique on the page: ties the label and hint to the field. */
  id: string;
  label: string;
  /** Sends the text; resolves true when it was delivered (the box then empties). */
  onSend(text: string): Promise<boolean>;
  busy?: boolean;
  /** Why the box cannot be used now; the box is disabled while set. */
  disabledReason?: string | undefined;
}

/**
 * A reply box: Enter sends, Shift+Enter starts a new line (and Enter while an input method is
 * composing a character does neither). The text stays if sending fails.
 */
export function ReplyBox({ id, label, onSend, busy = false, disabledReason }: ReplyBoxProps) {
  const [text, setText] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  const disabled = disabledReason !== undefined;

  const send = async () => {
    if (busy || disabled || !text.trim()) return;
    if (await onSend(text)) {
      setText('');
      field.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void send();
  };

  return (
    <form
      class="reply"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label for={id}>{label}</label>
      <textarea
        id={id}
        ref={field}
        rows={3}
        value={text}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        data-reply
        onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <div class="reply-bar">
        <span id={`${id}-hint`} class="muted">
          {disabledReason ?? 'Enter sends · Shift+Enter for a new line'}
        </span>
        <button type="submit" class="primary" disabled={disabled || busy || !text.trim()}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
