// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Connection bursts: TCP connects counted per (process, destination address) and bucket.
 * A connect is the CLOSE -> SYN_SENT transition, which runs in the caller's context.
 */
#include "funnel.h"
#include "burst.h"

/* Connects per process, destination and bucket before counts leave the kernel. */
const volatile __u32 connect_pre_threshold = 16;

#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

SEC("tracepoint/sock/inet_sock_set_state")
int count_connect(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct burst_key key = { .tgid = tgid, .kind = BURST_CONNECT };

	if (ctx->protocol != IPPROTO_TCP || ctx->oldstate != TCP_CLOSE ||
	    ctx->newstate != TCP_SYN_SENT || is_ignored(tgid))
		return 0;
	key.family = ctx->family;
	/* Helper reads: the verifier refuses ctx pointers with a computed offset. */
	if (ctx->family == AF_INET)
		bpf_probe_read_kernel(key.addr, 4, ctx->daddr);
	else
		bpf_probe_read_kernel(key.addr, 16, ctx->daddr_v6);
	burst_count(&key, connect_pre_threshold, false, ctx->dport);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
