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
 *   KEYS[4] counters HASH  `arrivals`: it only ever grows
 *
 * A token is `<process>:<n>/<leaseMs>`: the lease its holder asked for and
 * the process whose channel hears of its grant, both read by the script that
 * grants it from the line (no lookup).
 *
 * Every acquisition takes the next arrival number, whether it is granted at
 * once or queues, and that number is its fence: grants follow arrival order
 * (the line is served oldest first, and a newcomer is granted at once only
 * when nobody is queued), so fences grow with every grant — without a second
 * counter, and without storing each holder's fence: a waiter knows its own.
 *
 * A grant from the line is published on `ARGV[2] .. <process>` as
 * `<token> <fence>`: only the waiter's process hears it (not every process
 * sharing the key), and it resumes on the message alone, without another
 * round trip. A waiter whose message was lost finds the grant at its next
 * heartbeat (POLL), and its fence is the arrival number it already has.
 *
 * Invariants, kept by every script before it decides anything about waiters:
 *   - live holders ≤ permits;
 *   - live holders < permits ⇒ the line is empty (nobody barges: a
 *     newcomer is granted at once only when nobody is queued);
 *   - the line is served in arrival order;
 *   - a holder whose lease ran out is dropped before permits are counted,
 *     and a waiter whose process stopped heartbeating is never granted.
 *
 * Fast paths (the uncontended case, a handful of calls like a plain
 * ZADD-based semaphore): ACQUIRE with a free permit and an empty line grants
 * at once without settling (the invariants say nobody is owed it; a holder
 * whose lease ran out is dropped the first time the permits are all taken);
 * RELEASE with an empty line has nothing to hand on (2 calls). The granting
 * RELEASE — the hand-off — is 8 calls: give back, pop the head, read the
 * clock, count the live holders (an expired entry is dropped at the next
 * settle), check and clear the head's heartbeat, grant, publish.
 *
 * So ZCARD(holders) may count an expired lease until the next settle: every
 * decision to grant counts live holders (after a settle, or with ZCOUNT),
 * and a fast-path ACQUIRE that sees ZCARD(holders) = permits settles first.
 */

const COMMON = `
local holders, line, alive, counters = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local permits, grants = tonumber(ARGV[1]), ARGV[2]
local now
-- Redis's clock in ms, read once per script and only when needed.
local function clock()
  if now == nil then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end

-- Grants up to \`free\` permits to the head of the line, oldest first; \`head\` is a ZPOPMIN reply
-- already taken. A waiter whose heartbeat ran out is dropped, not granted. Returns how many left
-- the line.
local function serve(free, head)
  local taken = 0
  while true do
    local token = head[1]
    if token == nil then return taken end
    if free <= 0 then
      redis.call('ZADD', line, head[2], token)
      return taken
    end
    taken = taken + 1
    local beat = redis.call('ZSCORE', alive, token)
    redis.call('ZREM', alive, token)
    if beat == false or tonumber(beat) > clock() then
      redis.call('ZADD', holders, now + (tonumber(string.match(token, '/(%d+)$')) or 10000), token)
      redis.call('PUBLISH', grants .. string.match(token, '^[^:]*'), token .. ' ' .. head[2])
      free = free - 1
      if free == 0 then return taken end
    end
    head = redis.call('ZPOPMIN', line)
  end
end

-- Drops expired leases and dead waiters, grants free permits to the line; returns its length.
local function settle()
  clock()
  redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  local waiting = redis.call('ZCARD', line)
  if waiting == 0 then return 0 end
  local dead = redis.call('ZRANGEBYSCORE', alive, '-inf', now)
  if #dead > 0 then
    for _, token in ipairs(dead) do waiting = waiting - redis.call('ZREM', line, token) end
    redis.call('ZREMRANGEBYSCORE', alive, '-inf', now)
  end
  local free = permits - redis.call('ZCARD', holders)
  if free > 0 and waiting > 0 then waiting = waiting - serve(free, redis.call('ZPOPMIN', line)) end
  return waiting
end
`;

