/**
 * The contract's runtime values, free of zod, written down once: the requests of `chat.ts` (zod)
 * and the checks of `messages.ts`, `stream-events.ts`, `errors.ts` and `widget-config.ts` (zod-free,
 * bundled by the widget) are all built from them.
 */

/** Default upper bound for one visitor message, in characters after trimming. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 4000;

/** The header the widget sends with every message so a retried POST never runs the agent twice. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Whether text fits in `max` characters as the contract counts them: code points, the way zod
 * measures length (an emoji is one, not two UTF-16 units). More than twice `max` UTF-16 units never
 * fits, so a pasted megabyte is not spread into an array.
 *
 * @example
 * fitsLength('👋'.repeat(4000), 4000) // true
 */
export function fitsLength(value: string, max: number): boolean {
  return value.length <= max || (value.length <= 2 * max && [...value].length <= max);
}

/** The length of text as the contract counts it (code points). */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * Every error code the server can answer with. The list is the contract: the widget switches on
 * these, and operators grep logs for them.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
  'origin_not_allowed',
  'session_invalid',
  'identity_invalid',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'turn_in_progress',
  'idempotency_conflict',
  'budget_exhausted',
  'conflict',
  'model_unavailable',
  'not_found',
  'internal',
] as const;

/** Codes after which sending the same request again later can succeed. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<(typeof ERROR_CODES)[number]> =
  /* @__PURE__ */ new Set(['rate_limited', 'turn_in_progress', 'model_unavailable', 'internal']);

/** The SSE event names of the chat streams, one per member of the `StreamEvent` union. */
export const STREAM_EVENT_NAMES = [
  'session',
  'message',
  'delta',
  'tool',
  'handoff',
  'done',
  'error',
  'status',
  'contact',
] as const;

/** Who wrote a message: the visitor (`user`), the assistant, or a person on the support team. */
export const MESSAGE_ROLES = ['user', 'assistant', 'operator'] as const;

/**
 * Who answers a conversation: the assistant (`bot`), nobody yet because a person was asked for
 * (`waiting`), a person (`human`), or nobody because it is over (`closed`).
 */
export const CONVERSATION_STATUSES = ['bot', 'waiting', 'human', 'closed'] as const;

/** How urgent a ticket is. */
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** Where a ticket stands: waiting for the team, waiting for the visitor, done. */
export const TICKET_STATUSES = ['open', 'pending', 'solved'] as const;

/** Why the widget is asked to show the email form. */
export const CONTACT_REASONS = ['after_hours', 'follow_up'] as const;

/** Messages per history page: the default, and the most one request may ask for. */
export const HISTORY_PAGE_DEFAULT = 30;
export const HISTORY_PAGE_MAX = 100;

/** The states a `tool` stream event reports. */
export const TOOL_STATUSES = ['started', 'done', 'failed'] as const;

/** The languages the widget speaks. */
export const WIDGET_LANGUAGES = ['en', 'es', 'de', 'fr', 'ar'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/**
 * `de-AT` and `DE` both mean German; anything unsupported stays as written and is rejected.
 *
 * @example
 * normaliseLang('de-AT') // 'de'
 */
export function normaliseLang(raw: string): string {
  return raw.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** Whether a (normalised) language tag is one the widget speaks. */
export function isWidgetLanguage(value: string): value is WidgetLanguage {
  return (WIDGET_LANGUAGES as readonly string[]).includes(value);
}

// The values of the widget's `data-*` attributes (see `widget-config.ts`).

export const WIDGET_THEMES = ['light', 'dark', 'auto'] as const;
export const WIDGET_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export const WIDGET_FONTS = ['system', 'inherit'] as const;
/** Boolean attributes: present-but-empty means true, as in HTML; matched case-insensitively. */
export const WIDGET_TRUE_FLAGS = ['', 'true', '1', 'yes', 'on', 'open'] as const;
export const WIDGET_FALSE_FLAGS = ['false', '0', 'no', 'off'] as const;
// Longest accepted values of the text attributes, in code points (as zod counts) after trimming.
// Plain numbers rather than one object, so bundlers inline them.
export const MAX_TITLE_LENGTH = 80;
export const MAX_SUBTITLE_LENGTH = 120;
export const MAX_GREETING_LENGTH = 500;
export const MAX_PLACEHOLDER_LENGTH = 80;
export const MAX_ACCENT_LENGTH = 64;
export const MAX_LAUNCHER_LABEL_LENGTH = 40;
/** One suggested question of `data-starters`. */
export const MAX_STARTER_LENGTH = 120;
export const MAX_STARTERS = 6;
/** The largest z-index CSS engines accept (a signed 32-bit integer). */
export const MAX_Z_INDEX = 2147483647;

/** What a widget attribute that is absent or invalid falls back to; text falls back to the UI language. */
export const WIDGET_CONFIG_DEFAULTS = {
  theme: 'auto',
  position: 'bottom-right',
  starters: [],
  open: false,
  zIndex: 2147483000,
  font: 'system',
} as const;
