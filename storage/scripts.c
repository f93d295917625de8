/* SPDX-License-Identifier: MIT */
/*
 * Lua source of every storage operation. Each script is one atomic Redis step:
 * the index, the expiry ZSET and the usage counters never disagree, whatever
 * the caller or a crash does between two requests. Key names are spliced in
 * from keys.h so the schema is written down once.
 */
#include "scripts.h"

#include <stddef.h>

#include "keys.h"

/* The scripts are single C strings longer than the 4,095 characters ISO C
 * requires compilers to take; GCC and Clang take any length. */
#pragma GCC diagnostic ignored "-Woverlength-strings"

/* SCAN steps in one bulk_scan page (storage/bulk.h STORE_BULK_SCAN_STEPS_MAX) */
#define STORE_BULK_SCAN_STEPS 4096

#define STORE_STR_(x) #x
#define STORE_STR(x)  STORE_STR_(x)

/*
 * Helpers shared by the scripts. del_msg removes one message with its index
 * entries and counters and returns its namespace (false if absent);
 * account_add keeps usage/ac/ab in step and drops an account's fields when its
 * last message goes, so HLEN ac counts accounts holding messages.
 */
#define PREAMBLE                                                                                   \
	"local P = ARGV[1]\n"                                                                      \
	"local K_SEQ = P .. '" STORE_KEYS_SEQ "'\n"                                                \
	"local K_EXP = P .. '" STORE_KEYS_EXPIRY "'\n"                                             \
	"local K_USAGE = P .. '" STORE_KEYS_USAGE "'\n"                                            \
	"local K_AC = P .. '" STORE_KEYS_ACCT_COUNT "'\n"                                          \
	"local K_AB = P .. '" STORE_KEYS_ACCT_BYTES "'\n"                                          \
	"local function k_msg(a, h) return P .. '" STORE_KEYS_MSG "' .. a .. ':' .. h end\n"       \
	"local function k_idx(a, ns) return P .. '" STORE_KEYS_INDEX "' .. a .. ':' .. ns end\n"   \
	"local function k_nss(a) return P .. '" STORE_KEYS_NAMESPACES "' .. a end\n"               \
	"local function k_rev(a) return P .. '" STORE_KEYS_REVOKED "' .. a end\n"                  \
	"local function k_unrev(a) return P .. '" STORE_KEYS_UNREVOKED "' .. a end\n"              \
	"local K_TOMBS = P .. '" STORE_KEYS_TOMB_ENDS "'\n"                                        \
	"local function k_tomb(a, h) return P .. '" STORE_KEYS_TOMB "' .. a .. ':' .. h end\n"     \
	"local function int(x) return string.format('%d', x) end\n"                                \
	"local function time_ms()\n"                                                               \
	"  local t = redis.call('TIME')\n"                                                         \
	"  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"                     \
	"end\n"                                                                                    \
	"local function tomb_drop(a, h)\n"                                                         \
	"  redis.call('DEL', k_tomb(a, h))\n"                                                      \
	"  redis.call('ZREM', K_TOMBS, a .. ':' .. h)\n"                                           \
	"end\n"                                                                                    \
	"local function tomb_put(a, h, ns, dt, u)\n"                                               \
	"  local tk = k_tomb(a, h)\n"                                                              \
	"  local f = redis.call('HMGET', tk, 'dt', 'u')\n"                                         \
	"  if f[1] then\n"                                                                         \
	"    dt = math.max(dt, tonumber(f[1]))\n"                                                  \
	"    u = math.max(u, tonumber(f[2]))\n"                                                    \
	"  elseif redis.call('ZCARD', K_TOMBS) >= " STORE_STR(                                     \
		STORE_KEYS_TOMBS_MAX) " then\n"                                                    \
				      "    local old = redis.call('ZPOPMIN', K_TOMBS)\n"           \
				      "    redis.call('DEL', P .. '" STORE_KEYS_TOMB               \
				      "' .. old[1])\n"                                             \
				      "    redis.call('HINCRBY', K_USAGE, 'tombs_evicted', 1)\n"   \
				      "  end\n"                                                    \
				      "  redis.call('HSET', tk, 'ns', ns, 'dt', int(dt), 'u', "    \
				      "int(u))\n"                                                  \
				      "  redis.call('ZADD', K_TOMBS, int(u), a .. ':' .. h)\n"     \
				      "end\n"                                                      \
				      "local function account_add(a, n, sz)\n"                     \
				      "  redis.call('HINCRBY', K_USAGE, 'msgs', n)\n"              \
				      "  redis.call('HINCRBY', K_USAGE, 'bytes', sz)\n"            \
				      "  if redis.call('HINCRBY', K_AC, a, n) <= 0 then\n"         \
				      "    redis.call('HDEL', K_AC, a)\n"                          \
				      "    redis.call('HDEL', K_AB, a)\n"                          \
				      "  else\n"                                                   \
				      "    redis.call('HINCRBY', K_AB, a, sz)\n"                   \
				      "  end\n"                                                    \
				      "end\n"                                                      \
				      "local function del_msg(a, h)\n"                             \
				      "  local mk = k_msg(a, h)\n"                                 \
				      "  local ns = redis.call('HGET', mk, '" STORE_KEYS_F_NS      \
				      "')\n"                                                       \
				      "  if not ns then return false end\n"                        \
				      "  local sz = redis.call('HSTRLEN', mk, '" STORE_KEYS_F_DATA \
				      "')\n"                                                       \
				      "  redis.call('DEL', mk)\n"                                  \
				      "  local ik = k_idx(a, ns)\n"                                \
				      "  redis.call('ZREM', ik, h)\n"                              \
				      "  if redis.call('EXISTS', ik) == 0 then "                   \
				      "redis.call('SREM', k_nss(a), ns) end\n"                     \
				      "  redis.call('ZREM', K_EXP, a .. ':' .. h)\n"               \
				      "  account_add(a, -1, -sz)\n"                                \
				      "  return ns\n"                                              \
				      "end\n"                                                      \
				      "local function del_tombed(a, h, now)\n"                     \
				      "  local f = redis.call('HMGET', k_msg(a, h), 'ns', 'e')\n"  \
				      "  if f[1] and tonumber(f[2]) > now then tomb_put(a, h, "    \
				      "f[1], now, tonumber(f[2])) end\n"                           \
				      "  return del_msg(a, h)\n"                                   \
				      "end\n"                                                      \
				      "local function ns_list(a, ns)\n"                            \
				      "  if ns ~= 'all' then return {ns} end\n"                    \
				      "  local l = redis.call('SMEMBERS', k_nss(a))\n"             \
				      "  table.sort(l, function(x, y) return tonumber(x) < "       \
				      "tonumber(y) end)\n"                                         \
				      "  return l\n"                                               \
				      "end\n"                                                      \
				      "local function sorted_pairs(t)\n"                           \
				      "  table.sort(t, function(x, y) return x[1] < y[1] end)\n"   \
				      "  local out = {}\n"                                         \
				      "  for _, p in ipairs(t) do out[#out + 1] = p[1]; out[#out " \
				      "+ 1] = p[2] end\n"                                          \
				      "  return out\n"                                             \
				      "end\n"

