import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';
import type { TurnLocks } from './turn-locks.js';

const RECONNECT_MS = 1_000;

/**
 * Turn locks as PostgreSQL advisory locks, held on one connection of this instance's own (not a
 * pooled one, which would go back to the pool with the lock). PostgreSQL releases a session's
 * advisory locks when the session ends, so an instance that crashes or is killed frees its
 * conversations at once instead of leaving them locked until an expiry. Advisory locks are
 * re-entrant within a session, so this instance also keeps its own set of held conversations:
 * two turns of one conversation on the same instance exclude each other too.
 *
 * If the lock connection drops, PostgreSQL has released every lock it held; the turns running
 * here carry on (they already have what they need) and new ones wait for the reconnection.
 */
export function postgresTurnLocks(options: {
  url: string;
  onError?: (error: Error) => void;
}): TurnLocks & { ready(): Promise<void>; close(): Promise<void> } {
  const held = new Set<string>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: options.url });
      next.on('error', (error) => {
        options.onError?.(error);
        if (client === next) client = undefined;
        next.end().catch(() => {});
      });
      // A connection cut while a query runs fails that query and ends, without an 'error'
      // event: without this, every later lock would be asked of a dead connection, forever.
      next.on('end', () => {
        if (client === next) client = undefined;
      });
      try {
        await next.connect();
      } catch (error) {
        await next.end().catch(() => {});
        throw error;
      }
      if (closed) {
        await next.end().catch(() => {});
        throw new Error('closed');
      }
      client = next;
      // Whatever this instance held is gone with the old session.
      held.clear();
      return next;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  const session = async (): Promise<pg.Client> => {
    if (client) return client;
    try {
      return await connect();
    } catch (error) {
      setTimeout(() => {
        if (!closed && !client) connect().catch(() => {});
      }, RECONNECT_MS).unref();
      throw new StoreUnavailableError(error);
    }
  };

  return {
    ready: async () => {
      await session();
    },
    async tryLock(conversationId) {
      if (held.has(conversationId)) return undefined;
      // Claimed here before the round trip, so a second turn of this instance waits for nothing.
      held.add(conversationId);
      let locked = false;
      let owner: pg.Client;
      try {
        owner = await session();
        const result = await owner.query<{ locked: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
          [conversationId],
        );
        locked = result.rows[0]?.locked === true;
      } catch (error) {
        held.delete(conversationId);
        throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
      }
      if (!locked) {
        held.delete(conversationId);
        return undefined;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(conversationId);
          // A new session since the lock was taken holds nothing to release.
          if (client !== owner) return;
          await owner
            .query('select pg_advisory_unlock(hashtextextended($1, 0))', [conversationId])
            .catch(() => {
              // The session is gone, and with it the lock.
            });
        },
      };
    },
    async close() {
      closed = true;
      await client?.end().catch(() => {});
    },
  };
}
