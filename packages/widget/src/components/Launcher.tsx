import type { RefObject } from 'preact';
import type { Strings } from '../i18n';
import { Icon } from './Icon';

export interface LauncherProps {
  open: boolean;
  unread: number;
  /** `data-launcher-label`: shown beside the icon and used as the name while closed. */
  label: string | undefined;
  strings: Strings;
  buttonRef: RefObject<HTMLButtonElement>;
  onToggle(): void;
}

/** The floating button that opens and closes the chat, with a badge for unread answers. */
export function Launcher({ open, unread, label, strings, buttonRef, onToggle }: LauncherProps) {
  const showLabel = Boolean(label) && !open;
  const badge = unread > 0 && !open;
  return (
    <button
      ref={buttonRef}
      type="button"
      class={showLabel ? 'launcher wide' : 'launcher'}
      aria-label={open ? strings.close : (label ?? strings.open)}
      aria-expanded={open}
      aria-controls={open ? 'parley-panel' : undefined}
      aria-describedby={badge ? 'parley-unread' : undefined}
      onClick={onToggle}
    >
      <Icon name={open ? 'close' : 'chat'} />
      {showLabel && <span>{label}</span>}
      {badge && (
        <span class="badge">
          <span aria-hidden="true">{unread > 9 ? '9+' : unread}</span>
          <span id="parley-unread" class="sr">
            {strings.unread(unread)}
          </span>
        </span>
      )}
    </button>
  );
}
