/* SPDX-License-Identifier: MIT */
#include "log.h"

RTE_LOG_REGISTER(dp_logtype, user.snode.dp, INFO);