static const char schema_lua[] =
	PREAMBLE "local k = P .. '" STORE_KEYS_SCHEMA "'\n"
		 "local v = redis.call('GET', k)\n"
		 "if not v then redis.call('SET', k, ARGV[2]) return ARGV[2] end\n"
		 "return v\n";

/*
 * Returns {1, expiry} for a duplicate (expiry raised to the later one),
 * {0, expiry} for a new message, {-1, used, max} or {-2, used, max} when the
 * account or the whole store is full. A public outbox keeps one message: the
 * others' bytes are credited before the quota check, then they are deleted.
 */
static const char put_lua[] = PREAMBLE
	"local a, ns, h, ts, ev, data = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]\n"
	"local outbox, amax, tmax = ARGV[8] == '1', tonumber(ARGV[9]), tonumber(ARGV[10])\n"
	"local mk = k_msg(a, h)\n"
	"local old = redis.call('HGET', mk, 'e')\n"
	"if old then\n"
	"  if tonumber(ev) > tonumber(old) then\n"
	"    redis.call('HSET', mk, 'e', ev, 'es', int(time_ms()))\n"
	"    redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
	"    old = ev\n"
	"  end\n"
	"  return {1, old}\n"
	"end\n"
	"local ik = k_idx(a, ns)\n"
	"local others, freed = {}, 0\n"
	"if outbox then\n"
	"  others = redis.call('ZRANGE', ik, 0, -1)\n"
	"  for _, o in ipairs(others) do\n"
	"    freed = freed + redis.call('HSTRLEN', k_msg(a, o), 'd')\n"
	"  end\n"
	"end\n"
	"local sz = #data\n"
	"local used = tonumber(redis.call('HGET', K_AB, a) or '0') - freed\n"
	"if amax > 0 and used + sz > amax then return {-1, used, amax} end\n"
	"local total = tonumber(redis.call('HGET', K_USAGE, 'bytes') or '0') - freed\n"
	"if tmax > 0 and total + sz > tmax then return {-2, total, tmax} end\n"
	"for _, o in ipairs(others) do del_msg(a, o) end\n"
	"tomb_drop(a, h)\n"
	"local seq = redis.call('INCR', K_SEQ)\n"
	"redis.call('HSET', mk, 'ns', ns, 't', ts, 'e', ev, 's', seq, 'd', data, 'es', "
	"int(time_ms()))\n"
	"redis.call('ZADD', ik, seq, h)\n"
	"redis.call('SADD', k_nss(a), ns)\n"
	"redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
	"account_add(a, 1, sz)\n"
	"return {0, ev}\n";

