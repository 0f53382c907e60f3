import * as z from 'zod/mini';
import { DEFAULT_MAX_MESSAGE_LENGTH, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from './constants.js';

/*
 * What visitors send. The server parses these with zod (a 400 names the bad field); the widget only
 * imports their types, so zod never reaches its bundle.
 */

/**
 * Checks for text people type. NUL is refused everywhere: PostgreSQL cannot store it in a text
 * column, so it would turn a message into a server error.
 */
export const withoutNul = () =>
  z.refine<string>((text) => !text.includes('\0'), 'must not contain NUL characters');

/**
 * A person's name as others will read it (in the widget, the console, mail): no control
 * characters, no bidirectional overrides that would reorder what the reader sees.
 */
export const personName = (maxLength: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(maxLength),
      z.regex(
        /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u,
        'must not contain control or direction-override characters',
      ),
    );

/** Ids chosen by clients (message ids, idempotency keys) are short opaque tokens, never free text. */
export const ClientId = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _.:-'));

/**
 * Builds the `POST /api/chat` body schema for a given message length limit; the server passes its
 * configured limit, everyone else uses {@link ChatRequest}.
 */
export function createChatRequestSchema(maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH) {
  return z.object({
    message: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'must not be empty'),
        z.maxLength(maxMessageLength, `must be at most ${maxMessageLength} characters`),
        withoutNul(),
      ),
    clientMessageId: z.optional(ClientId),
  });
}

/**
 * What the visitor sends.
 *
 * @example
 * { "message": "How do I reset my password?", "clientMessageId": "m_1" }
 */
export const ChatRequest = /* @__PURE__ */ createChatRequestSchema();
export type ChatRequest = z.infer<typeof ChatRequest>;

/** `POST /api/chat/feedback`: a thumbs up or down on one assistant message. */
export const FeedbackRequest = /* @__PURE__ */ z.object({
  messageId: z.string().check(z.minLength(1), z.maxLength(128), withoutNul()),
  rating: z.enum(['up', 'down']),
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000), withoutNul())),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

/**
 * `POST /api/chat/contact`: how the team can reach the visitor. It goes to the conversation and
 * its tickets, never to the model.
 *
 * @example
 * { "email": "sam@example.com", "name": "Sam" }
 */
export const ContactRequest = /* @__PURE__ */ z.object({
  email: z.string().check(z.trim(), z.maxLength(254), z.email('must be an email address')),
  // The name goes into mail and the console.
  name: z.optional(personName(100)),
});
export type ContactRequest = z.infer<typeof ContactRequest>;

/** `POST /api/chat/identify`: a short-lived JWT the site's backend signed for a logged-in visitor. */
export const IdentifyRequest = /* @__PURE__ */ z.object({
  token: z.string().check(z.minLength(1), z.maxLength(4096)),
});
export type IdentifyRequest = z.infer<typeof IdentifyRequest>;

/** `GET /api/chat/history` query: the page before a cursor (latest page without one). */
export const HistoryQuery = /* @__PURE__ */ z.object({
  before: z.optional(
    z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from a history page')),
  ),
  limit: z._default(
    z
      .pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number')), z.transform(Number))
      .check(z.refine((n) => n >= 1 && n <= HISTORY_PAGE_MAX, `must be 1-${HISTORY_PAGE_MAX}`)),
    HISTORY_PAGE_DEFAULT,
  ),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;
