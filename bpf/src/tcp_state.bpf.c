// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every TCP state change, one program (a BTF tracepoint: no trace record is marshalled
 * before it runs), for two sensors:
 *   - connect bursts: a connect is the CLOSE -> SYN_SENT transition, in the caller's
 *     context; counted per (process, destination address) and bucket (burst.h);
 *   - slow requests: a passively opened socket (SYN_RECV -> ESTABLISHED) gets a server_conn
 *     in socket-local storage if its local port is timed (timed_lports) and not ignored. The kernel frees it with the
 *     socket, so no state change after that runs more than the two tests below: a short
 *     connection changes state about ten times, and only two of them do any work.
 * Which halves run is set at load (count_connects, track_servers).
 */
#include "funnel.h"
#include "burst.h"
#include "server_conn.h"

/* Connects per process, destination and bucket before counts leave the kernel. */
const volatile __u32 connect_pre_threshold = 16;
const volatile bool count_connects = true;
const volatile bool track_servers = true;

/*
 * Local ports whose connections are never timed (0: unused slot). A long-poll server answers
 * late by design: a Kafka broker holds an empty fetch for fetch.max.wait.ms (500 ms).
 */
#define PORTS_MAX 8
const volatile __u16 ignored_lports[PORTS_MAX] = {};
/*
 * If any is set, only connections to these local ports are timed. The storage allocated per
 * accepted connection is the costliest thing this program does (about 1 us a connection here),
 * so a host that only cares about its service's port spares every other connection of it.
 */
const volatile __u16 timed_lports[PORTS_MAX] = {};

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_SYN_RECV 3
#define TCP_CLOSE 7

static __always_inline bool port_ignored(__u16 lport)
{
	for (int i = 0; i < PORTS_MAX; i++) {
		if (ignored_lports[i] && ignored_lports[i] == lport)
			return true;
	}
	return false;
}

/* Every port while timed_lports is empty; else only those listed. */
static __always_inline bool port_timed(__u16 lport)
{
	if (!timed_lports[0])
		return true;
	for (int i = 0; i < PORTS_MAX; i++) {
		if (timed_lports[i] == lport)
			return true;
	}
	return false;
}

/*
 * The remote address into out[16] (AF_INET: the first 4 bytes). Plain loads, no helper call:
 * a BTF tracepoint's sk is a typed kernel pointer the verifier lets the program read directly.
 */
static __always_inline void remote_addr(const struct sock *sk, __u16 family, __u8 *out)
{
	if (family == AF_INET)
		__builtin_memcpy(out, &sk->__sk_common.skc_daddr, 4);
	else
		__builtin_memcpy(out, &sk->__sk_common.skc_v6_daddr, 16);
}

static __always_inline void count_connect(void *ctx, const struct sock *sk, __u16 family)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct burst_key key = { .tgid = tgid, .kind = BURST_CONNECT, .family = family };

	if (is_ignored(tgid))
		return;
	remote_addr(sk, family, key.addr);
	burst_count(ctx, &key, connect_pre_threshold, false, bpf_ntohs(sk->__sk_common.skc_dport));
}

/* Softirq context for a passive open: the owning process is only known at recv/send time. */
static __always_inline void track_server(struct sock *sk, __u16 family)
{
	struct server_conn *conn;
	struct tcp_sock *tp;
	__u16 lport = sk->__sk_common.skc_num;

	if (!port_timed(lport) || port_ignored(lport))
		return;
	conn = bpf_sk_storage_get(&server_conns, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!conn) {
		stat_add(FUNNEL_EV_SLOW_REQUEST, EMIT_STAT_UNTRACKED, 1); /* a connection we cannot time */
		return;
	}
	/* What the client sent so far (its SYN) is not a request: only data from now on is. */
	tp = bpf_skc_to_tcp_sock(sk);
	conn->answered_rcv_nxt = tp ? tp->rcv_nxt : 0;
	conn->family = family;
	conn->lport = lport;
	conn->rport = bpf_ntohs(sk->__sk_common.skc_dport);
	remote_addr(sk, family, conn->raddr);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	/* The states first: they are arguments, so the eight changes of ten that do no work
	 * return without touching the socket. */
	bool connect = count_connects && oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT;
	bool accepted = track_servers && oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED;

	if (!(connect || accepted) || sk->sk_protocol != IPPROTO_TCP)
		return 0;
	if (connect)
		count_connect(ctx, sk, sk->__sk_common.skc_family);
	else
		track_server((struct sock *)sk, sk->__sk_common.skc_family);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
