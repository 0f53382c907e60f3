import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run with EVALSHA, falling back to EVAL the first time a server has not seen it
 * (after a restart or SCRIPT FLUSH). Scripts make each check-then-write atomic on the server.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Shared head of the session scripts. KEYS are the session's five keys (hash, items, transcript,
 * idempotency, usage); ARGV[1..3] are now, idle TTL and maximum age in ms. Time comes from the
 * caller's injected clock, not the Redis server's, so every store agrees on when a session ends.
 *
 * `alive()` returns the creation time and the remaining lifetime, or nil after deleting the keys
 * of a session the clock says has ended. `expireAll(ms)` gives every session key that lifetime so
 * Redis drops them all together when it runs out.
 */
const SESSION_PRELUDE = `
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local maxAge = tonumber(ARGV[3])
local function alive()
  local fields = redis.call('HMGET', KEYS[1], 'createdAt', 'lastSeenAt')
  if not fields[1] then return nil end
  local created = tonumber(fields[1])
  local left = math.min(tonumber(fields[2]) + idle, created + maxAge) - now
  if left <= 0 then
    redis.call('DEL', unpack(KEYS))
    return nil
  end
  return created, left
end
local function expireAll(ms)
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ms) end
end
`;

/** Marks a live session used now. Returns 1, or 0 when there is no live session. */
export const touchScript = new LuaScript(`${SESSION_PRELUDE}
local created = alive()
if not created then return 0 end
redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
expireAll(math.min(now + idle, created + maxAge) - now)
return 1
`);

/**
 * Appends ARGV[5..] to the list KEYS[ARGV[4]] of a live session. Returns 1, or 0 when there is no
 * live session. Pushes in batches because Lua's unpack() has a small stack limit.
 */
export const pushScript = new LuaScript(`${SESSION_PRELUDE}
local created, left = alive()
if not created then return 0 end
local target = KEYS[tonumber(ARGV[4])]
local batch = {}
for i = 5, #ARGV do
  batch[#batch + 1] = ARGV[i]
  if #batch == 500 then
    redis.call('RPUSH', target, unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('RPUSH', target, unpack(batch)) end
expireAll(left)
return 1
`);

/** Removes and returns the newest item of a live session, or nil. */
export const popScript = new LuaScript(`${SESSION_PRELUDE}
local created = alive()
if not created then return false end
return redis.call('RPOP', KEYS[2])
`);

/*
 * Idempotency records live in the session's idempotency hash, two fields per key:
 *   m:<key> = "<running|done>:<written at ms>:<request hash>"  (parsed with string.match)
 *   r:<key> = the stored reply JSON, written by the server and never re-encoded in Lua
 * (cjson would turn an empty array into an object).
 */

/**
 * ARGV[4] key, ARGV[5] request hash, ARGV[6] idempotency TTL. Returns {0} without a live session,
 * {1} when it started a running record, or {2, state, reply} for an existing unexpired record,
 * where state is 'conflict', 'running' or 'done'.
 */
export const beginIdempotentScript = new LuaScript(`${SESSION_PRELUDE}
local created, left = alive()
if not created then return {0} end
local meta = redis.call('HGET', KEYS[4], 'm:' .. ARGV[4])
if meta then
  local state, at, hash = string.match(meta, '^(%a+):(%d+):(.*)$')
  if state and now - tonumber(at) < tonumber(ARGV[6]) then
    if hash ~= ARGV[5] then return {2, 'conflict'} end
    if state == 'done' then return {2, 'done', redis.call('HGET', KEYS[4], 'r:' .. ARGV[4])} end
    return {2, 'running'}
  end
end
redis.call('HSET', KEYS[4], 'm:' .. ARGV[4], 'running:' .. ARGV[1] .. ':' .. ARGV[5])
redis.call('HDEL', KEYS[4], 'r:' .. ARGV[4])
expireAll(left)
return {1}
`);

/** ARGV[4] key, ARGV[5] reply JSON. Marks an existing record done; no-op without one. */
export const completeIdempotentScript = new LuaScript(`${SESSION_PRELUDE}
local created, left = alive()
if not created then return 0 end
local meta = redis.call('HGET', KEYS[4], 'm:' .. ARGV[4])
if not meta then return 0 end
local hash = string.match(meta, '^%a+:%d+:(.*)$')
redis.call('HSET', KEYS[4], 'm:' .. ARGV[4], 'done:' .. ARGV[1] .. ':' .. hash, 'r:' .. ARGV[4], ARGV[5])
expireAll(left)
return 1
`);

/*
 * Usage counters live in the session's usage hash (KEYS[5]), two integer fields per UTC day:
 *   <day>:turns and <day>:tokens   (day = 'YYYY-MM-DD', so its first 10 characters sort by date)
 * HINCRBY keeps them as exact integers in Redis; the totals returned pass through Lua as numbers,
 * exact up to 2^53.
 */

/**
 * ARGV[4] day, ARGV[5] turns to add, ARGV[6] tokens to add, ARGV[7] oldest day kept (fields of
 * earlier days are deleted first). Returns {0} without a live session (nothing written), or
 * {1, turns, tokens}: the day's new totals. The usage key gets the session's remaining lifetime.
 */
export const addUsageScript = new LuaScript(`${SESSION_PRELUDE}
local created, left = alive()
if not created then return {0} end
local usage = KEYS[5]
for _, field in ipairs(redis.call('HKEYS', usage)) do
  if string.sub(field, 1, 10) < ARGV[7] then redis.call('HDEL', usage, field) end
end
local turns = redis.call('HINCRBY', usage, ARGV[4] .. ':turns', ARGV[5])
local tokens = redis.call('HINCRBY', usage, ARGV[4] .. ':tokens', ARGV[6])
redis.call('PEXPIRE', usage, left)
return {1, turns, tokens}
`);

/** KEYS[1] idempotency hash, ARGV[1] key. Deletes the record only while it is running. */
export const abandonIdempotentScript = new LuaScript(`
local meta = redis.call('HGET', KEYS[1], 'm:' .. ARGV[1])
if meta and string.sub(meta, 1, 8) == 'running:' then
  return redis.call('HDEL', KEYS[1], 'm:' .. ARGV[1], 'r:' .. ARGV[1])
end
return 0
`);

/** KEYS[1] lock key, ARGV[1] owner token. Deletes the lock only if this owner still holds it. */
export const releaseLockScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * KEYS[1] ticket hash, KEYS[2] ticket index (sorted set), KEYS[3] the session's ticket-id set.
 * ARGV: json, index member, session id, ticket id, prefix of session ticket-id sets.
 * Replacing a ticket moves it in the index and between sessions' sets.
 */
export const saveTicketScript = new LuaScript(`
local old = redis.call('HMGET', KEYS[1], 'member', 'sessionId')
if old[1] then
  redis.call('ZREM', KEYS[2], old[1])
  redis.call('SREM', ARGV[5] .. old[2], ARGV[4])
end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'member', ARGV[2], 'sessionId', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
`);

/**
 * KEYS[1] feedback index (sorted set), KEYS[2] member -> record JSON, KEYS[3] identity -> member.
 * ARGV: identity (session + message), member, json. Replaces any earlier rating of that message.
 */
export const saveFeedbackScript = new LuaScript(`
local old = redis.call('HGET', KEYS[3], ARGV[1])
if old then
  redis.call('ZREM', KEYS[1], old)
  redis.call('HDEL', KEYS[2], old)
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[1], 0, ARGV[2])
return 1
`);
