import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CSRF, OPERATOR, PASSWORD, settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const signIn = async (email: string, password: string) => {
  fireEvent.input(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
  await settle(10);
};

describe('signing in', () => {
  it('shows the sign-in page when nobody is signed in, with focus on the email', async () => {
    harness = await renderConsole('/console/');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Sign in to the Parley console',
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    // The address was made canonical without a new history entry.
    expect(window.location.pathname).toBe('/console/inbox');
  });

  it('refuses a wrong password, clears it, and says so without saying which field was wrong', async () => {
    harness = await renderConsole();
    await signIn(OPERATOR.email, 'nope');
    expect(screen.getByRole('alert').textContent).toBe('Wrong email or password');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
  });

  it('shows the throttle with when to try again', async () => {
    harness = await renderConsole('/console/inbox', (server) => {
      server.state.failedSignIns = 5;
    });
    await signIn(OPERATOR.email, PASSWORD);
    expect(screen.getByRole('alert').textContent).toMatch(/Too many .* \(try again in 15 min\)/);
  });

  it('signs in, opens the inbox with focus on its heading, and follows the event stream', async () => {
    harness = await renderConsole();
    await signIn(OPERATOR.email, PASSWORD);
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Inbox');
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText(OPERATOR.name)).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Live'));
    const paths = harness.server.requests.map((r) => r.path);
    expect(paths).toContain('/api/operator/events');
    expect(harness.server.requests.every((r) => r.credentials === 'same-origin')).toBe(true);
  });

  it('goes back to sign-in when the server says the session ended (401)', async () => {
    harness = await renderConsole('/console/inbox', (server) => {
      server.state.signedIn = true;
    });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Inbox');
    harness.server.state.signedIn = false;
    await harness.state.inbox.refresh();
    await settle(10);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Sign in to the Parley console',
    );
    expect(screen.getByRole('status').textContent).toBe('Your session ended. Sign in again.');
  });

  it('signs out with the CSRF token', async () => {
    harness = await renderConsole('/console/inbox', (server) => {
      server.state.signedIn = true;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await settle(10);
    expect(screen.getByRole('status').textContent).toBe('You signed out.');
    const signOut = harness.server.requests.find((r) => r.path === '/api/console/sign-out');
    expect(signOut?.headers.get('X-CSRF-Token')).toBe(CSRF);
  });
});
