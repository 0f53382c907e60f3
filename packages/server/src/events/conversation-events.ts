import type { InboxEvent, StreamEvent } from '@parley/shared';
import type { Logger } from 'pino';
import type { BusMessage, EventBus, LiveEvent } from '../coordination/event-bus.js';
import { LiveTurns } from './live-turns.js';

/** An operator counts as viewing a conversation this long after their console last said so. */
export const PRESENCE_TTL_MS = 45_000;

/** Live events are sent to other instances in batches at most this far apart. */
export const LIVE_BATCH_MS = 25;
/** A delta longer than this is split, so every bus message stays small (PostgreSQL: < 8 KB). */
export const MAX_DELTA_CHARS = 1_000;

/** The SSE id of a stored message, and of the `n`-th live event of the answer to `base`. */
export const storedEventId = (seq: number) => String(seq);
export const liveEventId = (base: number, n: number) => `${base}.${n}`;

/** Where a client is in a conversation's stream, parsed from `Last-Event-ID` (or `?after=`). */
export interface StreamPosition {
  /** Every stored message up to this position was received. */
  seq: number;
  /** And this many live events of the answer to the message at `seq`. */
  n: number;
}

/** Parses `"12"` or `"12.7"`; undefined for anything else. */
export function parseStreamPosition(value: string | undefined): StreamPosition | undefined {
  const match = value === undefined ? null : /^(\d{1,15})(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!match) return undefined;
  return { seq: Number(match[1]), n: match[2] === undefined ? 0 : Number(match[2]) };
}

/** Numbers and forwards the live events of one running answer. */
export interface LiveWriter {
  /**
   * Gives each event its id and queues it for the other instances. Long deltas come back split
   * into several events, each with its own id.
   */
  push(event: StreamEvent): Array<{ id: string; event: StreamEvent }>;
  /** Sends what is queued now (the answer is done or failed). */
  flush(): Promise<void>;
  /** The number of the last event given out. */
  numbered(): number;
}

export interface ConversationEvents {
  /** A message was stored at `seq`. */
  logged(conversation: string, seq: number): void;
  /**
   * The writer for the live events of the answer to the message at `base`, numbered after
   * `after` (a retry continues the numbers of the attempt that failed, so a client that saw
   * those takes these as new).
   */
  liveWriter(conversation: string, base: number, after?: number): LiveWriter;
  /** The conversation's status or contact changed. */
  stateChanged(conversation: string): void;
  /** Something the operators' inboxes should show. */
  inbox(conversation: string, change: InboxEvent['change']): void;
  /** Asks whichever instance runs the conversation's turn to stop it. */
  requestStop(conversation: string): Promise<void>;
  /** Calls `handler` when someone asks to stop this conversation's turn. */
  onStop(conversation: string, handler: () => void): () => void;
  /** Bus messages about one conversation, and resyncs, for a stream that follows it. */
  follow(conversation: string, handler: (message: BusMessage) => void): () => void;
  /** Every `inbox`, `logged` and `state` message, and resyncs: the operators' event stream. */
  followAll(handler: (message: BusMessage) => void): () => void;
  /** Says that an operator has the conversation open; repeat it while they do. */
  viewing(conversation: string, operator: { id: string; name: string }): void;
  /** The operators seen viewing the conversation within the last {@link PRESENCE_TTL_MS}. */
  viewers(conversation: string): Array<{ id: string; name: string }>;
  /** Running answers' events, from every instance. */
  readonly live: LiveTurns;
  close(): Promise<void>;
}

/**
 * This instance's view of every conversation's events: what it publishes goes to the bus, and
 * what arrives from the bus (its own messages included) is handed to the streams following the
 * conversation and kept in {@link LiveTurns} for resuming. Publishing never fails a turn: a bus
 * outage is logged once, and followers re-read the store when the bus reconnects (`resync`).
 */
