import type { WidgetLanguage } from '@parley/shared';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FailureCode } from '../api/errors';
import { CONTACT_STRINGS } from '../i18n/contact';
import type { ContactAsk } from '../state/chat-state';
import css from './contact-form.css?inline';

export interface ContactFormProps {
  ask: ContactAsk;
  lang: WidgetLanguage;
  /** Sends the details; resolves with what went wrong, if anything. */
  onSubmit(contact: { email: string; name?: string }): Promise<FailureCode | undefined>;
}

type Problem = 'missing' | 'invalid' | 'failed';

/** The server checks the address properly; this only catches what is plainly not one. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

let sheet: CSSStyleSheet | undefined;

/** Adds the form's styles to the shadow root it renders in, once. */
function adoptStyles(node: Node | null): void {
  const root = node?.getRootNode() as ShadowRoot | undefined;
  if (!root?.adoptedStyleSheets) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  if (!root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/**
 * The email form the team asks for when nobody can answer now (or a ticket awaits a reply). The
 * address goes to the conversation and its tickets, never to the model. An invalid field gets
 * `aria-invalid`, its error as description and focus; a failed send is announced; on success the
 * thank-you takes focus, so neither keyboard nor screen-reader users are left on a removed button.
 * It ships as a part, loaded the first time it shows.
 */
export function ContactForm({ ask, lang, onSubmit }: ContactFormProps) {
  const t = CONTACT_STRINGS[lang];
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const root = useRef<HTMLFormElement & HTMLParagraphElement>(null);
  const email = useRef<HTMLInputElement>(null);
  const name = useRef<HTMLInputElement>(null);
  const submitted = useRef(false);

  useLayoutEffect(() => {
    adoptStyles(root.current);
    if (ask.sentTo && submitted.current) root.current?.focus();
  }, [ask.sentTo]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    const address = email.current?.value.trim() ?? '';
    const found: Problem | undefined = !address
      ? 'missing'
      : EMAIL.test(address)
        ? undefined
        : 'invalid';
    setProblem(found);
    if (found) {
      email.current?.focus();
      return;
    }
    setSending(true);
    const given = name.current?.value.trim();
    submitted.current = true;
    const failure = await onSubmit({ email: address, ...(given ? { name: given } : {}) });
    setSending(false);
    if (!failure) return;
    submitted.current = false;
    const next = failure === 'invalid_request' ? 'invalid' : 'failed';
    setProblem(next);
    if (next === 'invalid') email.current?.focus();
  };

  if (ask.sentTo) {
    return (
      <p ref={root} class="contact" tabIndex={-1}>
        {t.sent(ask.sentTo)}
      </p>
    );
  }
  const fieldProblem = problem === 'missing' || problem === 'invalid';
  return (
    <form ref={root} class="contact" aria-labelledby="parley-contact" noValidate onSubmit={submit}>
      <p id="parley-contact">{ask.reason === 'after_hours' ? t.afterHours : t.followUp}</p>
      <label for="parley-email">{t.email}</label>
      <input
        ref={email}
        id="parley-email"
        type="email"
        autocomplete="email"
        maxLength={254}
        aria-required="true"
        aria-invalid={fieldProblem}
        aria-describedby={fieldProblem ? 'parley-contact-error' : undefined}
        dir="ltr"
      />
      {/* A field's problem is read with the field, which takes focus; a failed send is announced. */}
      {fieldProblem && (
        <p id="parley-contact-error" class="contact-error">
          {t[problem]}
        </p>
      )}
      <label for="parley-name">{t.name}</label>
      <input ref={name} id="parley-name" autocomplete="name" maxLength={100} />
      {problem === 'failed' && (
        <p class="contact-error" role="alert">
          {t.failed}
        </p>
      )}
      <button type="submit" class="btn primary" aria-disabled={sending}>
        {t.submit}
      </button>
    </form>
  );
}
