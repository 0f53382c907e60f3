import * as z from 'zod/mini';
import { Citation } from './chat.js';
import { TOOL_STATUSES } from './constants.js';
import { ErrorCode } from './errors.js';

/** Sent first when the turn created a session: the widget keeps the token for later requests. */
export const SessionEvent = /* @__PURE__ */ z.object({
  event: z.literal('session'),
  data: z.object({ token: z.string() }),
});

/** A piece of the assistant's answer; all deltas joined equal the `done` event's `text`. */
export const DeltaEvent = /* @__PURE__ */ z.object({
  event: z.literal('delta'),
  data: z.object({ text: z.string() }),
});

/** A tool started or finished; `label` is a human sentence such as "Searching the help center…". */
export const ToolEvent = /* @__PURE__ */ z.object({
  event: z.literal('tool'),
  data: z.object({
    name: z.string(),
    status: z.enum(TOOL_STATUSES),
    label: z.string(),
  }),
});

/** The conversation moved to a specialist agent. */
export const HandoffEvent = /* @__PURE__ */ z.object({
  event: z.literal('handoff'),
  data: z.object({ agent: z.string() }),
});

/** The turn finished and was stored. */
export const DoneEvent = /* @__PURE__ */ z.object({
  event: z.literal('done'),
  data: z.object({
    messageId: z.string(),
    text: z.string(),
    toolsUsed: z.array(z.string()),
    citations: z.array(Citation),
    ticketId: z.optional(z.string()),
  }),
});

/** The turn failed; `retryable` says whether sending the same message again can succeed. */
export const ErrorEvent = /* @__PURE__ */ z.object({
  event: z.literal('error'),
  data: z.object({
    code: ErrorCode,
    message: z.string(),
    retryable: z.boolean(),
  }),
});

/**
 * Everything `POST /api/chat` can stream, keyed by the SSE event name.
 *
 * @example
 * { event: 'delta', data: { text: 'Hello' } }
 */
export const StreamEvent = /* @__PURE__ */ z.discriminatedUnion('event', [
  SessionEvent,
  DeltaEvent,
  ToolEvent,
  HandoffEvent,
  DoneEvent,
  ErrorEvent,
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
export type StreamEventName = StreamEvent['event'];
/** The payload of one event kind, e.g. `StreamEventData<'tool'>`. */
export type StreamEventData<N extends StreamEventName> = Extract<StreamEvent, { event: N }>['data'];
