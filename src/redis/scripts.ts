/**
 * The Lua scripts behind RedisSemaphore and RedisLock. Each step is one
 * script, so Redis runs it atomically; every timestamp comes from Redis's
 * own `TIME`, never from a client's clock.
 *
 * Keys of one semaphore (all share the `{key}` hash tag):
 *
 *   KEYS[1] holders  ZSET  token → lease deadline (ms, Redis time)
 *   KEYS[2] line     ZSET  token → arrival number (FIFO order)
 *   KEYS[3] alive    ZSET  token → deadline of a waiter's last heartbeat
 *   KEYS[4] info     HASH  token → fence, for holders granted from the line
 *                         (a waiter whose grant message was lost finds it there)
 *   KEYS[5] counters HASH  `arrivals`, `fence`: they only ever grow
 *
 * A token ends in `/<leaseMs>`: the lease its holder asked for, read by the
 * script that grants it from the line (no lookup).
 *
 * The channel (ARGV[2]) carries `<token> <fence>` for every grant made to a
 * waiter: everything its process needs (the lease length is its own), so it
 * resumes on the message alone, without another round trip.
 *
 * Invariants kept by `settle`, which every script runs before it decides
 * anything about waiters:
 *   - ZCARD(holders) ≤ permits;
 *   - ZCARD(holders) < permits ⇒ the line is empty (nobody barges: a
 *     newcomer is granted at once only when nobody is queued);
 *   - the line is served in arrival order;
 *   - a holder whose lease ran out, or a waiter whose process stopped
 *     heartbeating, is dropped before anything else is decided.
 *
 * Fast paths (the uncontended case, a handful of calls like a plain
 * ZADD-based semaphore): ACQUIRE with a free permit and an empty line grants
 * at once without settling (the invariants say nobody is owed it; a holder
 * whose lease ran out is dropped the first time the permits are all taken);
 * RELEASE with an empty line and no lease run out has nothing to hand on.
 * Holders granted at once keep no `info` entry: their fence went back in the reply.
 */

const SETTLE = `
local holders, line, alive, info, counters = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local permits, channel = tonumber(ARGV[1]), ARGV[2]
local now
-- Redis's clock in ms, read once per script and only when needed.
local function clock()
  if now == nil then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end

-- Returns the length of the line once settled (0 for nearly every uncontended call,
-- which then skips everything about waiters).
-- queued: the length of the line, when the caller has just read it.
local function settle(queued)
  clock()
  local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now)
  if #expired > 0 then
    for _, token in ipairs(expired) do redis.call('HDEL', info, token) end
    redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  end
  local waiting = queued or redis.call('ZCARD', line)
  if waiting == 0 then return 0 end
  local dead = redis.call('ZRANGEBYSCORE', alive, '-inf', now)
  if #dead > 0 then
    for _, token in ipairs(dead) do waiting = waiting - redis.call('ZREM', line, token) end
    redis.call('ZREMRANGEBYSCORE', alive, '-inf', now)
  end
  local free = permits - redis.call('ZCARD', holders)
  while free > 0 and waiting > 0 do
    local token = redis.call('ZPOPMIN', line)[1]
    local lease = tonumber(string.match(token, '/(%d+)$')) or 10000
    redis.call('ZREM', alive, token)
    local fence = redis.call('HINCRBY', counters, 'fence', 1)
    redis.call('ZADD', holders, now + lease, token)
    redis.call('HSET', info, token, fence)
    redis.call('PUBLISH', channel, token .. ' ' .. fence)
    free = free - 1
    waiting = waiting - 1
  end
  return waiting
end
`;

/**
 * ARGV: permits, channel, token, leaseMs.
 * Returns `{1, fence}` when granted at once (or already granted), else
 * `{0, position, arrival}` once queued at the back of the line (position 0 =
 * head; `arrival` is its number in the arrival order, which grants follow).
 */
