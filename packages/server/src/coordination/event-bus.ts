import { EventEmitter } from 'node:events';
import type { InboxEvent, StreamEvent } from '@parley/shared';

/** The `n`-th event of a running answer. */
export interface LiveEvent {
  n: number;
  event: StreamEvent;
}

/**
 * What instances tell each other. Conversations are named by their public id: nothing secret
 * travels through Redis or PostgreSQL notifications.
 * - `logged`: a message was stored at `seq`; readers fetch it from the log;
 * - `live`: events of the running answer to the message at `base` (deltas, tools), each with its
 *   number `n` within that answer, batched a few at a time;
 * - `state`: the conversation's status or contact changed;
 * - `stop`: the visitor pressed Stop; whichever instance runs the turn aborts it;
 * - `inbox`: something operators' consoles should show (a new waiting conversation, a message).
 * - `presence`: an operator has the conversation open in the console (repeated while they do).
 * - `resync`: this instance may have missed messages (its bus connection dropped); readers re-read.
 */
export type BusMessage =
  | { type: 'logged'; conversation: string; seq: number }
  | {
      type: 'live';
      conversation: string;
      base: number;
      events: LiveEvent[];
      /** A retry's first batch: the events numbered before this belong to the try that failed. */
      restartAt?: number;
    }
  | { type: 'state'; conversation: string }
  | { type: 'stop'; conversation: string }
  | { type: 'inbox'; conversation: string; change: InboxEvent['change'] }
  | { type: 'presence'; conversation: string; operator: { id: string; name: string } }
  | { type: 'resync' };

/**
 * Fan-out between instances: every instance receives every message, its own included. In one
 * process (SQLite) an in-memory emitter; with several, PostgreSQL LISTEN/NOTIFY or Redis pub/sub.
 * Delivery is best effort (a dropped connection loses messages, and is announced with `resync`);
 * anything that must not be lost is in the store, and the bus only says where to look.
 */
export interface EventBus {
  publish(message: BusMessage): Promise<void>;
  /** Calls `handler` for every message from now on; returns the unsubscribe function. */
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

/** Handlers of one bus, each isolated: one that throws does not stop the others. */
export class BusSubscribers {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  add(handler: (message: BusMessage) => void): () => void {
    const safe = (message: BusMessage) => {
      try {
        handler(message);
      } catch {
        // A subscriber's bug must not break delivery to the others.
      }
    };
    this.#emitter.on('message', safe);
    return () => this.#emitter.off('message', safe);
  }

  deliver(message: BusMessage): void {
    this.#emitter.emit('message', message);
  }

  clear(): void {
    this.#emitter.removeAllListeners();
  }
}

/** The bus of a single process. Messages arrive on a later tick, as they would from a server. */
export function memoryBus(): EventBus {
  const subscribers = new BusSubscribers();
  return {
    async publish(message) {
      queueMicrotask(() => subscribers.deliver(message));
    },
    subscribe: (handler) => subscribers.add(handler),
    async close() {
      subscribers.clear();
    },
  };
}
