import type { ConsoleSession } from '@parley/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { InboxPage } from '../pages/InboxPage';
import { InsightsPage } from '../pages/InsightsPage';
import { KnowledgePage } from '../pages/KnowledgePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { TicketsPage } from '../pages/TicketsPage';
import { useCell } from '../state/cell';
import type { ConsoleState } from '../state/console-state';
import { type PageName, pathOf, type Route } from '../state/router';
import { bindShortcuts, type ShortcutAction } from '../state/shortcuts';
import { HelpDialog } from './HelpDialog';
import { TopBar } from './TopBar';

export interface ShellProps {
  state: ConsoleState;
  session: ConsoleSession;
  /** Move focus to the page heading at once (the operator just signed in). */
  focusOnMount?: boolean;
}

export const PAGE_TITLES: Record<PageName, string> = {
  inbox: 'Inbox',
  tickets: 'Tickets',
  insights: 'Insights',
  knowledge: 'Knowledge-base tester',
  'not-found': 'Page not found',
};

/**
 * The title: the waiting count first, so it shows in a background tab.
 *
 * @example
 * documentTitle('inbox', { count: 3, more: false }) // '(3) Inbox · Parley console'
 */
export function documentTitle(page: PageName, waiting: { count: number; more: boolean }): string {
  const count = waiting.count > 0 ? `(${waiting.count}${waiting.more ? '+' : ''}) ` : '';
  return `${count}${PAGE_TITLES[page]} · Parley console`;
}

/**
 * The signed-in console: banner, the page for the route, the shortcuts and their help dialog.
 * Route changes move focus to the new page's heading (or to the conversation's, when only the
 * open conversation changed), as a page load would for a screen-reader user.
 */
export function Shell({ state, session, focusOnMount = false }: ShellProps) {
  const route = useCell(state.router.route);
  const waiting = useCell(state.inbox.waiting);
  const stream = useCell(state.stream);
  const soundOn = useCell(state.preferences.sound);
  const [help, setHelp] = useState(false);
  const helpOpen = useRef(false);
  helpOpen.current = help;
  // What had focus when the dialog opened gets it back when it closes.
  const opener = useRef<HTMLElement | null>(null);
  const openHelp = () => {
    opener.current = document.activeElement as HTMLElement | null;
    setHelp(true);
  };
  useEffect(() => {
    if (help || !opener.current) return;
    if (opener.current.isConnected) opener.current.focus();
    opener.current = null;
  }, [help]);
  const previous = useRef<Route | undefined>(focusOnMount ? undefined : route);

  useEffect(() => {
    document.title = documentTitle(route.page, waiting);
  }, [route.page, waiting]);

  useEffect(() => {
    const before = previous.current;
    previous.current = route;
    if (before === route) return;
    const onlyConversation =
      before?.page === 'inbox' && route.page === 'inbox' && route.conversation !== undefined;
    const target = onlyConversation
      ? document.getElementById('conversation-title')
      : document.querySelector<HTMLElement>('#main h1');
    target?.focus();
  }, [route]);

  useEffect(() => {
    const run = (action: ShortcutAction) => runShortcut(state, action, openHelp);
    return bindShortcuts(document, run, { blocked: () => helpOpen.current });
  }, [state]);

  // Links inside the console change the route without a page load.
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest?.('a');
    const href = link?.getAttribute('href');
    if (!link || !href?.startsWith('/console/') || link.target) return;
    event.preventDefault();
    state.router.navigate(href);
  };

  const toggleSound = () => {
    const next = !state.preferences.sound.peek();
    if (next) state.chime.unlock();
    state.preferences.sound.value = next;
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates clicks on the links inside.
    // biome-ignore lint/a11y/useKeyWithClickEvents: links are followed with Enter as clicks.
    <div class="shell" onClick={onClick}>
      <div class="shell-content" inert={help}>
        <TopBar
          page={route.page}
          operatorName={session.operator.name}
          waiting={waiting}
          stream={stream}
          soundOn={soundOn}
          onToggleSound={toggleSound}
          onHelp={openHelp}
          onSignOut={() => void state.session.signOut()}
        />
        <main id="main" tabIndex={-1}>
          <Page state={state} route={route} me={session.operator.id} />
        </main>
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </div>
  );
}

function Page({ state, route, me }: { state: ConsoleState; route: Route; me: string }) {
  switch (route.page) {
    case 'inbox':
      return (
        <InboxPage
          inbox={state.inbox}
          conversation={state.conversation}
          selected={route.conversation}
          me={me}
        />
      );
    case 'tickets':
      return <TicketsPage tickets={state.tickets} />;
    case 'insights':
      return <InsightsPage insights={state.insights} />;
    case 'knowledge':
      return (
        <KnowledgePage
          knowledge={state.knowledge}
          initialQuestion={route.q}
          onAsk={(q) => state.router.navigate(pathOf({ page: 'knowledge', q }), { replace: true })}
        />
      );
    default:
      return <NotFoundPage />;
  }
}

/** What each shortcut does in the console. */
function runShortcut(state: ConsoleState, action: ShortcutAction, openHelp: () => void): void {
  const { router } = state;
  const go = (route: Route) => router.navigate(pathOf(route));
  switch (action) {
    case 'inbox':
    case 'tickets':
    case 'insights':
    case 'knowledge':
      go({ page: action });
      return;
    case 'help':
      openHelp();
      return;
    case 'search': {
      const field = document.querySelector<HTMLElement>('[data-search]');
      if (field) field.focus();
      else {
        go({ page: 'inbox' });
        setTimeout(() => document.querySelector<HTMLElement>('[data-search]')?.focus(), 50);
      }
      return;
    }
    case 'reply':
      document.querySelector<HTMLElement>('[data-reply]')?.focus();
      return;
    case 'next':
    case 'previous': {
      const items = state.inbox.items.peek();
      if (items.length === 0) return;
      const route = router.route.peek();
      const current = route.page === 'inbox' ? route.conversation : undefined;
      const at = items.findIndex((c) => c.id === current);
      const step = action === 'next' ? 1 : -1;
      const index =
        at < 0
          ? step > 0
            ? 0
            : items.length - 1
          : Math.min(items.length - 1, Math.max(0, at + step));
      const target = items[index];
      if (target) go({ page: 'inbox', conversation: target.id });
    }
  }
}
