/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_SLOW_REQUEST_EVENT_H
#define FUNNEL_SLOW_REQUEST_EVENT_H
#include "event_header.h"

/*
 * A request on a server-side TCP connection that took longer than slow_request_ns, from the
 * first bytes received to the first bytes sent back. The header describes the thread that
 * answered.
 */
struct slow_request_event {
	struct event_header hdr;
	__u64 duration_ns;
	__u64 request_start_ns;
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 lport;  /* local (server) port, host order */
	__u16 rport;  /* remote (client) port, host order */
	__u16 reserved;
	__u8 raddr[16]; /* client address; AF_INET uses the first 4 bytes */
};

#endif