/*
 * Returns {more, hash, ts, expiry, data, ...} in arrival order after
 * last_hash (from the start when last_hash is unknown). Each message costs
 * 100 + its padded base64 size; the first always fits. Walks the index in
 * chunks so an expired-but-unswept run costs no reply space.
 */
static const char get_lua[] = PREAMBLE
	"local a, ns, lh = ARGV[2], ARGV[3], ARGV[4]\n"
	"local maxc, maxs, now = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])\n"
	"local ik = k_idx(a, ns)\n"
	"local from = '-inf'\n"
	"if lh ~= '' then\n"
	"  local s = redis.call('ZSCORE', ik, lh)\n"
	"  if s then from = '(' .. s end\n"
	"end\n"
	"local out, n, used, more, done = {0}, 0, 0, 0, false\n"
	"while not done do\n"
	"  local b = redis.call('ZRANGEBYSCORE', ik, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 64)\n"
	"  if #b == 0 then break end\n"
	"  for i = 1, #b, 2 do\n"
	"    from = '(' .. b[i + 1]\n"
	"    local f = redis.call('HMGET', k_msg(a, b[i]), 't', 'e', 'd')\n"
	"    if f[2] and tonumber(f[2]) > now then\n"
	"      local cost = 100 + 4 * math.ceil(#f[3] / 3)\n"
	"      if (maxc > 0 and n >= maxc) or (maxs > 0 and n > 0 and used + cost > maxs) then\n"
	"        more, done = 1, true\n"
	"        break\n"
	"      end\n"
	"      used, n = used + cost, n + 1\n"
	"      out[#out + 1] = b[i]\n"
	"      out[#out + 1] = f[1]\n"
	"      out[#out + 1] = f[2]\n"
	"      out[#out + 1] = f[3]\n"
	"    end\n"
	"  end\n"
	"end\n"
	"out[1] = more\n"
	"return out\n";

/* Returns the deleted hashes, sorted. */
static const char delete_lua[] =
	PREAMBLE "local out, now = {}, time_ms()\n"
		 "for i = 3, #ARGV do\n"
		 "  if del_tombed(ARGV[2], ARGV[i], now) then out[#out + 1] = ARGV[i] end\n"
		 "end\n"
		 "table.sort(out)\n"
		 "return out\n";

/* Returns {{ns, {hash...}}, ...}: namespaces ascending, hashes sorted. */
static const char delete_all_lua[] =
	PREAMBLE "local a, out, now = ARGV[2], {}, time_ms()\n"
		 "for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
		 "  local hs = redis.call('ZRANGE', k_idx(a, ns), 0, -1)\n"
		 "  for _, h in ipairs(hs) do del_tombed(a, h, now) end\n"
		 "  if #hs > 0 then table.sort(hs); out[#out + 1] = {tonumber(ns), hs} end\n"
		 "end\n"
		 "return out\n";

/* As delete_all, for messages whose timestamp is <= before. */
static const char delete_before_lua[] = PREAMBLE
	"local a, before, out, now = ARGV[2], tonumber(ARGV[4]), {}, time_ms()\n"
	"for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
	"  local del = {}\n"
	"  for _, h in ipairs(redis.call('ZRANGE', k_idx(a, ns), 0, -1)) do\n"
	"    local t = redis.call('HGET', k_msg(a, h), 't')\n"
	"    if t and tonumber(t) <= before then del_tombed(a, h, now); del[#del + 1] = h end\n"
	"  end\n"
	"  if #del > 0 then table.sort(del); out[#out + 1] = {tonumber(ns), del} end\n"
	"end\n"
	"return out\n";

/*
 * Returns {{hash, expiry, ...updated}, {hash, expiry, ...unchanged}}, each
 * sorted by hash. Only live messages of the account count. With one expiry a
 * repeated hash is reported once.
 */
