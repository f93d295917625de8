/* SPDX-License-Identifier: MIT */
/*
 * The Lua scripts that make every storage operation one atomic step in Redis.
 * Each is loaded with SCRIPT LOAD when the connection comes up and run with
 * EVALSHA (EVAL when Redis answers NOSCRIPT, e.g. after SCRIPT FLUSH). The key
 * names they use come from keys.h; ARGV[1] is always the key prefix. Scripts
 * touch keys they derive from ARGV (not KEYS), so they need one redis-server,
 * not a cluster. An operator sees them in `redis-cli SCRIPT EXISTS <sha>` and in
 * SLOWLOG when one account's delete_all is large.
 */
#ifndef STORE_SCRIPTS_H
#define STORE_SCRIPTS_H

enum store_script {
	STORE_SCRIPT_SCHEMA, /* P, version -> version found (set if absent) */
	STORE_SCRIPT_PUT,    /* P, acct, ns, hash, ts, expiry, data, outbox, acct_max, total_max */
	STORE_SCRIPT_GET,    /* P, acct, ns, last_hash, max_count, max_size, now */
	STORE_SCRIPT_DELETE, /* P, acct, hash... */
	STORE_SCRIPT_DELETE_ALL,    /* P, acct, ns|"all" */
	STORE_SCRIPT_DELETE_BEFORE, /* P, acct, ns|"all", before */
	STORE_SCRIPT_EXPIRE,	    /* P, acct, mode, now, n_exp, exp..., hash... */
	STORE_SCRIPT_EXPIRE_ALL,    /* P, acct, ns|"all", expiry */
	STORE_SCRIPT_GET_EXPIRIES,  /* P, acct, now, hash... */
	STORE_SCRIPT_REVOKE,	    /* P, acct, token... */
	STORE_SCRIPT_UNREVOKE,	    /* P, acct, token... */
	STORE_SCRIPT_REVOKED,	    /* P, acct */
	STORE_SCRIPT_REVOKE_CHECK,  /* P, acct, token */
	STORE_SCRIPT_SWEEP,	    /* P, now, limit */
	STORE_SCRIPT_USAGE,	    /* P */
	STORE_SCRIPT_BULK_SCAN,	    /* P, cursor, max_records, max_bytes, now */
	STORE_SCRIPT_BULK_PUT, /* P, acct_max, total_max, now, (acct, ns, hash, ts, exp, data)... */
	STORE_SCRIPT_BULK_DROP, /* P, (acct, hash)... */
	STORE_SCRIPT_LOOKUP,	/* P, now, (acct, hash)... -> (ns|"", data|"")... (lookup.h) */
	STORE_SCRIPT_COUNT,
};

/* Full Lua source (common preamble included), and a short name for messages. */
const char *store_scripts_source(enum store_script s);
const char *store_scripts_name(enum store_script s);

#endif
