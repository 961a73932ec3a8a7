/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_FORK_EVENT_H
#define FUNNEL_FORK_EVENT_H
#include "event_header.h"

/* One fork by a parent that is under its pre-threshold. The header describes the parent. */
struct fork_event {
	struct event_header hdr;
	__u32 child_pid;
	__u32 reserved;
};

#endif