static const char expire_lua[] =
	PREAMBLE "local a, mode, now, ne = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])\n"
		 "local first = 6 + ne\n"
		 "local upd, unch, seen, set_at = {}, {}, {}, int(time_ms())\n"
		 "for i = first, #ARGV do\n"
		 "  local h = ARGV[i]\n"
		 "  local ev = ARGV[ne == 1 and 6 or 6 + i - first]\n"
		 "  if not (ne == 1 and seen[h]) then\n"
		 "    seen[h] = true\n"
		 "    local mk = k_msg(a, h)\n"
		 "    local cur = redis.call('HGET', mk, 'e')\n"
		 "    if cur and tonumber(cur) > now then\n"
		 "      local e, c = tonumber(ev), tonumber(cur)\n"
		 "      if mode == 'any' or (mode == 'shorten' and e < c) or (mode == 'extend' and "
		 "e > c) then\n"
		 "        redis.call('HSET', mk, 'e', ev, 'es', set_at)\n"
		 "        redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
		 "        upd[#upd + 1] = {h, ev}\n"
		 "      else\n"
		 "        unch[#unch + 1] = {h, cur}\n"
		 "      end\n"
		 "    end\n"
		 "  end\n"
		 "end\n"
		 "return {sorted_pairs(upd), sorted_pairs(unch)}\n";

/* Shorten only. Returns {{ns, {hash...}}, ...} as delete_all. */
static const char expire_all_lua[] =
	PREAMBLE "local a, ev, out, set_at = ARGV[2], ARGV[4], {}, int(time_ms())\n"
		 "local e = tonumber(ev)\n"
		 "for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
		 "  local upd = {}\n"
		 "  for _, h in ipairs(redis.call('ZRANGE', k_idx(a, ns), 0, -1)) do\n"
		 "    local mk = k_msg(a, h)\n"
		 "    local cur = redis.call('HGET', mk, 'e')\n"
		 "    if cur and tonumber(cur) > e then\n"
		 "      redis.call('HSET', mk, 'e', ev, 'es', set_at)\n"
		 "      redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
		 "      upd[#upd + 1] = h\n"
		 "    end\n"
		 "  end\n"
		 "  if #upd > 0 then table.sort(upd); out[#out + 1] = {tonumber(ns), upd} end\n"
		 "end\n"
		 "return out\n";

/* Returns {hash, expiry, ...} for the live ones, sorted by hash. */
static const char get_expiries_lua[] =
	PREAMBLE "local a, now, out, seen = ARGV[2], tonumber(ARGV[3]), {}, {}\n"
		 "for i = 4, #ARGV do\n"
		 "  local h = ARGV[i]\n"
		 "  if not seen[h] then\n"
		 "    seen[h] = true\n"
		 "    local e = redis.call('HGET', k_msg(a, h), 'e')\n"
		 "    if e and tonumber(e) > now then out[#out + 1] = {h, e} end\n"
		 "  end\n"
		 "end\n"
		 "return sorted_pairs(out)\n";

/* Later tokens in one request count as newer: stamp = time ms x 1000 + place (at most
 * STORE_REVOKE_BATCH_MAX, 1,000, per request); a request in the same ms as the newest stamp
 * goes after it (a later request is newer). A revocation ends an unrevocation of the token.
 * Returns the list's length. */
static const char revoke_lua[] =
	PREAMBLE "local rk, uk, base = k_rev(ARGV[2]), k_unrev(ARGV[2]), time_ms() * 1000\n"
		 "local top = redis.call('ZREVRANGE', rk, 0, 0, 'WITHSCORES')\n"
		 "if top[2] and tonumber(top[2]) >= base and tonumber(top[2]) < base + 1000 then\n"
		 "  base = tonumber(top[2]) + 1\n"
		 "end\n"
		 "for i = 3, #ARGV do\n"
		 "  redis.call('ZADD', rk, int(base + i - 3), ARGV[i])\n"
		 "  redis.call('ZREM', uk, ARGV[i])\n"
		 "end\n"
		 "redis.call('ZREMRANGEBYRANK', rk, 0, -(" STORE_STR(
			 STORE_KEYS_REVOKED_KEEP) " + 1))\n"
						  "return redis.call('ZCARD', rk)\n";

/* Returns how many were in the list. Each token's unrevocation time is kept (the newest
 * STORE_KEYS_REVOKED_KEEP), listed or not, so a stale revocation from a peer that missed it does
 * not come back (docs/replication.md). */
static const char unrevoke_lua[] = PREAMBLE
	"local rk, uk, n, t = k_rev(ARGV[2]), k_unrev(ARGV[2]), 0, int(time_ms())\n"
	"for i = 3, #ARGV do\n"
	"  n = n + redis.call('ZREM', rk, ARGV[i])\n"
	"  redis.call('ZADD', uk, t, ARGV[i])\n"
	"end\n"
	"redis.call('ZREMRANGEBYRANK', uk, 0, -(" STORE_STR(STORE_KEYS_REVOKED_KEEP) " + 1))\n"
										     "return n\n";

/* Newest first. */
static const char revoked_lua[] =
	PREAMBLE "return redis.call('ZREVRANGE', k_rev(ARGV[2]), 0, -1)\n";

static const char revoke_check_lua[] =
	PREAMBLE "if redis.call('ZSCORE', k_rev(ARGV[2]), ARGV[3]) then return 1 end\n"
		 "return 0\n";

