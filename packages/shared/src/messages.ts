import { array, boolean, type Infer, number, object, oneOf, optional, string } from './check.js';
import { CONVERSATION_STATUSES, MESSAGE_ROLES } from './constants.js';

/** A knowledge-base article an answer is grounded in. */
export const Citation = /* @__PURE__ */ object({ title: string, url: string });
export type Citation = Infer<typeof Citation>;

/** A person on the support team, as visitors see them. */
export const Author = /* @__PURE__ */ object({ name: string });
export type Author = Infer<typeof Author>;

/**
 * One message of a conversation, as stored and shown: the visitor's (`user`), the assistant's, or
 * an operator's. `seq` is its place in the conversation's log, the same number the event stream
 * uses as its id, so a client can page and resume by it.
 *
 * @example
 * { "id": "msg_5a…", "seq": 4, "role": "assistant", "text": "Open **Settings**…",
 *   "createdAt": "2026-01-06T15:00:02.000Z", "toolsUsed": ["search_knowledge_base"],
 *   "citations": [{ "title": "Reset your password", "url": "https://help.example.com/reset" }] }
 */
export const Message = /* @__PURE__ */ object({
  id: string,
  seq: number,
  role: oneOf(MESSAGE_ROLES),
  text: string,
  /** ISO 8601. */
  createdAt: string,
  /** Assistant answers: the tools the turn used, in order of first use. */
  toolsUsed: optional(array(string)),
  citations: optional(array(Citation)),
  /** Set when the turn opened a support ticket. */
  ticketId: optional(string),
  /** Assistant answers: the specialists the turn handed the conversation to, by display name. */
  handoffs: optional(array(string)),
  /** Operator messages: who wrote it. */
  author: optional(Author),
});
export type Message = Infer<typeof Message>;

/**
 * The assistant's answer to one visitor message: a {@link Message} with the assistant's role, the
 * one shape the JSON reply, the stream's `done` event and the history all use for it. (They are
 * checked as `Message`; the role is the server's promise.)
 */
export type Answer = Message & { role: 'assistant' };

/** Who is answering a conversation; `waiting` means a person was asked for. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * Where a conversation stands, for the visitor: who answers it, and whether the team already has
 * a way to reach them.
 */
export const ConversationState = /* @__PURE__ */ object({
  status: oneOf(CONVERSATION_STATUSES),
  /** The operator in charge while `human`. */
  operator: optional(Author),
  /** While `waiting`: a rough estimate of the wait, in minutes, when the queue allows one. */
  waitMinutes: optional(number),
  /** Whether an email address is on file (given in the form, or from a verified identity). */
  contactKnown: boolean,
});
export type ConversationState = Infer<typeof ConversationState>;
