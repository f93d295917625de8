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
	"local function account_add(a, n, sz)\n"                                                   \
	"  redis.call('HINCRBY', K_USAGE, 'msgs', n)\n"                                            \
	"  redis.call('HINCRBY', K_USAGE, 'bytes', sz)\n"                                          \
	"  if redis.call('HINCRBY', K_AC, a, n) <= 0 then\n"                                       \
	"    redis.call('HDEL', K_AC, a)\n"                                                        \
	"    redis.call('HDEL', K_AB, a)\n"                                                        \
	"  else\n"                                                                                 \
	"    redis.call('HINCRBY', K_AB, a, sz)\n"                                                 \
	"  end\n"                                                                                  \
	"end\n"                                                                                    \
	"local function del_msg(a, h)\n"                                                           \
	"  local mk = k_msg(a, h)\n"                                                               \
	"  local ns = redis.call('HGET', mk, '" STORE_KEYS_F_NS "')\n"                             \
	"  if not ns then return false end\n"                                                      \
	"  local sz = redis.call('HSTRLEN', mk, '" STORE_KEYS_F_DATA "')\n"                        \
	"  redis.call('DEL', mk)\n"                                                                \
	"  local ik = k_idx(a, ns)\n"                                                              \
	"  redis.call('ZREM', ik, h)\n"                                                            \
	"  if redis.call('EXISTS', ik) == 0 then redis.call('SREM', k_nss(a), ns) end\n"           \
	"  redis.call('ZREM', K_EXP, a .. ':' .. h)\n"                                             \
	"  account_add(a, -1, -sz)\n"                                                              \
	"  return ns\n"                                                                            \
	"end\n"                                                                                    \
	"local function ns_list(a, ns)\n"                                                          \
	"  if ns ~= 'all' then return {ns} end\n"                                                  \
	"  local l = redis.call('SMEMBERS', k_nss(a))\n"                                           \
	"  table.sort(l, function(x, y) return tonumber(x) < tonumber(y) end)\n"                   \
	"  return l\n"                                                                             \
	"end\n"                                                                                    \
	"local function sorted_pairs(t)\n"                                                         \
	"  table.sort(t, function(x, y) return x[1] < y[1] end)\n"                                 \
	"  local out = {}\n"                                                                       \
	"  for _, p in ipairs(t) do out[#out + 1] = p[1]; out[#out + 1] = p[2] end\n"              \
	"  return out\n"                                                                           \
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
	"    redis.call('HSET', mk, 'e', ev)\n"
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
	"local seq = redis.call('INCR', K_SEQ)\n"
	"redis.call('HSET', mk, 'ns', ns, 't', ts, 'e', ev, 's', seq, 'd', data)\n"
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
	PREAMBLE "local out = {}\n"
		 "for i = 3, #ARGV do\n"
		 "  if del_msg(ARGV[2], ARGV[i]) then out[#out + 1] = ARGV[i] end\n"
		 "end\n"
		 "table.sort(out)\n"
		 "return out\n";

/* Returns {{ns, {hash...}}, ...}: namespaces ascending, hashes sorted. */
static const char delete_all_lua[] =
	PREAMBLE "local a, out = ARGV[2], {}\n"
		 "for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
		 "  local hs = redis.call('ZRANGE', k_idx(a, ns), 0, -1)\n"
		 "  for _, h in ipairs(hs) do del_msg(a, h) end\n"
		 "  if #hs > 0 then table.sort(hs); out[#out + 1] = {tonumber(ns), hs} end\n"
		 "end\n"
		 "return out\n";