/* Removes up to limit messages with expiry <= now. Returns {removed, more}. */
static const char sweep_lua[] =
	PREAMBLE "local now, lim = ARGV[2], tonumber(ARGV[3])\n"
		 "local m = redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, lim)\n"
		 "for _, x in ipairs(m) do\n"
		 "  local c = string.find(x, ':', 1, true)\n"
		 "  if not (c and del_msg(string.sub(x, 1, c - 1), string.sub(x, c + 1))) then\n"
		 "    redis.call('ZREM', K_EXP, x)\n"
		 "  end\n"
		 "end\n"
		 "for _, x in ipairs(redis.call('ZRANGEBYSCORE', K_TOMBS, '-inf', now, 'LIMIT', 0, "
		 "lim)) do\n"
		 "  redis.call('DEL', P .. '" STORE_KEYS_TOMB "' .. x)\n"
		 "  redis.call('ZREM', K_TOMBS, x)\n"
		 "end\n"
		 "local more = 0\n"
		 "if #redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, 1) > 0 or\n"
		 "   #redis.call('ZRANGEBYSCORE', K_TOMBS, '-inf', now, 'LIMIT', 0, 1) > 0 then "
		 "more = 1 end\n"
		 "return {#m, more}\n";

/* Returns {messages, bytes, accounts, tombstones, tombstones evicted}. */
static const char usage_lua[] =
	PREAMBLE "local u = redis.call('HMGET', K_USAGE, 'msgs', 'bytes', 'tombs_evicted')\n"
		 "return {tonumber(u[1] or 0), tonumber(u[2] or 0), redis.call('HLEN', K_AC),\n"
		 "        redis.call('ZCARD', K_TOMBS), tonumber(u[3] or 0)}\n";

/*
 * One page of every live message, live tombstone and revocation list, tagged:
 * {next_cursor, 'm', acct, hash, ns, ts, expiry, expiry_set, data,
 *  'd', acct, hash, ns, deleted, until,
 *  'r', acct, count, (token, stamp)..., unrevoked count, (token, time)...}. SCAN with
 * COUNT 1 steps one bucket at a time so a page stops close to its budget;
 * glob characters of the prefix are escaped. A tombstone costs 100 bytes of
 * the budget, a revocation list 44 per token. An account's list and unrevocations go out
 * with its r: key, or with its u: key when it has no r: key.
 */
static const char bulk_scan_lua[] = PREAMBLE
	"local cur, maxn, maxb, now = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), "
	"tonumber(ARGV[5])\n"
	"local pat = string.gsub(P, '[%*%?%[%]\\\\]', '\\\\%0') .. '[mdru]:*'\n"
	"local out, n, bytes, steps = {'0'}, 0, 0, 0\n"
	"local function add(t) for _, v in ipairs(t) do out[#out + 1] = v end end\n"
	"local function scored(k)\n"
	"  local t = redis.call('ZREVRANGE', k, 0, " STORE_STR(
		STORE_KEYS_REVOKED_KEEP) " - 1, "
					 "'WITHSCORES')\n"
					 "  for j = 2, #t, 2 do t[j] = int(tonumber(t[j])) end\n"
					 "  return t\n"
					 "end\n"
					 "local function revs(a)\n"
					 "  local t, u = scored(k_rev(a)), scored(k_unrev(a))\n"
					 "  if #t + #u == 0 then return end\n"
					 "  add({'r', a, #t / 2})\n"
					 "  add(t)\n"
					 "  out[#out + 1] = #u / 2\n"
					 "  add(u)\n"
					 "  n, bytes = n + 1, bytes + 22 * (#t + #u)\n"
					 "end\n"
					 "repeat\n"
					 "  local r = redis.call('SCAN', cur, 'MATCH', pat, "
					 "'COUNT', 1)\n"
					 "  cur = r[1]\n"
					 "  for _, k in ipairs(r[2]) do\n"
					 "    local kind, rest = string.sub(k, #P + 1, #P + 1), "
					 "string.sub(k, #P + 3)\n"
					 "    local c = string.find(rest, ':', 1, true)\n"
					 "    if kind == 'm' and c then\n"
					 "      local f = redis.call('HMGET', k, 'ns', 't', 'e', "
					 "'es', 'd')\n"
					 "      if f[3] and f[5] and tonumber(f[3]) > now then\n"
					 "        add({'m', string.sub(rest, 1, c - 1), "
					 "string.sub(rest, c + 1), f[1], f[2], "
					 "f[3], f[4] or '0', f[5]})\n"
					 "        n, bytes = n + 1, bytes + #f[5]\n"
					 "      end\n"
					 "    elseif kind == 'd' and c then\n"
					 "      local f = redis.call('HMGET', k, 'ns', 'dt', 'u')\n"
					 "      if f[3] and tonumber(f[3]) > now then\n"
					 "        add({'d', string.sub(rest, 1, c - 1), "
					 "string.sub(rest, c + 1), f[1], f[2], "
					 "f[3]})\n"
					 "        n, bytes = n + 1, bytes + 100\n"
					 "      end\n"
					 "    elseif kind == 'r' and not c then\n"
					 "      revs(rest)\n"
					 "    elseif kind == 'u' and not c and "
					 "redis.call('EXISTS', k_rev(rest)) == 0 then\n"
					 "      revs(rest)\n"
					 "    end\n"
					 "  end\n"
					 "  steps = steps + 1\n"
					 "until cur == '0' or n >= maxn or bytes >= maxb or steps "
					 ">= " STORE_STR(STORE_BULK_SCAN_STEPS) "\n"
										"out[1] = cur\n"
										"return out\n";

