import { createConsoleClient } from '../api/client';
import { followInbox, type StreamStatus } from '../api/events';
import { cell } from './cell';
import { type Chime, createChime } from './chime';
import { createConversationState } from './conversation';
import { createInboxState } from './inbox';
import { createInsightsState } from './insights';
import { createKnowledgeState } from './knowledge';
import { createPreferences } from './preferences';
import { createRouter, pathOf, type RouterHost } from './router';
import { createSessionState } from './session';
import { createTicketsState } from './tickets';

export interface ConsoleStateOptions {
  fetch?: typeof fetch;
  /** `window` in the browser. */
  host: RouterHost;
  storage?: Storage | undefined;
  chime?: Chime;
  /** Pause before a burst of live events is fetched (tests shorten it). */
  debounceMs?: number;
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Builds the whole console's state from its parts: one client, the session, the router, a state
 * per page, the preferences, and the operator event stream, which runs while someone is signed in
 * and turns each change into a debounced refetch of what is on screen.
 *
 * @example
 * const state = createConsoleState({ host: window, storage: localStorage });
 * state.start();
 */
export function createConsoleState(options: ConsoleStateOptions) {
  const session = createSessionState();
  const client = createConsoleClient({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    csrfToken: session.csrfToken,
    onUnauthorized: () => session.expired(),
  });
  session.connect(client);
  const debounceMs = options.debounceMs;
  const timing = debounceMs === undefined ? {} : { debounceMs };
  const router = createRouter(options.host);
  const inbox = createInboxState({ client, ...timing });
  const conversation = createConversationState({
    client,
    ...timing,
    onChanged: () => inbox.refreshSoon(),
  });
  const tickets = createTicketsState({ client, ...timing });
  const insights = createInsightsState({ client });
  const knowledge = createKnowledgeState({ client });
  const preferences = createPreferences(options.storage);
  const chime = options.chime ?? createChime();
  const stream = cell<StreamStatus>('connecting');
  let stopStream: (() => void) | undefined;

  const followRoute = () => {
    const route = router.route.peek();
    conversation.open(route.page === 'inbox' ? route.conversation : undefined);
  };

  const onSession = () => {
    const signedIn = session.status.peek().kind === 'signed-in';
    if (signedIn && !stopStream) {
      void inbox.refresh();
      followRoute();
      stopStream = followInbox({
        client,
        ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
        onStatus: (status) => {
          stream.value = status;
        },
        onUnauthorized: () => session.expired(),
        onEvent: (event) => {
          // Who views a conversation shows only in it, not in the list.
          if (event.change !== 'viewers') inbox.refreshSoon();
          conversation.changed(event.conversation);
          if (event.change === 'ticket' && tickets.loaded.peek()) tickets.refreshSoon();
          if (event.change === 'waiting' && preferences.sound.peek()) chime.play();
        },
        onResync: () => {
          inbox.refreshSoon();
          const open = conversation.id.peek();
          if (open) conversation.changed(open);
          if (tickets.loaded.peek()) tickets.refreshSoon();
        },
      });
    } else if (!signedIn && stopStream) {
      stopStream();
      stopStream = undefined;
      stream.value = 'connecting';
      inbox.reset();
      conversation.open(undefined);
    }
  };

  return {
    session,
    client,
    router,
    inbox,
    conversation,
    tickets,
    insights,
    knowledge,
    preferences,
    chime,
    stream,

    /** Puts the address in its canonical form and asks the server who is signed in. */
    start(): () => void {
      const route = router.route.peek();
      const canonical = pathOf(route);
      const here = options.host.location.pathname + options.host.location.search;
      if (route.page !== 'not-found' && canonical !== here)
        router.navigate(canonical, { replace: true });
      const stops = [
        session.status.subscribe(onSession),
        router.route.subscribe(() => {
          if (session.status.peek().kind === 'signed-in') followRoute();
        }),
      ];
      void session.check();
      return () => {
        for (const stop of stops) stop();
        stopStream?.();
        stopStream = undefined;
        conversation.open(undefined);
        router.stop();
      };
    },
  };
}

export type ConsoleState = ReturnType<typeof createConsoleState>;
