/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_EXIT_EVENT_H
#define FUNNEL_EXIT_EVENT_H
#include "event_header.h"

/* The last thread of a process exited. The header describes the exiting process. */
struct exit_event {
	struct event_header hdr;
	__u64 lifetime_ns; /* hdr.ts_ns - hdr.start_ns */
	__s32 exit_code;   /* as wait(2) reports it: (status << 8) | signal */
	__u32 reserved;
};

#endif
