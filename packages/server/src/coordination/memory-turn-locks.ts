import type { TurnLocks } from './turn-locks.js';

/**
 * Turn locks in this process's memory: right for a SQLite store, which is one process. A crash
 * takes them with it, so a restarted server never finds a conversation locked by a dead turn.
 * A lock older than its `ttlMs` is free again (a turn that never released it).
 */
export function memoryTurnLocks(now: () => number = Date.now): TurnLocks {
  const held = new Map<string, { holder: symbol; expiresAt: number }>();
  return {
    async tryLock(conversationId, ttlMs) {
      const current = held.get(conversationId);
      if (current && current.expiresAt > now()) return undefined;
      const holder = Symbol(conversationId);
      held.set(conversationId, { holder, expiresAt: now() + ttlMs });
      return {
        async release() {
          if (held.get(conversationId)?.holder === holder) held.delete(conversationId);
        },
      };
    },
  };
}
