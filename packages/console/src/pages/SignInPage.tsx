import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Notice } from '../components/Notice';

export interface SignInPageProps {
  /** Why the operator is here again (signed out, session ended). */
  notice?: string | undefined;
  /** Resolves to the refusal to show, or undefined once signed in. */
  onSignIn(email: string, password: string): Promise<string | undefined>;
}

interface FieldProps {
  id: string;
  label: string;
  type: 'email' | 'password';
  autocomplete: 'username' | 'current-password';
  inputRef: Ref<HTMLInputElement>;
  value: string;
  onValue(value: string): void;
  /** The refusal's id while one is shown: read out with the field. */
  describedBy: string | undefined;
}

/** A labelled, required input of the sign-in form. */
function Field({ id, label, inputRef, value, onValue, describedBy, ...input }: FieldProps) {
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        {...input}
        required
        value={value}
        aria-describedby={describedBy}
        onInput={(event) => onValue((event.currentTarget as HTMLInputElement).value)}
      />
    </>
  );
}

/** Sign-in with email and password. A refusal never says which of the two was wrong. */
export function SignInPage({ notice, onSignIn }: SignInPageProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const emailField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Parley console';
    emailField.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const refusal = await onSignIn(email.trim(), password);
    if (refusal === undefined) return;
    setBusy(false);
    setError(refusal);
    setPassword('');
    passwordField.current?.focus();
  };

  const describedBy = error ? 'sign-in-error' : undefined;
  return (
    <main id="main" class="sign-in">
      <div class="card">
        <h1>Sign in to the Parley console</h1>
        {notice && <Notice>{notice}</Notice>}
        <form onSubmit={submit}>
          <Field
            id="email"
            label="Email"
            type="email"
            autocomplete="username"
            inputRef={emailField}
            value={email}
            onValue={setEmail}
            describedBy={describedBy}
          />
          <Field
            id="password"
            label="Password"
            type="password"
            autocomplete="current-password"
            inputRef={passwordField}
            value={password}
            onValue={setPassword}
            describedBy={describedBy}
          />
          {error && (
            <p id="sign-in-error" class="notice error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
