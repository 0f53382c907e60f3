import { render } from 'preact';
import { App } from './components/App';
import { createConsoleState } from './state/console-state';
import './styles.css';

/** localStorage, unless the browser refuses it (then preferences last for the page). */
function localStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

// The entry: one state for the page, the app rendered into it. Everything else is in modules.
const state = createConsoleState({ host: window, storage: localStore() });
state.start();
const root = document.getElementById('app');
if (root) render(<App state={state} />, root);