/*
 * Merges a page from a peer (storage/bulk.h): ARGV amax, tmax, now, then the
 * counts of messages, tombstones and revocation lists, then the messages
 * (acct, ns, hash, ts, expiry, expiry_set, data), the tombstones (acct, hash,
 * ns, deleted, until), the lists (acct, count, (token, stamp)..., unrevoked
 * count, (token, time)...). Tombstones and lists are applied first, so a
 * message tombstoned on the same page is refused. In a list the unrevocations
 * go first (a token revoked here no later than one is removed), then the
 * revocations (added unless unrevoked here as late or later).
 * Returns the three counts, then one code per message, per tombstone, and two
 * per list (tokens added, tokens removed).
 */
static const char bulk_put_lua[] = PREAMBLE
	"local amax, tmax, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])\n"
	"local nm, nt, nr = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])\n"
	"local mcodes, tcodes, rcodes = {}, {}, {}\n"
	"local i = 8 + 7 * nm\n"
	"for _ = 1, nt do\n"
	"  local a, h, ns, dt, u = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), "
	"tonumber(ARGV[i + 4])\n"
	"  local f, code = redis.call('HMGET', k_msg(a, h), 'e', 'es'), 1\n"
	"  if u <= now then code = 3\n"
	"  elseif f[1] and tonumber(f[2] or '0') > dt then code = 2\n"
	"  else\n"
	"    if f[1] then del_msg(a, h); code = 0 end\n"
	"    tomb_put(a, h, ns, dt, u)\n"
	"  end\n"
	"  tcodes[#tcodes + 1] = code\n"
	"  i = i + 5\n"
	"end\n"
	"for _ = 1, nr do\n"
	"  local a, k = ARGV[i], tonumber(ARGV[i + 1])\n"
	"  local rk, uk, j0 = k_rev(a), k_unrev(a), i + 2 + 2 * k\n"
	"  local ku, added, removed = tonumber(ARGV[j0]), 0, 0\n"
	"  for j = j0 + 1, j0 + 2 * ku, 2 do\n"
	"    local tok, t = ARGV[j], tonumber(ARGV[j + 1])\n"
	"    local m = redis.call('ZSCORE', uk, tok)\n"
	"    if not m or tonumber(m) < t then redis.call('ZADD', uk, int(t), tok) end\n"
	"    local s = redis.call('ZSCORE', rk, tok)\n"
	"    if s and math.floor(tonumber(s) / 1000) <= t then\n"
	"      redis.call('ZREM', rk, tok)\n"
	"      removed = removed + 1\n"
	"    end\n"
	"  end\n"
	"  redis.call('ZREMRANGEBYRANK', uk, 0, -(" STORE_STR(
		STORE_KEYS_REVOKED_KEEP) " + 1))\n"
					 "  for j = i + 2, i + 1 + 2 * k, 2 do\n"
					 "    local tok, st = ARGV[j], tonumber(ARGV[j + 1])\n"
					 "    local m = redis.call('ZSCORE', uk, tok)\n"
					 "    if not m or tonumber(m) < math.floor(st / 1000) "
					 "then\n"
					 "      if m then redis.call('ZREM', uk, tok) end\n"
					 "      local s = redis.call('ZSCORE', rk, tok)\n"
					 "      if not s then\n"
					 "        redis.call('ZADD', rk, int(st), tok)\n"
					 "        added = added + 1\n"
					 "      elseif tonumber(s) < st then\n"
					 "        redis.call('ZADD', rk, int(st), tok)\n"
					 "      end\n"
					 "    end\n"
					 "  end\n"
					 "  redis.call('ZREMRANGEBYRANK', rk, 0, -(" STORE_STR(
						 STORE_KEYS_REVOKED_KEEP) " + 1))\n"
									  "  rcodes[#rcodes + 1] = "
									  "added\n"
									  "  rcodes[#rcodes + 1] = "
									  "removed\n"
									  "  i = j0 + 1 + 2 * ku\n"
									  "end\n"
									  "i = 8\n"
									  "for _ = 1, nm do\n"
									  "  local a, ns, h, ts, "
									  "ev, es, data = ARGV[i], "
									  "ARGV[i + "
									  "1], ARGV[i + 2], ARGV[i "
									  "+ 3], "
									  "ARGV[i + 4], ARGV[i + "
									  "5], ARGV[i + 6]\n"
									  "  i = i + 7\n"
									  "  local mk, code, evn, "
									  "esn = k_msg(a, h), nil, "
									  "tonumber(ev), "
									  "tonumber(es)\n"
									  "  local tf = "
									  "redis.call('HMGET', "
									  "k_tomb(a, h), 'dt', "
									  "'u')\n"
									  "  local f = "
									  "redis.call('HMGET', mk, "
									  "'e', 'es')\n"
									  "  if evn <= now then "
									  "code = 3\n"
									  "  elseif tf[1] and "
									  "tonumber(tf[2]) > now "
									  "and esn <= "
									  "tonumber(tf[1]) then\n"
									  "    code = 8\n"
									  "    if evn > "
									  "tonumber(tf[2]) then "
									  "tomb_put(a, h, ns, "
									  "tonumber(tf[1]), evn) "
									  "end\n"
									  "  elseif f[1] then\n"
									  "    if tf[1] then "
									  "tomb_drop(a, h) end\n"
									  "    local old, esl = "
									  "tonumber(f[1]), "
									  "tonumber(f[2] or "
									  "'0')\n"
									  "    code = 1\n"
									  "    if esn > esl or "
									  "(esn == esl and evn > "
									  "old) then\n"
									  "      "
									  "redis.call('HSET', mk, "
									  "'e', ev, 'es', es)\n"
									  "      "
									  "redis.call('ZADD', "
									  "K_EXP, ev, a .. ':' .. "
									  "h)\n"
									  "      if evn > old then "
									  "code = 2 elseif evn < "
									  "old then "
									  "code = 7 end\n"
									  "    end\n"
									  "  else\n"
									  "    if tf[1] then "
									  "tomb_drop(a, h) end\n"
									  "    local ik, nsn = "
									  "k_idx(a, ns), "
									  "tonumber(ns)\n"
									  "    local others, freed "
									  "= {}, 0\n"
									  "    if nsn < 0 and "
									  "(-nsn) % 20 == 1 then\n"
									  "      others = "
									  "redis.call('ZRANGE', "
									  "ik, 0, -1)\n"
									  "      for _, o in "
									  "ipairs(others) do\n"
									  "        local g = "
									  "redis.call('HMGET', "
									  "k_msg(a, o), 't', "
									  "'d')\n"
									  "        if g[1] and "
									  "tonumber(g[1]) >= "
									  "tonumber(ts) then "
									  "code = 4 end\n"
									  "        freed = freed + "
									  "#(g[2] or '')\n"
									  "      end\n"
									  "    end\n"
									  "    local sz = #data\n"
									  "    local used = "
									  "tonumber(redis.call('"
									  "HGET', K_AB, a) or "
									  "'0') - freed\n"
									  "    local total = "
									  "tonumber(redis.call('"
									  "HGET', K_USAGE, "
									  "'bytes') or '0') - "
									  "freed\n"
									  "    if code then\n"
									  "    elseif amax > 0 and "
									  "used + sz > amax then "
									  "code = 5\n"
									  "    elseif tmax > 0 and "
									  "total + sz > tmax then "
									  "code = 6\n"
									  "    else\n"
									  "      for _, o in "
									  "ipairs(others) do "
									  "del_msg(a, o) end\n"
									  "      local seq = "
									  "redis.call('INCR', "
									  "K_SEQ)\n"
									  "      "
									  "redis.call('HSET', mk, "
									  "'ns', ns, 't', ts, 'e', "
									  "ev, "
									  "'s', seq, 'd', data, "
									  "'es', "
									  "es)\n"
									  "      "
									  "redis.call('ZADD', ik, "
									  "seq, h)\n"
									  "      "
									  "redis.call('SADD', "
									  "k_nss(a), ns)\n"
									  "      "
									  "redis.call('ZADD', "
									  "K_EXP, ev, a .. ':' .. "
									  "h)\n"
									  "      account_add(a, 1, "
									  "sz)\n"
									  "      code = 0\n"
									  "    end\n"
									  "  end\n"
									  "  mcodes[#mcodes + 1] = "
									  "code\n"
									  "end\n"
									  "table.insert(mcodes, 1, "
									  "nr)\n"
									  "table.insert(mcodes, 1, "
									  "nt)\n"
									  "table.insert(mcodes, 1, "
									  "nm)\n"
									  "for _, c in "
									  "ipairs(tcodes) do "
									  "mcodes[#mcodes + 1] = c "
									  "end\n"
									  "for _, c in "
									  "ipairs(rcodes) do "
									  "mcodes[#mcodes + 1] = c "
									  "end\n"
									  "return mcodes\n";

