// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Slow requests, measured in the kernel: a request on a server-side TCP connection starts
 * with the first bytes received and ends with the first bytes sent back. Only requests slower
 * than slow_request_ns leave the kernel.
 *
 * Invariants that keep the clock honest (each one a false positive seen without it):
 *   - only passively opened sockets (SYN_RECV -> ESTABLISHED) are timed; a client's
 *     keep-alive think time would otherwise look like a slow request;
 *   - a socket's entry is deleted when it reaches TCP_CLOSE: the kernel reuses the address
 *     of a freed sock, and a stale start time would be charged to the next connection;
 *   - connections to a long-poll server's port (ignored_lports) are not timed at all.
 * sock_recv_length/sock_send_length fire only on socket I/O (kernel >= 6.3), so the cost is
 * per request, not per read/write on the host.
 */
#include "funnel.h"
#include "slow_request_event.h"

/* Requests slower than this are emitted. */
const volatile __u64 slow_request_ns = 500000000ULL;

/*
 * Local ports whose connections are never timed (0: unused slot). A long-poll server answers
 * late by design: a Kafka broker holds an empty fetch for fetch.max.wait.ms (500 ms).
 */
#define IGNORED_PORTS_MAX 8
const volatile __u16 ignored_lports[IGNORED_PORTS_MAX] = {};

static __always_inline bool port_ignored(__u16 lport)
{
	for (int i = 0; i < IGNORED_PORTS_MAX; i++) {
		if (ignored_lports[i] && ignored_lports[i] == lport)
			return true;
	}
	return false;
}

#define TCP_ESTABLISHED 1
#define TCP_SYN_RECV 3
#define TCP_CLOSE 7
#define MSG_PEEK 2

struct server_conn {
	__u64 request_start_ns; /* 0 while no request is in flight */
	__u16 family;
	__u16 lport;
	__u16 rport;
	__u16 reserved;
	__u8 raddr[16];
};

/* Keyed by the struct sock address. LRU: an idle connection may be forgotten, never block a new one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct server_conn);
} server_conns SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int track_server_conn(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct server_conn conn = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_CLOSE) {
		bpf_map_delete_elem(&server_conns, &sk);
		return 0;
	}
	if (ctx->oldstate != TCP_SYN_RECV || ctx->newstate != TCP_ESTABLISHED || port_ignored(ctx->sport))
		return 0;
	/* Softirq context here: the owning process is only known at recv/send time. */
	conn.family = ctx->family;
	conn.lport = ctx->sport;
	conn.rport = ctx->dport;
	/* Helper reads: the verifier refuses ctx pointers with a computed offset. */
	if (ctx->family == AF_INET)
		bpf_probe_read_kernel(conn.raddr, 4, ctx->daddr);
	else
		bpf_probe_read_kernel(conn.raddr, 16, ctx->daddr_v6);
	bpf_map_update_elem(&server_conns, &sk, &conn, BPF_ANY);
	return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int request_start(struct trace_event_raw_sock_msg_length *ctx)
{
	__u64 sk = (__u64)ctx->sk;
	struct server_conn *conn;

	if (ctx->ret <= 0 || ctx->protocol != IPPROTO_TCP || ctx->flags & MSG_PEEK)
		return 0;
	conn = bpf_map_lookup_elem(&server_conns, &sk);
	if (conn && !conn->request_start_ns)
		conn->request_start_ns = bpf_ktime_get_boot_ns();
	return 0;
}

SEC("tracepoint/sock/sock_send_length")
int request_end(struct trace_event_raw_sock_msg_length *ctx)
{
	__u64 sk = (__u64)ctx->sk, now, start;
	struct slow_request_event *rec;
	struct server_conn *conn;

	if (ctx->ret <= 0 || ctx->protocol != IPPROTO_TCP)
		return 0;
	conn = bpf_map_lookup_elem(&server_conns, &sk);
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
