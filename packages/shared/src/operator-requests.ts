import * as z from 'zod/mini';
import { personName, withoutNul } from './chat.js';
import { CONVERSATION_STATUSES, TICKET_STATUSES } from './constants.js';

/*
 * What the operator API (`/api/operator/*`, `/api/console/*`) receives, parsed by the server with
 * zod. The console imports only their types, so zod stays out of its bundle.
 */

/** A page size given in a query string: 1 to 100 as digits. */
const pageLimit = (fallback: number) =>
  z._default(
    z
      .pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number')), z.transform(Number))
      .check(z.refine((n) => n >= 1 && n <= 100, 'must be 1-100')),
    fallback,
  );

/** `GET /api/operator/conversations` query. */
export const OperatorConversationsQuery = /* @__PURE__ */ z.object({
  status: z.optional(z.enum(CONVERSATION_STATUSES)),
  /** Words in the messages, or part of the contact's email or name, or the verified identity. */
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200), withoutNul())),
  limit: pageLimit(20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type OperatorConversationsQuery = z.infer<typeof OperatorConversationsQuery>;

/** `POST …/:id/join`: token callers say who they are; signed-in operators need not. */
export const JoinRequest = /* @__PURE__ */ z.object({
  name: z.optional(personName(80)),
});
export type JoinRequest = z.infer<typeof JoinRequest>;

/** `POST …/:id/messages`: a reply from the team, shown to the visitor with the operator's name. */
export const OperatorMessageRequest = /* @__PURE__ */ z.object({
  text: z
    .string()
    .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(8000), withoutNul()),
  /** Token callers: who writes (signed-in operators are known). */
  name: z.optional(personName(80)),
});
export type OperatorMessageRequest = z.infer<typeof OperatorMessageRequest>;

/** `POST /api/console/sign-in`. */
export const SignInRequest = /* @__PURE__ */ z.object({
  email: z.string().check(z.trim(), z.maxLength(254), z.email('must be an email address')),
  password: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024), withoutNul()),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

/** `GET /api/operator/tickets` query. */
export const TicketsQuery = /* @__PURE__ */ z.object({
  status: z.optional(z.enum(TICKET_STATUSES)),
  /** `me`: only the signed-in operator's tickets. */
  assignee: z.optional(z.literal('me')),
  limit: pageLimit(20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type TicketsQuery = z.infer<typeof TicketsQuery>;

/** `PATCH /api/operator/tickets/:id`: a new status, or `assignee: "me"` / `null`. */
export const TicketUpdateRequest = /* @__PURE__ */ z.object({
  status: z.optional(z.enum(TICKET_STATUSES)),
  assignee: z.optional(z.nullable(z.literal('me'))),
});
export type TicketUpdateRequest = z.infer<typeof TicketUpdateRequest>;
