import { render } from '@testing-library/preact';
import { App } from '../src/components/App';
import type { Chime } from '../src/state/chime';
import { type ConsoleState, createConsoleState } from '../src/state/console-state';
import { createFakeServer, type FakeServer, settle } from './fake-server';

export interface Harness {
  server: FakeServer;
  state: ConsoleState;
  chime: Chime & { plays: number };
  view: ReturnType<typeof render>;
  stop(): void;
}

/**
 * The whole console rendered in happy-dom at `path`, against the fake server, with short
 * debounces, a counting chime and a fresh localStorage.
 */
export async function renderConsole(
  path = '/console/inbox',
  setup: (server: FakeServer) => void = () => {},
): Promise<Harness> {
  window.history.replaceState(null, '', path);
  window.localStorage.clear();
  const server = createFakeServer();
  setup(server);
  const chime = { plays: 0, play: () => void chime.plays++, unlock: () => {} };
  const state = createConsoleState({
    fetch: server.fetch,
    host: window,
    storage: window.localStorage,
    chime,
    debounceMs: 5,
    retryDelayMs: () => 5,
  });
  const stopState = state.start();
  const view = render(<App state={state} />);
  await settle(10);
  return {
    server,
    state,
    chime,
    view,
    stop() {
      view.unmount();
      stopState();
    },
  };
}