/**
 * ARGV: permits, channel prefix, token, leaseMs.
 * Returns `{1, fence}` when granted at once, `{1}` when the token already
 * held (its fence is its arrival number), else `{0, position, arrival}` once
 * queued at the back of the line (position 0 = head; `arrival` is its number
 * in the arrival order, which grants follow, and its fence once granted).
 */
export const ACQUIRE = `${COMMON}
local token, lease = ARGV[3], tonumber(ARGV[4])
-- Fast path: a free permit and nobody queued (which the invariants imply; checked anyway).
if redis.call('ZCARD', holders) < permits and redis.call('EXISTS', line) == 0 then
  local fence = redis.call('HINCRBY', counters, 'arrivals', 1)
  redis.call('ZADD', holders, clock() + lease, token)
  return {1, fence}
end
local waiting = settle()
local arrival = redis.call('ZSCORE', line, token)
if arrival == false then
  if redis.call('ZSCORE', holders, token) then return {1} end
  arrival = redis.call('HINCRBY', counters, 'arrivals', 1)
  if waiting == 0 and redis.call('ZCARD', holders) < permits then
    redis.call('ZADD', holders, now + lease, token)
    return {1, arrival}
  end
  redis.call('ZADD', line, arrival, token)
end
redis.call('ZADD', alive, now + lease, token)
return {0, redis.call('ZRANK', line, token), tonumber(arrival)}
`;

/**
 * A waiter's heartbeat and safety re-check. ARGV: permits, channel prefix, token, leaseMs.
 * Returns `{1}` when the token holds a permit (a grant whose message was
 * missed: its fence is its arrival number), `{0, position}` while it waits
 * (its heartbeat renewed), or `{-1}` when Redis no longer knows it (removed
 * as dead, or the keys were lost).
 */
export const POLL = `${COMMON}
local token, lease = ARGV[3], tonumber(ARGV[4])
settle()
if redis.call('ZSCORE', holders, token) then return {1} end
if redis.call('ZSCORE', line, token) == false then return {-1} end
redis.call('ZADD', alive, now + lease, token)
return {0, redis.call('ZRANK', line, token)}
`;

/**
 * ARGV: permits, channel prefix, token. Gives the token's permit back and
 * grants it to the head of the line. Returns 1 if the token held a permit,
 * else 0 (its lease had run out: the permit was already taken back).
 */
export const RELEASE = `${COMMON}
local held = redis.call('ZREM', holders, ARGV[3])
local head = redis.call('ZPOPMIN', line)
-- Fast path: nobody queued, nobody owed anything (an expired lease is dropped when the permits run out).
if head[1] == nil then return held end
-- Live holders only (a lease that ran out frees its permit; its entry goes at the next settle).
serve(permits - redis.call('ZCOUNT', holders, '(' .. clock(), '+inf'), head)
return held
`;

/**
 * ARGV: permits, channel prefix, token, leaseMs. Extends a live lease to now + leaseMs.
 * Returns 1, or 0 when the lease had already run out or Redis lost it: the
 * holder must stop, someone else may hold its permit.
 */
export const RENEW = `${COMMON}
local token, lease = ARGV[3], tonumber(ARGV[4])
settle()
if redis.call('ZSCORE', holders, token) == false then return 0 end
redis.call('ZADD', holders, 'XX', now + lease, token)
return 1
`;

/**
 * ARGV: permits, channel prefix, token. An abort: leaves the line, or, when the
 * token was granted meanwhile, passes that permit on. Returns 0 (left the
 * line), 1 (was granted: passed on) or -1 (unknown to Redis).
 */
export const CANCEL = `${COMMON}
local token = ARGV[3]
local result = -1
if redis.call('ZREM', line, token) == 1 then
  redis.call('ZREM', alive, token)
  result = 0
elseif redis.call('ZREM', holders, token) == 1 then
  result = 1
end
settle()
return result
`;

/** ARGV: permits, channel prefix. Returns `{holders, waiting}` after settling. */
export const INSPECT = `${COMMON}
settle()
return {redis.call('ZCARD', holders), redis.call('ZCARD', line)}
`;