/* As delete_all, for messages whose timestamp is <= before. */
static const char delete_before_lua[] =
	PREAMBLE "local a, before, out = ARGV[2], tonumber(ARGV[4]), {}\n"
		 "for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
		 "  local del = {}\n"
		 "  for _, h in ipairs(redis.call('ZRANGE', k_idx(a, ns), 0, -1)) do\n"
		 "    local t = redis.call('HGET', k_msg(a, h), 't')\n"
		 "    if t and tonumber(t) <= before then del_msg(a, h); del[#del + 1] = h end\n"
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
		 "local upd, unch, seen = {}, {}, {}\n"
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
		 "        redis.call('HSET', mk, 'e', ev)\n"
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
	PREAMBLE "local a, ev, out = ARGV[2], ARGV[4], {}\n"
		 "local e = tonumber(ev)\n"
		 "for _, ns in ipairs(ns_list(a, ARGV[3])) do\n"
		 "  local upd = {}\n"
		 "  for _, h in ipairs(redis.call('ZRANGE', k_idx(a, ns), 0, -1)) do\n"
		 "    local mk = k_msg(a, h)\n"
		 "    local cur = redis.call('HGET', mk, 'e')\n"
		 "    if cur and tonumber(cur) > e then\n"
		 "      redis.call('HSET', mk, 'e', ev)\n"
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

/* Later tokens in one request count as newer. Returns the list's length. */
static const char revoke_lua[] = PREAMBLE
	"local rk = k_rev(ARGV[2])\n"
	"for i = 3, #ARGV do redis.call('ZADD', rk, redis.call('INCR', K_SEQ), ARGV[i]) end\n"
	"redis.call('ZREMRANGEBYRANK', rk, 0, -(" STORE_STR(
		STORE_KEYS_REVOKED_KEEP) " + 1))\n"
					 "return redis.call('ZCARD', rk)\n";

/* Returns how many were in the list. */
static const char unrevoke_lua[] =
	PREAMBLE "local rk, n = k_rev(ARGV[2]), 0\n"
		 "for i = 3, #ARGV do n = n + redis.call('ZREM', rk, ARGV[i]) end\n"
		 "return n\n";

/* Newest first. */
static const char revoked_lua[] =
	PREAMBLE "return redis.call('ZREVRANGE', k_rev(ARGV[2]), 0, -1)\n";

static const char revoke_check_lua[] =
	PREAMBLE "if redis.call('ZSCORE', k_rev(ARGV[2]), ARGV[3]) then return 1 end\n"
		 "return 0\n";

/* Removes up to limit messages with expiry <= now. Returns {removed, more}. */
static const char sweep_lua[] = PREAMBLE
	"local now, lim = ARGV[2], tonumber(ARGV[3])\n"
	"local m = redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, lim)\n"
	"for _, x in ipairs(m) do\n"
	"  local c = string.find(x, ':', 1, true)\n"
	"  if not (c and del_msg(string.sub(x, 1, c - 1), string.sub(x, c + 1))) then\n"
	"    redis.call('ZREM', K_EXP, x)\n"
	"  end\n"
	"end\n"
	"local more = 0\n"
	"if #redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, 1) > 0 then more = 1 end\n"
	"return {#m, more}\n";

/* Returns {messages, bytes, accounts}. */
static const char usage_lua[] =
	PREAMBLE "local u = redis.call('HMGET', K_USAGE, 'msgs', 'bytes')\n"
		 "return {tonumber(u[1] or 0), tonumber(u[2] or 0), redis.call('HLEN', K_AC)}\n";

/*
 * One page of every live message: {next_cursor, acct, hash, ns, ts, expiry,
 * data, ...}. SCAN with COUNT 1 steps one bucket at a time so a page stops
 * close to its budget; glob characters of the prefix are escaped.
 */
