/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int
scl_fail(struct scl_error *e, enum scl_err code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
scl_err_name(enum scl_err code)
{
	static const char *const names[SCL_E_COUNT] = {
		[SCL_OK] = "ok",
		[SCL_E_USAGE] = "usage",
		[SCL_E_PHRASE] = "bad-phrase",
		[SCL_E_ACCOUNT] = "account",
		[SCL_E_NODES] = "nodes",
		[SCL_E_NO_ROUTE] = "no-route",
		[SCL_E_TIMEOUT] = "timeout",
		[SCL_E_CLOCK] = "clock-skew",
		[SCL_E_UNAUTHORISED] = "unauthorised",
		[SCL_E_REPLY] = "bad-reply",
		[SCL_E_SERVER] = "server",
		[SCL_E_SYSTEM] = "system",
	};

	return (unsigned)code < SCL_E_COUNT ? names[code] : "unknown";
}
