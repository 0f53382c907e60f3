import type { RefObject } from 'preact';
import type { Strings } from '../i18n';
import { Icon } from './Icon';

export interface HeaderProps {
  title: string;
  subtitle: string | undefined;
  strings: Strings;
  newChatRef: RefObject<HTMLButtonElement>;
  onNewChat(): void;
  onClose(): void;
}

/**
 * The panel's title bar; the title names the dialog. A `div`, not a `<header>`: outside sectioning
 * content `<header>` is a banner landmark, and the host page already has its own.
 */
export function Header({ title, subtitle, strings, newChatRef, onNewChat, onClose }: HeaderProps) {
  return (
    <div class="head">
      <div class="titles">
        <h2 id="parley-title">{title}</h2>
        {subtitle && <p>{subtitle}</p>}
      </div>
      <button
        ref={newChatRef}
        type="button"
        class="icon-btn"
        aria-label={strings.newChat}
        title={strings.newChat}
        onClick={onNewChat}
      >
        <Icon name="compose" />
      </button>
      <button
        type="button"
        class="icon-btn"
        aria-label={strings.close}
        title={strings.close}
        onClick={onClose}
      >
        <Icon name="close" />
      </button>
    </div>
  );
}