export const ACQUIRE = `${SETTLE}
local token, lease = ARGV[3], tonumber(ARGV[4])
-- Fast path: a free permit and nobody queued (which the invariants imply; checked anyway).
if redis.call('ZCARD', holders) < permits and redis.call('EXISTS', line) == 0 then
  local fence = redis.call('HINCRBY', counters, 'fence', 1)
  redis.call('ZADD', holders, clock() + lease, token)
  return {1, fence}
end
local waiting = settle()
local fence = redis.call('ZSCORE', holders, token) and redis.call('HGET', info, token)
if fence then return {1, tonumber(fence)} end
if waiting == 0 or redis.call('ZSCORE', line, token) == false then
  if waiting == 0 and redis.call('ZCARD', holders) < permits then
    fence = redis.call('HINCRBY', counters, 'fence', 1)
    redis.call('ZADD', holders, now + lease, token)
    return {1, fence}
  end
  redis.call('ZADD', line, redis.call('HINCRBY', counters, 'arrivals', 1), token)
end
redis.call('ZADD', alive, now + lease, token)
return {0, redis.call('ZRANK', line, token), tonumber(redis.call('ZSCORE', line, token))}
`;

/**
 * A waiter's heartbeat and safety re-check. ARGV: permits, channel, token, leaseMs.
 * Returns `{1, fence}` when the token holds a permit (a grant whose message
 * was missed), `{0, position}` while it waits (its heartbeat renewed), or
 * `{-1}` when Redis no longer knows it (removed as dead, or the keys were lost).
 */
export const POLL = `${SETTLE}
local token, lease = ARGV[3], tonumber(ARGV[4])
settle()
if redis.call('ZSCORE', holders, token) then return {1, tonumber(redis.call('HGET', info, token))} end
if redis.call('ZSCORE', line, token) == false then return {-1} end
redis.call('ZADD', alive, now + lease, token)
return {0, redis.call('ZRANK', line, token)}
`;

/**
 * ARGV: permits, channel, token, queued ('1' when the token was granted from
 * the line, so it has an `info` entry). Gives the token's permit back and
 * grants it to the head of the line. Returns 1 if the token held a permit,
 * else 0 (its lease had run out: the permit was already taken back).
 */
export const RELEASE = `${SETTLE}
local token = ARGV[3]
local held = redis.call('ZREM', holders, token)
if held == 1 and ARGV[4] == '1' then redis.call('HDEL', info, token) end
-- Fast path: nobody queued and no lease ran out: nothing to hand on, nothing to drop.
local queued = redis.call('ZCARD', line)
if queued == 0 then
  local oldest = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')[2]
  if oldest == nil or tonumber(oldest) > clock() then return held end
end
settle(queued)
return held
`;

/**
 * ARGV: permits, channel, token, leaseMs. Extends a live lease to now + leaseMs.
 * Returns 1, or 0 when the lease had already run out or Redis lost it: the
 * holder must stop, someone else may hold its permit.
 */
export const RENEW = `${SETTLE}
local token, lease = ARGV[3], tonumber(ARGV[4])
settle()
if redis.call('ZSCORE', holders, token) == false then return 0 end
redis.call('ZADD', holders, 'XX', now + lease, token)
return 1
`;

/**
 * ARGV: permits, channel, token. An abort: leaves the line, or, when the
 * token was granted meanwhile, passes that permit on. Returns 0 (left the
 * line), 1 (was granted: passed on) or -1 (unknown to Redis).
 */
export const CANCEL = `${SETTLE}
local token = ARGV[3]
local result = -1
if redis.call('ZREM', line, token) == 1 then
  redis.call('ZREM', alive, token)
  result = 0
elseif redis.call('ZREM', holders, token) == 1 then
  redis.call('HDEL', info, token)
  result = 1
end
settle()
return result
`;

/** ARGV: permits, channel. Returns `{holders, waiting}` after settling. */
export const INSPECT = `${SETTLE}
settle()
return {redis.call('ZCARD', holders), redis.call('ZCARD', line)}
`;
