import type { StreamStatus } from '../api/events';
import type { PageName } from '../state/router';

export interface TopBarProps {
  page: PageName;
  operatorName: string;
  waiting: { count: number; more: boolean };
  stream: StreamStatus;
  soundOn: boolean;
  onToggleSound(): void;
  onHelp(): void;
  onSignOut(): void;
}

const LINKS: Array<{ page: PageName; href: string; label: string }> = [
  { page: 'inbox', href: '/console/inbox', label: 'Inbox' },
  { page: 'tickets', href: '/console/tickets', label: 'Tickets' },
  { page: 'insights', href: '/console/insights', label: 'Insights' },
  { page: 'knowledge', href: '/console/knowledge', label: 'Knowledge tester' },
];

const STREAM_LABEL: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** The banner: where to go, whether updates are live, sound, shortcuts, and who is signed in. */
export function TopBar(props: TopBarProps) {
  const { waiting } = props;
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">Parley console</span>
      <nav aria-label="Console">
        <ul>
          {LINKS.map((link) => (
            <li key={link.page}>
              <a href={link.href} aria-current={props.page === link.page ? 'page' : undefined}>
                {link.label}
                {link.page === 'inbox' && waiting.count > 0 && (
                  <span class="count-badge">
                    {waiting.count}
                    {waiting.more ? '+' : ''}
                    <span class="sr-only"> waiting</span>
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="tools">
        <span class={`stream stream-${props.stream}`} role="status">
          {STREAM_LABEL[props.stream]}
        </span>
        <button
          type="button"
          class="ghost toggle"
          aria-pressed={props.soundOn}
          title="Play a sound when someone starts waiting"
          onClick={props.onToggleSound}
        >
          Sound alert
        </button>
        <button type="button" class="ghost" aria-haspopup="dialog" onClick={props.onHelp}>
          Shortcuts <kbd>?</kbd>
        </button>
        <span class="me">{props.operatorName}</span>
        <button type="button" class="ghost" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
