import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Strings } from '../i18n';
import type { ResolvedOptions } from '../options';
import { part } from '../parts';
import type { ChatState } from '../state/chat-state';
import { Composer } from './Composer';
import { ConfirmDialog } from './ConfirmDialog';
import { Header } from './Header';
import { MessageList } from './MessageList';
import { StatusLine } from './StatusLine';

export interface PanelProps {
  state: ChatState;
  options: ResolvedOptions;
  strings: Strings;
  /** Called when the panel goes away while it holds focus, to hand focus back to the launcher. */
  onFocusLeave(): void;
}

/** The chat window: a non-modal dialog named by its title. Escape closes it. */
export function Panel({ state, options, strings, onFocusLeave }: PanelProps) {
  const panel = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const newChat = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);

  // However the panel closes (Escape, a button, the JS API), focus inside it must not be lost.
  // Opening fetches the Markdown renderer, so it is there by the time the first answer is.
  useLayoutEffect(() => {
    part('markdown');
    return () => {
      const el = panel.current;
      const root = el?.getRootNode() as ShadowRoot | undefined;
      if (el && root?.activeElement && el.contains(root.activeElement)) onFocusLeave();
    };
  }, []);

  const close = () => state.setOpen(false);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };

  return (
    <div
      ref={panel}
      id="parley-panel"
      class="panel"
      role="dialog"
      aria-labelledby="parley-title"
      onKeyDown={onKeyDown}
    >
      <Header
        title={options.title ?? strings.title}
        subtitle={options.subtitle}
        strings={strings}
        newChatRef={newChat}
        onNewChat={() => setConfirming(true)}
        onClose={close}
      />
      <StatusLine state={state} strings={strings} />
      <MessageList
        state={state}
        strings={strings}
        lang={options.lang}
        greeting={options.greeting ?? strings.greeting}
        starters={options.starters}
        server={options.server}
        onStarter={(text) => {
          state.send(text);
          input.current?.focus();
        }}
      />
      <Composer
        state={state}
        strings={strings}
        placeholder={options.placeholder ?? strings.placeholder}
        inputRef={input}
      />
      {confirming && (
        <ConfirmDialog
          message={strings.confirmNew}
          confirmLabel={strings.newChat}
          cancelLabel={strings.cancel}
          onConfirm={() => {
            setConfirming(false);
            void state.newConversation();
            input.current?.focus();
          }}
          onCancel={() => {
            setConfirming(false);
            newChat.current?.focus();
          }}
        />
      )}
    </div>
  );
}
