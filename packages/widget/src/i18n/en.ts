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
  /** What a running tool is doing, keyed by tool name; other tools read as {@link Strings.tool}. */
  tools: Record<string, string>;
  tool: string;
  ticket: (id: string) => string;
  handoff: (agent: string) => string;
  unread: (count: number) => string;
  network: string;
  wait: (seconds: number) => string;
  unavailable: string;
  /** The status line while a person is asked for; `minutes` is the queue's estimate, if any. */
  waiting: (minutes: number | undefined) => string;
  joined: (name: string) => string;
  /** The status line after a person handed the conversation back. */
  back: string;
  closed: string;
  /** The button that loads older messages. */
  earlier: string;
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
    request_human: 'Contacting the team…',
  },
  tool: 'Working on it…',
  ticket: (id) => `Ticket ${id} created`,
  handoff: (agent) => `Transferred to ${agent}`,
  unread: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
  network: "Couldn't reach support. Please try again.",
  wait: (s) => `Too many messages. Please wait ${s}s and try again.`,
  unavailable: 'The assistant is unavailable right now. Please try again later.',
  waiting: (minutes) =>
    minutes ? `Waiting for a person… about ${minutes} min` : 'Waiting for a person…',
  joined: (name) => `${name} joined`,
  back: 'Back to the assistant',
  closed: 'This conversation is closed. Write to start again.',
  earlier: 'Earlier messages',
  generic: 'Something went wrong. Please try again.',
};
