import * as z from 'zod/mini';
import { DEFAULT_MAX_MESSAGE_LENGTH } from './constants.js';

export { DEFAULT_MAX_MESSAGE_LENGTH, IDEMPOTENCY_KEY_HEADER } from './constants.js';

/** Ids chosen by clients (message ids, idempotency keys) are short opaque tokens, never free text. */
export const ClientId = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _.:-'));

/** A knowledge-base article an answer is grounded in. */
export const Citation = /* @__PURE__ */ z.object({
  title: z.string(),
  url: z.string(),
});
export type Citation = z.infer<typeof Citation>;

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

/** The answer to `POST /api/chat` when the client did not ask for a stream. */
export const ChatReply = /* @__PURE__ */ z.object({
  messageId: z.string(),
  reply: z.string(),
  toolsUsed: z.array(z.string()),
  citations: z.array(Citation),
  sessionToken: z.string(),
  /** Set when the agent opened a support ticket during this turn. */
  ticketId: z.optional(z.string()),
});
export type ChatReply = z.infer<typeof ChatReply>;

/** `POST /api/chat/feedback`: a thumbs up or down on one assistant message. */
export const FeedbackRequest = /* @__PURE__ */ z.object({
  messageId: z.string().check(z.minLength(1), z.maxLength(128)),
  rating: z.enum(['up', 'down']),
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;
