import type { ConsoleSession } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { messageOf } from '../api/errors';
import { cell } from './cell';

/** Who is at the console: not known yet, nobody (with why, after an expiry), or an operator. */
export type SessionStatus =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; session: ConsoleSession };

/**
 * The console's sign-in state. The session cookie is HttpOnly, so the console only learns from
 * the server whether it is signed in; the CSRF token it must echo on changes comes with it.
 */
export function createSessionState() {
  const status = cell<SessionStatus>({ kind: 'checking' });
  let client: Pick<ConsoleClient, 'session' | 'signIn' | 'signOut'> | undefined;

  const current = () => {
    const now = status.peek();
    return now.kind === 'signed-in' ? now.session : undefined;
  };

  return {
    status,
    /** Set once the client exists (it needs this state for its CSRF token). */
    connect(next: NonNullable<typeof client>) {
      client = next;
    },
    csrfToken: () => current()?.csrfToken,

    /** Asks the server whether the cookie still holds a session. */
    async check(): Promise<void> {
      try {
        const session = await client!.session();
        status.value = session ? { kind: 'signed-in', session } : { kind: 'signed-out' };
      } catch (error) {
        status.value = { kind: 'signed-out', notice: messageOf(error) };
      }
    },

    /** @returns the message to show when the sign-in was refused. */
    async signIn(email: string, password: string): Promise<string | undefined> {
      try {
        const session = await client!.signIn({ email, password });
        status.value = { kind: 'signed-in', session };
        return undefined;
      } catch (error) {
        return messageOf(error);
      }
    },

    async signOut(): Promise<void> {
      try {
        await client!.signOut();
      } finally {
        status.value = { kind: 'signed-out', notice: 'You signed out.' };
      }
    },

    /** The server answered 401 to an operator request: the session ended elsewhere or idled out. */
    expired(): void {
      if (status.peek().kind !== 'signed-in') return;
      status.value = { kind: 'signed-out', notice: 'Your session ended. Sign in again.' };
    },
  };
}

export type SessionState = ReturnType<typeof createSessionState>;
