/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_EXEC_EVENT_H
#define FUNNEL_EXEC_EVENT_H
#include "event_header.h"

#define FUNNEL_PATH_LEN 256
#define FUNNEL_ARGS_LEN 256

/*
 * A successful execve. The header describes the new image. filename is what was passed to
 * execve (it may be relative); args are argv joined by NULs, truncated to FUNNEL_ARGS_LEN.
 * Both are captured here because a short-lived process is gone before /proc can be read.
 */
struct exec_event {
	struct event_header hdr;
	__u32 old_pid;      /* tid that called execve (differs when a thread execs) */
	__u16 filename_len; /* bytes in filename, without the NUL */
	__u16 args_len;     /* bytes in args */
	char filename[FUNNEL_PATH_LEN];
	char args[FUNNEL_ARGS_LEN];
};

#endif
