import * as z from 'zod/mini';
import { Citation } from './chat.js';

/** One bubble of the visible transcript (tool calls and other model items are not shown). */
export const HistoryMessage = /* @__PURE__ */ z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** ISO 8601 timestamp. */
  createdAt: z.string(),
  toolsUsed: z.optional(z.array(z.string())),
  citations: z.optional(z.array(Citation)),
  ticketId: z.optional(z.string()),
});
export type HistoryMessage = z.infer<typeof HistoryMessage>;

/** `GET /api/chat/history`: the caller's transcript, oldest first; empty when there is no session. */
export const HistoryResponse = /* @__PURE__ */ z.object({
  messages: z.array(HistoryMessage),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;
