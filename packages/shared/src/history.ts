import { arrayOfValid, boolean, type Infer, object, optional, string } from './check.js';
import { ConversationState, Message } from './messages.js';

/**
 * `GET /api/chat/history`: one page of the caller's conversation, oldest first, and where the
 * conversation stands. The latest page comes first; `before` is the cursor for the page of older
 * messages, absent on the first page of the conversation. Without a session: no messages.
 *
 * @example
 * GET /api/chat/history?before=41&limit=30
 */
export const HistoryResponse = /* @__PURE__ */ object({
  messages: arrayOfValid(Message),
  conversation: ConversationState,
  before: optional(string),
});
export type HistoryResponse = Infer<typeof HistoryResponse>;

/** `POST /api/chat` without `Accept: text/event-stream`: the stored question and its answer. */
export const ChatReply = /* @__PURE__ */ object({
  sessionToken: string,
  question: Message,
  /** Absent while a person handles the conversation: the message went to them instead. */
  answer: optional(Message),
  conversation: ConversationState,
});
export type ChatReply = Infer<typeof ChatReply>;

/** `POST /api/chat/contact`: where the conversation stands now that the team can reach the visitor. */
export const ContactReply = /* @__PURE__ */ object({ conversation: ConversationState });
export type ContactReply = Infer<typeof ContactReply>;

/**
 * `POST /api/chat/identify`: the session to use from now on. `switched` is true when the verified
 * user already had a conversation (from another browser or device) and this is it.
 */
export const IdentifyReply = /* @__PURE__ */ object({
  sessionToken: string,
  switched: boolean,
  conversation: ConversationState,
});
export type IdentifyReply = Infer<typeof IdentifyReply>;