/* ARGV: counts of messages, tombstones, lists, then (acct, hash) per message and per tombstone,
 * acct per list. Removes them (no tombstone left); returns how many were there. */
static const char bulk_drop_lua[] = PREAMBLE
	"local nm, nt, nr, n, i = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), 0, 5\n"
	"for _ = 1, nm do\n"
	"  if del_msg(ARGV[i], ARGV[i + 1]) then n = n + 1 end\n"
	"  i = i + 2\n"
	"end\n"
	"for _ = 1, nt do\n"
	"  n = n + redis.call('EXISTS', k_tomb(ARGV[i], ARGV[i + 1]))\n"
	"  tomb_drop(ARGV[i], ARGV[i + 1])\n"
	"  i = i + 2\n"
	"end\n"
	"for _ = 1, nr do\n"
	"  n = n + math.min(1, redis.call('DEL', k_rev(ARGV[i]), k_unrev(ARGV[i])))\n"
	"  i = i + 1\n"
	"end\n"
	"return n\n";

/* Storage-proof lookups (lookup.h): per (acct, hash) its ns and data, or "" and "" when it is
 * absent or expired (expiry <= now). All or nothing: while one is absent no data is read (a
 * testee retries a request every 100 ms; reading the others' data each time would let a
 * tester naming one unknown hash make it read megabytes a second). */
