import { array, type Infer, number, object, oneOf, optional, string } from './check.js';
import {
  CONVERSATION_STATUSES,
  MESSAGE_ROLES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from './constants.js';
import { Message } from './messages.js';

/*
 * What the operator API (`/api/operator/*`, `/api/console/*`) answers: zod-free checks, which the
 * console bundles. What it receives is in `operator-requests.ts` (zod).
 */

/** A person on the team as operators see them. */
export const OperatorRef = /* @__PURE__ */ object({ id: string, name: string });
export type OperatorRef = Infer<typeof OperatorRef>;

const Contact = /* @__PURE__ */ object({ email: string, name: optional(string) });
const Identity = /* @__PURE__ */ object({
  sub: string,
  email: optional(string),
  name: optional(string),
});

/** A support ticket in a list. */
export const TicketSummary = /* @__PURE__ */ object({
  id: string,
  conversation: string,
  subject: string,
  priority: oneOf(TICKET_PRIORITIES),
  status: oneOf(TICKET_STATUSES),
  createdAt: string,
  assignee: optional(OperatorRef),
  contact: optional(Contact),
});
export type TicketSummary = Infer<typeof TicketSummary>;

/** `GET /api/operator/tickets/:id`: a ticket with what the agent wrote and the conversation then. */
export const TicketDetail = /* @__PURE__ */ object({
  ...TicketSummary.shape,
  description: string,
  transcript: array(Message),
});
export type TicketDetail = Infer<typeof TicketDetail>;

/** One conversation in the inbox. */
export const OperatorConversationSummary = /* @__PURE__ */ object({
  /** The conversation's public id. */
  id: string,
  status: oneOf(CONVERSATION_STATUSES),
  createdAt: string,
  lastActivityAt: string,
  /** While waiting: since when. */
  waitingSince: optional(string),
  operator: optional(OperatorRef),
  contact: optional(Contact),
  identity: optional(Identity),
  lastMessage: optional(object({ role: oneOf(MESSAGE_ROLES), text: string, createdAt: string })),
  messageCount: number,
});
export type OperatorConversationSummary = Infer<typeof OperatorConversationSummary>;

/** `GET /api/operator/conversations`: waiting first, longest wait first; then the rest. */
export const OperatorConversationList = /* @__PURE__ */ object({
  items: array(OperatorConversationSummary),
  nextCursor: optional(string),
});
export type OperatorConversationList = Infer<typeof OperatorConversationList>;

/** `GET /api/operator/conversations/:id`: everything an operator needs to take over. */
export const OperatorConversation = /* @__PURE__ */ object({
  ...OperatorConversationSummary.shape,
  messages: array(Message),
  tickets: array(TicketSummary),
  /** Operators who have the conversation open right now (from `POST …/:id/viewing`). */
  viewers: array(OperatorRef),
});
export type OperatorConversation = Infer<typeof OperatorConversation>;

/** What changed, for live inboxes (`GET /api/operator/events`). */
export const INBOX_CHANGES = ['waiting', 'message', 'status', 'ticket', 'viewers'] as const;

/** The payload of the operator event stream's `inbox` events. */
export const InboxEvent = /* @__PURE__ */ object({
  conversation: string,
  change: oneOf(INBOX_CHANGES),
});
export type InboxEvent = Infer<typeof InboxEvent>;

/** The signed-in operator, and the token every change must carry in `X-CSRF-Token`. */
export const ConsoleSession = /* @__PURE__ */ object({
  operator: object({ id: string, name: string, email: string }),
  csrfToken: string,
});
export type ConsoleSession = Infer<typeof ConsoleSession>;

/** `GET /api/operator/tickets`. */
export const TicketList = /* @__PURE__ */ object({
  items: array(TicketSummary),
  nextCursor: optional(string),
});
export type TicketList = Infer<typeof TicketList>;

/** One day (or week) of the numbers a support lead asks for. */
export const InsightsPeriod = /* @__PURE__ */ object({
  /** ISO date of the day (UTC), or of the week's Monday. */
  start: string,
  conversations: number,
  /** Conversations the assistant handled without a person, as a share of all (0-1). */
  deflectionRate: optional(number),
  /** Conversations that asked for a person, as a share of all (0-1). */
  escalationRate: optional(number),
  /** Thumbs up as a share of all thumbs (0-1). */
  csat: optional(number),
  ratings: number,
  /** Median seconds from asking for a person to a person's first reply. */
  medianFirstReplySeconds: optional(number),
  ticketsOpened: number,
  ticketsSolved: number,
});
export type InsightsPeriod = Infer<typeof InsightsPeriod>;

/** A question the assistant could not answer, with others worded like it. */
export const UnansweredQuestion = /* @__PURE__ */ object({
  /** The most frequent wording. */
  text: string,
  count: number,
  /** Other wordings grouped with it. */
  examples: array(string),
  /** Why: no article was cited, or the visitor gave a thumbs-down. */
  reasons: array(oneOf(['no_citation', 'thumbs_down'])),
});
export type UnansweredQuestion = Infer<typeof UnansweredQuestion>;

/** `GET /api/operator/insights?days=28`. */
export const Insights = /* @__PURE__ */ object({
  days: array(InsightsPeriod),
  weeks: array(InsightsPeriod),
  totals: InsightsPeriod,
  unanswered: array(UnansweredQuestion),
});
export type Insights = Infer<typeof Insights>;

/** `GET /api/operator/knowledge/search?q=`: what the agent's search would return. */
export const KnowledgeSearchResult = /* @__PURE__ */ object({
  query: string,
  results: array(object({ title: string, url: string, score: number, snippet: string })),
});
export type KnowledgeSearchResult = Infer<typeof KnowledgeSearchResult>;
