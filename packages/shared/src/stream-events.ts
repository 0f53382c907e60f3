import { boolean, type Check, type Infer, object, oneOf, parseWith, string } from './check.js';
import {
  CONTACT_REASONS,
  ERROR_CODES,
  type STREAM_EVENT_NAMES,
  TOOL_STATUSES,
} from './constants.js';
import { ConversationState, Message } from './messages.js';

/**
 * The payload of every event of `POST /api/chat` (with `Accept: text/event-stream`) and of the
 * conversation's event stream `GET /api/chat/events`, by SSE event name:
 * - `session`: the turn created a session; keep the token for later requests;
 * - `message`: a message was stored (the visitor's question, an operator's reply);
 * - `delta`, `tool`, `handoff`: the running answer; all deltas of a turn joined equal its `done` text;
 * - `done`: the answer was stored;
 * - `error`: the turn failed; `retryable` says whether sending the same message again can succeed;
 * - `status`: who answers the conversation changed;
 * - `contact`: the team needs a way to reach the visitor: show the email form.
 *
 * Every event carries an SSE `id`: the log position (`"12"`) of stored events, and
 * `"<seq>.<n>"` for the n-th event of the answer to the message at `seq`. A client reconnecting
 * with `Last-Event-ID` gets exactly what came after it.
 */
const PAYLOADS = {
  session: object({ token: string }),
  message: Message,
  delta: object({ text: string }),
  /** A tool started or finished; the widget words it in the visitor's language. */
  tool: object({ name: string, status: oneOf(TOOL_STATUSES) }),
  /** The conversation moved to a specialist agent (its display name). */
  handoff: object({ agent: string }),
  done: Message,
  error: object({ code: oneOf(ERROR_CODES), message: string, retryable: boolean }),
  status: ConversationState,
  contact: object({ reason: oneOf(CONTACT_REASONS) }),
} satisfies { [N in (typeof STREAM_EVENT_NAMES)[number]]: Check<unknown> };

type Payloads = typeof PAYLOADS;
/** The event names; `STREAM_EVENT_NAMES` must list exactly these (checked above). */
export type StreamEventName = keyof Payloads;
/** One event: its name and its payload. */
export type StreamEvent = {
  [N in StreamEventName]: { event: N; data: Infer<Payloads[N]> };
}[StreamEventName];
/** The payload of one event kind, e.g. `StreamEventData<'tool'>`. */
export type StreamEventData<N extends StreamEventName> = Extract<StreamEvent, { event: N }>['data'];

/**
 * Checks one received event against the contract: the event, unknown fields dropped, or
 * `undefined` when the name is unknown or the payload does not match (a newer server's events
 * are skipped, not fatal).
 *
 * @example
 * toStreamEvent('delta', { text: 'Hi', index: 3 }) // { event: 'delta', data: { text: 'Hi' } }
 * toStreamEvent('delta', { txt: 'Hi' }) // undefined
 */
export function toStreamEvent(name: string, data: unknown): StreamEvent | undefined {
  if (!Object.hasOwn(PAYLOADS, name)) return undefined;
  const checked = parseWith(PAYLOADS[name as StreamEventName] as Check<unknown>, data);
  return checked === undefined ? undefined : ({ event: name, data: checked } as StreamEvent);
}
