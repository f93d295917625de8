/* SPDX-License-Identifier: MIT */
/*
 * Errors of libsnclient: a code a program can act on (snode-cli maps each to
 * its exit code) and a message a person can read. Every call that can fail
 * fills one; nothing is kept between calls.
 */
#ifndef SCL_ERROR_H
#define SCL_ERROR_H

#include <stddef.h>

enum scl_err {
	SCL_OK = 0,
	SCL_E_USAGE,	    /* a bad argument from the caller (bad Session ID, hash...) */
	SCL_E_PHRASE,	    /* a recovery phrase that does not decode */
	SCL_E_ACCOUNT,	    /* no such account, or its files are unreadable */
	SCL_E_NODES,	    /* the node list could not be read or is unusable */
	SCL_E_NO_ROUTE,	    /* too few nodes for a path, or no swarm for the account */
	SCL_E_TIMEOUT,	    /* no (complete) reply on any path within the attempts */
	SCL_E_CLOCK,	    /* the node refused our timestamp (406): check the clock */
	SCL_E_UNAUTHORISED, /* 401/403: the node refused the signature or the TTL */
	SCL_E_REPLY,	    /* a reply that does not open or parse */
	SCL_E_SERVER,	    /* any other error status from the node */
	SCL_E_SYSTEM,	    /* out of memory, a socket or file error */
	SCL_E_COUNT,
};

enum {
	SCL_ERROR_MSG = 256
};

struct scl_error {
	enum scl_err code;
	char msg[SCL_ERROR_MSG];
};

/* Sets code and a printf-style message; returns -1 (so `return scl_fail(...)`). */
int scl_fail(struct scl_error *e, enum scl_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Short name of a code ("timeout", "no-route"...): the --json output's "error". */
const char *scl_err_name(enum scl_err code);

#endif
