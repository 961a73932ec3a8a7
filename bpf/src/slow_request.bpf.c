// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Slow requests, measured in the kernel: a request on a server-side TCP connection starts
 * with the first bytes received and ends with the first bytes sent back. Only requests slower
 * than slow_request_ns leave the kernel.
 *
 * Both hooks fire on every socket receive and send of the host, so they return as early as
 * they can: a failed call, a non-TCP socket, or (one pointer load, no helper call) a socket
 * that has no BPF socket storage at all; then a socket without a server_conn, which
 * tcp_state.bpf.c gives only to passively opened sockets whose port is not ignored. A client's
 * keep-alive think time is therefore never timed, and a freed socket's reused address never
 * inherits a clock (the storage dies with its socket).
 * BTF tracepoints (kernel >= 6.3 for these two): no trace record is marshalled first.
 */
#include "funnel.h"
#include "server_conn.h"
#include "slow_request_event.h"

/* Requests slower than this are emitted. */
const volatile __u64 slow_request_ns = 500000000ULL;

#define MSG_PEEK 2

static __always_inline struct server_conn *server_conn(struct sock *sk, int ret)
{
	if (ret <= 0 || sk->sk_protocol != IPPROTO_TCP || !sk->sk_bpf_storage)
		return NULL;
	return bpf_sk_storage_get(&server_conns, sk, NULL, 0);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(request_start, struct sock *sk, int ret, int flags)
{
	struct server_conn *conn = server_conn(sk, ret);

	if (conn && !(flags & MSG_PEEK) && !conn->request_start_ns)
		conn->request_start_ns = bpf_ktime_get_boot_ns();
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(request_end, struct sock *sk, int ret, int flags)
{
	struct server_conn *conn = server_conn(sk, ret);
	struct slow_request_event *rec;
	__u64 now, start;

	if (!conn || !conn->request_start_ns)
		return 0;
	now = bpf_ktime_get_boot_ns();
	start = conn->request_start_ns;
	conn->request_start_ns = 0;
	if (now - start < slow_request_ns || is_ignored(bpf_get_current_pid_tgid() >> 32))
		return 0;
	rec = emit_reserve(FUNNEL_EV_SLOW_REQUEST, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(&rec->hdr, FUNNEL_EV_SLOW_REQUEST, now);
	rec->duration_ns = now - start;
	rec->request_start_ns = start;
	rec->family = conn->family;
	rec->lport = conn->lport;
	rec->rport = conn->rport;
	rec->reserved = 0;
	__builtin_memcpy(rec->raddr, conn->raddr, sizeof(rec->raddr));
	emit_submit(rec, sizeof(*rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
