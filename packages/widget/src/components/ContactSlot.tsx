import type { WidgetLanguage } from '@parley/shared';
import { part } from '../parts';
import { useCell } from '../state/cell';
import type { ChatState, ContactAsk } from '../state/chat-state';

export interface ContactSlotProps {
  state: ChatState;
  lang: WidgetLanguage;
}

/**
 * Where the email form goes when the team asks for it. The form is a part, fetched the first time
 * it is needed; until it arrives (or if it cannot load) nothing shows.
 */
export function ContactSlot({ state, lang }: ContactSlotProps) {
  const ask = useCell(state.contact);
  return ask ? <LoadedForm ask={ask} state={state} lang={lang} /> : null;
}

function LoadedForm({ ask, state, lang }: ContactSlotProps & { ask: ContactAsk }) {
  const form = useCell(part('contact-form'));
  return form ? <form.ContactForm ask={ask} lang={lang} onSubmit={state.sendContact} /> : null;
}