static const char lookup_lua[] =
	PREAMBLE "local now, out, all = tonumber(ARGV[2]), {}, true\n"
		 "for i = 3, #ARGV - 1, 2 do\n"
		 "  local f = redis.call('HMGET', k_msg(ARGV[i], ARGV[i + 1]), 'ns', 'e')\n"
		 "  local ok = f[1] and f[2] and tonumber(f[2]) > now\n"
		 "  out[#out + 1] = ok and f[1] or ''; out[#out + 1] = ''\n"
		 "  all = all and ok\n"
		 "end\n"
		 "if not all then return out end\n"
		 "for i = 3, #ARGV - 1, 2 do\n"
		 "  out[i - 1] = redis.call('HGET', k_msg(ARGV[i], ARGV[i + 1]), 'd') or ''\n"
		 "end\n"
		 "return out\n";

static const struct {
	const char *name;
	const char *source;
} scripts[STORE_SCRIPT_COUNT] = {
	[STORE_SCRIPT_SCHEMA] = {"schema", schema_lua},
	[STORE_SCRIPT_PUT] = {"store", put_lua},
	[STORE_SCRIPT_GET] = {"retrieve", get_lua},
	[STORE_SCRIPT_DELETE] = {"delete", delete_lua},
	[STORE_SCRIPT_DELETE_ALL] = {"delete_all", delete_all_lua},
	[STORE_SCRIPT_DELETE_BEFORE] = {"delete_before", delete_before_lua},
	[STORE_SCRIPT_EXPIRE] = {"expire", expire_lua},
	[STORE_SCRIPT_EXPIRE_ALL] = {"expire_all", expire_all_lua},
	[STORE_SCRIPT_GET_EXPIRIES] = {"get_expiries", get_expiries_lua},
	[STORE_SCRIPT_REVOKE] = {"revoke_subaccount", revoke_lua},
	[STORE_SCRIPT_UNREVOKE] = {"unrevoke_subaccount", unrevoke_lua},
	[STORE_SCRIPT_REVOKED] = {"revoked_subaccounts", revoked_lua},
	[STORE_SCRIPT_REVOKE_CHECK] = {"revoke_check", revoke_check_lua},
	[STORE_SCRIPT_SWEEP] = {"sweep", sweep_lua},
	[STORE_SCRIPT_USAGE] = {"usage", usage_lua},
	[STORE_SCRIPT_BULK_SCAN] = {"bulk_scan", bulk_scan_lua},
	[STORE_SCRIPT_BULK_PUT] = {"bulk_put", bulk_put_lua},
	[STORE_SCRIPT_BULK_DROP] = {"bulk_drop", bulk_drop_lua},
	[STORE_SCRIPT_LOOKUP] = {"lookup", lookup_lua},
};

const char *
store_scripts_source(enum store_script s)
{
	return (unsigned)s < STORE_SCRIPT_COUNT ? scripts[s].source : NULL;
}

const char *
store_scripts_name(enum store_script s)
{
	return (unsigned)s < STORE_SCRIPT_COUNT ? scripts[s].name : "?";
}