static const char bulk_scan_lua[] =
	PREAMBLE "local cur, maxn, maxb, now = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), "
		 "tonumber(ARGV[5])\n"
		 "local pat = string.gsub(P, '[%*%?%[%]\\\\]', '\\\\%0') .. '" STORE_KEYS_MSG "*'\n"
		 "local skip = #P + #'" STORE_KEYS_MSG "'\n"
		 "local out, n, bytes, steps = {'0'}, 0, 0, 0\n"
		 "repeat\n"
		 "  local r = redis.call('SCAN', cur, 'MATCH', pat, 'COUNT', 1)\n"
		 "  cur = r[1]\n"
		 "  for _, k in ipairs(r[2]) do\n"
		 "    local f = redis.call('HMGET', k, 'ns', 't', 'e', 'd')\n"
		 "    if f[3] and f[4] and tonumber(f[3]) > now then\n"
		 "      local rest = string.sub(k, skip + 1)\n"
		 "      local c = string.find(rest, ':', 1, true)\n"
		 "      if c then\n"
		 "        out[#out + 1] = string.sub(rest, 1, c - 1)\n"
		 "        out[#out + 1] = string.sub(rest, c + 1)\n"
		 "        out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]\n"
		 "        out[#out + 1] = f[4]\n"
		 "        n = n + 1\n"
		 "        bytes = bytes + #f[4]\n"
		 "      end\n"
		 "    end\n"
		 "  end\n"
		 "  steps = steps + 1\n"
		 "until cur == '0' or n >= maxn or bytes >= maxb or steps >= " STORE_STR(
			 STORE_BULK_SCAN_STEPS) "\n"
						"out[1] = cur\n"
						"return out\n";

/*
 * Inserts copies from a peer; one code per record (storage/bulk.h). A present
 * message only has its expiry raised; a public outbox keeps the newest
 * message by timestamp.
 */
static const char bulk_put_lua[] =
	PREAMBLE "local amax, tmax, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])\n"
		 "local out = {}\n"
		 "for i = 5, #ARGV - 5, 6 do\n"
		 "  local a, ns, h, ts, ev, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], "
		 "ARGV[i + 4], ARGV[i + 5]\n"
		 "  local mk, code = k_msg(a, h), nil\n"
		 "  local old = redis.call('HGET', mk, 'e')\n"
		 "  if tonumber(ev) <= now then code = 3\n"
		 "  elseif old then\n"
		 "    code = 1\n"
		 "    if tonumber(ev) > tonumber(old) then\n"
		 "      redis.call('HSET', mk, 'e', ev)\n"
		 "      redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
		 "      code = 2\n"
		 "    end\n"
		 "  else\n"
		 "    local ik, nsn = k_idx(a, ns), tonumber(ns)\n"
		 "    local others, freed = {}, 0\n"
		 "    if nsn < 0 and (-nsn) % 20 == 1 then\n"
		 "      others = redis.call('ZRANGE', ik, 0, -1)\n"
		 "      for _, o in ipairs(others) do\n"
		 "        local f = redis.call('HMGET', k_msg(a, o), 't', 'd')\n"
		 "        if f[1] and tonumber(f[1]) >= tonumber(ts) then code = 4 end\n"
		 "        freed = freed + #(f[2] or '')\n"
		 "      end\n"
		 "    end\n"
		 "    local sz = #data\n"
		 "    local used = tonumber(redis.call('HGET', K_AB, a) or '0') - freed\n"
		 "    local total = tonumber(redis.call('HGET', K_USAGE, 'bytes') or '0') - freed\n"
		 "    if code then\n"
		 "    elseif amax > 0 and used + sz > amax then code = 5\n"
		 "    elseif tmax > 0 and total + sz > tmax then code = 6\n"
		 "    else\n"
		 "      for _, o in ipairs(others) do del_msg(a, o) end\n"
		 "      local seq = redis.call('INCR', K_SEQ)\n"
		 "      redis.call('HSET', mk, 'ns', ns, 't', ts, 'e', ev, 's', seq, 'd', data)\n"
		 "      redis.call('ZADD', ik, seq, h)\n"
		 "      redis.call('SADD', k_nss(a), ns)\n"
		 "      redis.call('ZADD', K_EXP, ev, a .. ':' .. h)\n"
		 "      account_add(a, 1, sz)\n"
		 "      code = 0\n"
		 "    end\n"
		 "  end\n"
		 "  out[#out + 1] = code\n"
		 "end\n"
		 "return out\n";

/* Removes the messages (acct, hash)...; returns how many there were. */
static const char bulk_drop_lua[] =
	PREAMBLE "local n = 0\n"
		 "for i = 2, #ARGV - 1, 2 do\n"
		 "  if del_msg(ARGV[i], ARGV[i + 1]) then n = n + 1 end\n"
		 "end\n"
		 "return n\n";

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
