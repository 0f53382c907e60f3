/**
 * Every sentence the widget shows, in one language. Functions take the values they interpolate so
 * that each language can order words (and pluralise) its own way.
 */
export interface Strings {
  dir: 'ltr' | 'rtl';
  title: string;
  greeting: string;
  placeholder: string;
  open: string;
  close: string;
  newChat: string;
  confirmNew: string;
  cancel: string;
  message: string;
  send: string;
  stop: string;
  stopped: string;
  you: string;
  typing: string;
  sources: string;
  up: string;
  down: string;
  retry: string;
  offline: string;
  /** Keyed by tool name; unknown tools fall back to the label the server sent. */
  tools: Record<string, string>;
  ticket: (id: string) => string;
  handoff: (agent: string) => string;
  unread: (count: number) => string;
  network: string;
  wait: (seconds: number) => string;
  unavailable: string;
  generic: string;
}

export const en: Strings = {
  dir: 'ltr',
  title: 'Support',
  greeting: 'Hi! How can we help you today?',
  placeholder: 'Type your message…',
  open: 'Open chat',
  close: 'Close chat',
  newChat: 'New conversation',
  confirmNew: 'Start a new conversation? This clears the messages.',
  cancel: 'Cancel',
  message: 'Message',
  send: 'Send',
  stop: 'Stop',
  stopped: 'Stopped',
  you: 'You',
  typing: 'Typing…',
  sources: 'Sources',
  up: 'Helpful',
  down: 'Not helpful',
  retry: 'Retry',
  offline: "You're offline. We'll send it when you're back.",
  tools: {
    search_knowledge_base: 'Searching the help center…',
    get_business_hours: 'Checking business hours…',
    create_support_ticket: 'Creating a ticket…',
  },
  ticket: (id) => `Ticket ${id} created`,
  handoff: (agent) => `Transferred to ${agent}`,
  unread: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
  network: "Couldn't reach support. Please try again.",
  wait: (s) => `Too many messages. Please wait ${s}s and try again.`,
  unavailable: 'The assistant is unavailable right now. Please try again later.',
  generic: 'Something went wrong. Please try again.',
};
