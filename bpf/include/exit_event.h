/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_EXIT_EVENT_H
#define FUNNEL_EXIT_EVENT_H
#include "event_header.h"

/*
 * The last thread of a process exited. The header describes the exiting process. open_fds is
 * its file table's next free descriptor at exit (files_struct.next_fd, before the table is
 * closed): the number of descriptors in use for a process that allocates them lowest-first,
 * so a leak that ran into EMFILE exits with open_fds == nofile_limit.
 */
struct exit_event {
	struct event_header hdr;
	__u64 lifetime_ns;  /* hdr.ts_ns - hdr.start_ns */
	__s32 exit_code;    /* as wait(2) reports it: (status << 8) | signal */
	__u32 open_fds;     /* see above */
	__u32 nofile_limit; /* RLIMIT_NOFILE soft limit */
	__u32 reserved;
};

#endif
