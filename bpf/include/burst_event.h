/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_BURST_EVENT_H
#define FUNNEL_BURST_EVENT_H
#include "event_header.h"

/*
 * What a burst counts, and whose it is (the record's subject): the process doing it for FORK,
 * FD_OPEN and CONNECT; the parent whose children do it for the CHILD_* kinds (the header then
 * describes the last such child); a session (its id) within one cgroup for GROUP_FORK.
 */
enum burst_kind {
	BURST_FORK = 1,              /* new processes forked by the subject */
	BURST_CHILD_EXEC = 2,        /* execs by the subject's children */
	BURST_CHILD_SHORT_EXIT = 3,  /* children that exited younger than short_lived_ns */
	BURST_FD_OPEN = 4,           /* successful open/openat/openat2 */
	BURST_CONNECT = 5,           /* TCP connects to one destination address */
	BURST_GROUP_FORK = 6,        /* new processes forked anywhere in one session of one cgroup */
	BURST_CHILD_FAILED_EXIT = 7, /* short-lived children that failed (a signal, or a non-zero
	                              * status) and were counted into a CHILD_SHORT_EXIT burst */
	BURST_KIND_MAX = 8,
};

/*
 * Aggregated counts of one hot key. count is the number of events since the previous record
 * for the same key, so summing count over records (plus single records of the same kind
 * under the pre-threshold) gives the total the kernel saw.
 */
struct burst_event {
	struct event_header hdr;
	__u32 kind;         /* enum burst_kind */
	__u32 count;        /* events since the previous record for this key */
	__u64 first_ns;     /* first of those events */
	__u64 last_ns;      /* last of those events */
	__u32 bucket_count; /* events of this key in the current bucket (bucket_ns), so far */
	__u16 family;       /* CONNECT: AF_INET or AF_INET6; else 0 */
	__u16 dport;        /* CONNECT: destination port of the last connect, host order */
	__u8 daddr[16];     /* CONNECT: destination; AF_INET uses the first 4 bytes */
	__u32 subject;      /* whose burst: a pid, or the session id for GROUP_FORK */
	__s32 stack_id;     /* FORK, FD_OPEN, CONNECT: the user stack (burst_stacks) of the call that
	                     * turned the key hot; < 0: none */
};

#endif
