// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Slow requests, measured in the kernel with one hook: a server-side TCP connection's send.
 * A send answers a request when data came in since the connection's previous send (its next
 * expected sequence number, rcv_nxt, moved); the request's time is from the last data
 * segment that came in (the kernel keeps when: icsk_ack.lrcvtime, in ticks) to that send.
 * So the time a request waited in the socket's receive queue counts too, and a server that
 * pushes data nobody asked for (a stream, a banner) is never timed. Only requests slower than
 * slow_request_ticks leave the kernel.
 *
 * A send hook fires often (sock_send_length: on every socket send of the host), so it returns
 * as early as it can: a failed call, a non-TCP socket, or (one pointer load, no helper call) a
 * socket that has no BPF socket storage at all; then a socket without a server_conn, which
 * tcp_state.bpf.c gives only to passively opened sockets whose port is timed. A freed
 * socket's reused address never inherits a state (the storage dies with its socket).
 *
 * Why not a hook on receives as well (the first version): every receive of every socket of
 * the host (unix sockets included) then paid a hook too, and each request two clock reads.
 * Ticks (CONFIG_HZ: 4 ms at 250) are coarse, but a threshold is hundreds of them.
 *
 * Two hooks, one loaded (the collector picks by what the kernel's BTF has, HookPlan):
 *   - request_end_tcp, tcp:tcp_sendmsg_locked (kernel >= 6.16): TCP sends only, so a unix,
 *     UDP or netlink send of the host never enters BPF at all. It fires before the data is
 *     queued, once per chunk of a large send; the first chunk takes the answer, the others
 *     find nothing new. A send that then fails still answered (the server did answer then).
 *   - request_end, sock:sock_send_length (kernel >= 6.3): after every socket send of the host.
 * Both BTF tracepoints: no trace record is marshalled first.
 */
#include "funnel.h"
#include "server_conn.h"
#include "slow_request_event.h"

/* A request is slow above this many kernel ticks (jiffies), and a tick is this long. */
const volatile __u32 slow_request_ticks = 125;
const volatile __u64 tick_ns = 4000000ULL;

/* A send on sk: emits a slow request if it answers one (see the top of this file). */
static __always_inline int on_send(struct sock *sk)
{
	struct slow_request_event *rec;
	struct server_conn *conn;
	struct tcp_sock *tp;
	__u32 rcv_nxt, ticks;
	__u64 now;

	if (sk->sk_protocol != IPPROTO_TCP || !sk->sk_bpf_storage)
		return 0;
	conn = bpf_sk_storage_get(&server_conns, sk, NULL, 0);
	if (!conn)
		return 0;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	rcv_nxt = tp->rcv_nxt;
	if (rcv_nxt == conn->answered_rcv_nxt)
		return 0; /* nothing came in since the last send: not an answer */
	conn->answered_rcv_nxt = rcv_nxt;
	/* Both in ticks, 32 bits, as the kernel keeps them: the difference wraps correctly. */
	ticks = (__u32)bpf_jiffies64() - tp->inet_conn.icsk_ack.lrcvtime;
	/* Strictly more ticks than the threshold: at least that long, never a faster request. */
	if (ticks <= slow_request_ticks || is_ignored(bpf_get_current_pid_tgid() >> 32))
		return 0;
	rec = emit_reserve(FUNNEL_EV_SLOW_REQUEST, sizeof(*rec), 1);
	if (!rec)
		return 0;
	now = bpf_ktime_get_boot_ns();
	fill_header(&rec->hdr, FUNNEL_EV_SLOW_REQUEST, now);
	rec->duration_ns = (__u64)ticks * tick_ns;
	rec->request_start_ns = now - rec->duration_ns;
	rec->family = conn->family;
	rec->lport = conn->lport;
	rec->rport = conn->rport;
	rec->reserved = 0;
	__builtin_memcpy(rec->raddr, conn->raddr, sizeof(rec->raddr));
	emit_submit(rec, sizeof(*rec));
	return 0;
}

SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(request_end_tcp, struct sock *sk, struct msghdr *msg, struct sk_buff *skb, int size_goal)
{
	return on_send(sk);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(request_end, struct sock *sk, int ret, int flags)
{
	if (ret <= 0)
		return 0; /* a failed send answers nothing */
	return on_send(sk);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