export function createConversationEvents(options: {
  bus: EventBus;
  logger: Logger;
  now?: () => number;
}): ConversationEvents {
  const { bus, logger } = options;
  const live = new LiveTurns(options.now);
  const followers = new Map<string, Set<(message: BusMessage) => void>>();
  const allFollowers = new Set<(message: BusMessage) => void>();
  const stoppers = new Map<string, Set<() => void>>();
  const presence = new Map<string, Map<string, { name: string; at: number }>>();
  const now = options.now ?? Date.now;
  let busFailing = false;

  const publish = async (message: BusMessage) => {
    try {
      await bus.publish(message);
      if (busFailing) logger.warn('event bus recovered');
      busFailing = false;
    } catch (error) {
      if (!busFailing) {
        logger.error(
          { err: { message: (error as Error).message } },
          'event bus unavailable: other instances miss live events until it recovers',
        );
      }
      busFailing = true;
    }
  };

  const deliver = (set: Set<(message: BusMessage) => void> | undefined, message: BusMessage) => {
    for (const handler of set ?? []) handler(message);
  };

  const unsubscribe = bus.subscribe((message) => {
    if (message.type === 'resync') {
      for (const set of followers.values()) deliver(set, message);
      deliver(allFollowers, message);
      return;
    }
    if (message.type === 'live')
      live.add(message.conversation, message.base, message.events, message.restartAt);
    if (message.type === 'stop') {
      for (const stop of stoppers.get(message.conversation) ?? []) stop();
      return;
    }
    if (message.type === 'presence') {
      const viewers = presence.get(message.conversation) ?? new Map();
      presence.set(message.conversation, viewers);
      const known = viewers.has(message.operator.id);
      viewers.set(message.operator.id, { name: message.operator.name, at: now() });
      if (!known) {
        deliver(allFollowers, {
          type: 'inbox',
          conversation: message.conversation,
          change: 'viewers',
        });
      }
      return;
    }
    deliver(followers.get(message.conversation), message);
    if (message.type !== 'live') deliver(allFollowers, message);
  });

  const add = <T>(map: Map<string, Set<T>>, key: string, value: T) => {
    const set = map.get(key) ?? new Set<T>();
    map.set(key, set);
    set.add(value);
    return () => {
      set.delete(value);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
  };

  return {
    live,
    logged(conversation, seq) {
      void publish({ type: 'logged', conversation, seq });
    },
    liveWriter(conversation, base, after = 0) {
      let n = after;
      // A retry tells every instance to forget the failed try's events with its first batch.
      let restartAt = after > 0 ? after + 1 : undefined;
      let pending: LiveEvent[] = [];
      let timer: NodeJS.Timeout | undefined;
      const send = async () => {
        clearTimeout(timer);
        timer = undefined;
        if (pending.length === 0) return;
        const events = pending;
        pending = [];
        const restart = restartAt;
        restartAt = undefined;
        await publish({
          type: 'live',
          conversation,
          base,
          events,
          ...(restart === undefined ? {} : { restartAt: restart }),
        });
      };
      return {
        push(event) {
          const parts = event.event === 'delta' ? splitDelta(event.data.text) : [event];
          return parts.map((part) => {
            n++;
            pending.push({ n, event: part });
            timer ??= setTimeout(() => void send(), LIVE_BATCH_MS);
            return { id: liveEventId(base, n), event: part };
          });
        },
        flush: send,
        numbered: () => n,
      };
    },
    stateChanged(conversation) {
      void publish({ type: 'state', conversation });
    },
    inbox(conversation, change) {
      void publish({ type: 'inbox', conversation, change });
    },
    requestStop: (conversation) => publish({ type: 'stop', conversation }),
    viewing(conversation, operator) {
      void publish({ type: 'presence', conversation, operator });
    },
    viewers(conversation) {
      const viewers = presence.get(conversation);
      if (!viewers) return [];
      const cutoff = now() - PRESENCE_TTL_MS;
      for (const [id, viewer] of viewers) if (viewer.at < cutoff) viewers.delete(id);
      if (viewers.size === 0) presence.delete(conversation);
      return [...viewers].map(([id, viewer]) => ({ id, name: viewer.name }));
    },
    onStop: (conversation, handler) => add(stoppers, conversation, handler),
    follow: (conversation, handler) => add(followers, conversation, handler),
    followAll(handler) {
      allFollowers.add(handler);
      return () => allFollowers.delete(handler);
    },
    async close() {
      unsubscribe();
      followers.clear();
      allFollowers.clear();
      stoppers.clear();
    },
  };
}

/** One delta, or several when it is long, so no bus message outgrows what every bus carries. */
function splitDelta(text: string): StreamEvent[] {
  if (text.length <= MAX_DELTA_CHARS) return [{ event: 'delta', data: { text } }];
  const parts: StreamEvent[] = [];
  for (let i = 0; i < text.length; i += MAX_DELTA_CHARS) {
    // Never split a surrogate pair: move the cut one back when it would land inside one.
    let end = Math.min(i + MAX_DELTA_CHARS, text.length);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    parts.push({ event: 'delta', data: { text: text.slice(i, end) } });
    i = end - MAX_DELTA_CHARS;
  }
  return parts;
}
