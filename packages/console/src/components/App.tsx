import { useRef } from 'preact/hooks';
import { SignInPage } from '../pages/SignInPage';
import { useCell } from '../state/cell';
import type { ConsoleState } from '../state/console-state';
import { Shell } from './Shell';

export interface AppProps {
  state: ConsoleState;
}

/** The console: sign-in until the server knows the operator, then the signed-in shell. */
export function App({ state }: AppProps) {
  const status = useCell(state.session.status);
  // After a sign-in (not on a reload with a live session) focus moves to the page heading.
  const wasSignedOut = useRef(false);

  if (status.kind === 'checking') {
    return (
      <main id="main" class="sign-in">
        <p role="status">Loading the console…</p>
      </main>
    );
  }
  if (status.kind === 'signed-out') {
    wasSignedOut.current = true;
    return (
      <SignInPage
        notice={status.notice}
        onSignIn={(email, password) => state.session.signIn(email, password)}
      />
    );
  }
  return <Shell state={state} session={status.session} focusOnMount={wasSignedOut.current} />;
}
