import { ERROR_CODES, type STREAM_EVENT_NAMES, TOOL_STATUSES } from './constants.js';
import type { StreamEvent } from './stream-events.js';

/*
 * A zod-free check of stream events, so the SSE parser (and the widget bundling it) needs no schema
 * library. It must accept exactly what the zod `StreamEvent` schema accepts and return the same
 * data, unknown fields stripped; `stream-event-guard.test.ts` holds the two equal on a large
 * generated set of payloads.
 */

/**
 * Returns the checked value (a fresh copy for objects and arrays) or throws: throwing keeps each
 * check a one-liner, and `toStreamEvent` turns any throw into "not an event".
 */
type Check<T> = (value: unknown) => T;

const invalid = (): never => {
  throw new TypeError('not a stream event');
};

const string: Check<string> = (value) => (typeof value === 'string' ? value : invalid());
const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : invalid());

const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (value) =>
    (values as readonly unknown[]).includes(value) ? (value as T) : invalid();

/** Like `z.optional`: `undefined` is accepted, and the object check leaves an absent key absent. */
const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value) =>
    value === undefined ? value : check(value);

/**
 * Like `z.array`: every index is read, so a hole counts as `undefined`. (`Array.from` also passes
 * the index, which checks ignore.)
 */
const array =
  <T>(item: Check<T>): Check<T[]> =>
  (value) =>
    Array.isArray(value) ? Array.from(value, item) : invalid();

/**
 * Like `z.object`: anything but `null` and arrays counts as an object, fields are read as
 * `value[key]` (inherited ones included), unknown fields are dropped, and an optional field is
 * kept as `undefined` only when its key was there.
 */
const object =
  <S extends Record<string, Check<unknown>>>(
    shape: S,
  ): Check<{ [K in keyof S]: ReturnType<S[K]> }> =>
  (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid();
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const checked = (shape[key] as Check<unknown>)(input[key]);
      if (checked !== undefined || key in input) out[key] = checked;
    }
    return out as { [K in keyof S]: ReturnType<S[K]> };
  };

/**
 * One payload check per event name. Keyed by both the schema's names and `STREAM_EVENT_NAMES`,
 * so a name missing from either, or a required field missing here, fails to compile.
 */
type EventName = StreamEvent['event'] | (typeof STREAM_EVENT_NAMES)[number];
const PAYLOADS: { [N in EventName]: Check<Extract<StreamEvent, { event: N }>['data']> } = {
  session: object({ token: string }),
  delta: object({ text: string }),
  tool: object({ name: string, status: oneOf(TOOL_STATUSES), label: string }),
  handoff: object({ agent: string }),
  done: object({
    messageId: string,
    text: string,
    toolsUsed: array(string),
    citations: array(object({ title: string, url: string })),
    ticketId: optional(string),
  }),
  error: object({ code: oneOf(ERROR_CODES), message: string, retryable: boolean }),
};

/**
 * Checks one stream event against the contract without zod: the event as `StreamEvent.parse`
 * would return it (unknown fields stripped), or `undefined` when the name is unknown or the payload
 * does not match.
 *
 * @example
 * toStreamEvent('delta', { text: 'Hi', index: 3 }) // { event: 'delta', data: { text: 'Hi' } }
 * toStreamEvent('delta', { txt: 'Hi' }) // undefined
 */
export function toStreamEvent(name: string, data: unknown): StreamEvent | undefined {
  if (!Object.hasOwn(PAYLOADS, name)) return undefined;
  try {
    return { event: name, data: PAYLOADS[name as EventName](data) } as StreamEvent;
  } catch {
    return undefined;
  }
}
