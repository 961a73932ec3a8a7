/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_SERVER_CONN_H
#define FUNNEL_SERVER_CONN_H
/*
 * A server-side TCP connection whose requests are timed: socket-local storage, created when
 * a passively opened socket reaches ESTABLISHED (tcp_state.bpf.c), read on every socket
 * send (slow_request.bpf.c). Socket-local storage lives and dies with its
 * socket, so a freed socket's address reused by a new one can never inherit a stale clock;
 * and a socket without any storage (any client, any non-TCP socket) costs one pointer load.
 */
#include "funnel.h"

struct server_conn {
	__u32 answered_rcv_nxt; /* the connection's rcv_nxt at its last send: data since is a request */
	__u32 reserved2;
	__u16 family;
	__u16 lport; /* local (server) port, host order */
	__u16 rport; /* remote (client) port, host order */
	__u16 reserved;
	__u8 raddr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct server_conn);
} server_conns SEC(".maps") __weak;

#endif
