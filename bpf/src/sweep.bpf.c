// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sweeper: the collector runs this program (BPF_PROG_TEST_RUN) every flush_ns. It emits
 * the pending counts of hot keys that went quiet, which no event would otherwise flush, and
 * forgets keys idle for a whole bucket so the LRU map stays small.
 */
#include "funnel.h"
#include "burst.h"

static long sweep_one(struct bpf_map *map, struct burst_key *key, struct burst_state *st, void *ctx)
{
	__u64 now = *(__u64 *)ctx;

	if (st->hot && st->pending && now - st->last_emit_ns >= flush_ns)
		burst_emit(key, st, now, false);
	if (now - st->bucket_start_ns >= 2 * bucket_ns && !st->pending)
		bpf_map_delete_elem(map, key);
	return 0;
}

SEC("syscall")
int sweep_bursts(void *ctx)
{
	__u64 now = bpf_ktime_get_boot_ns();

	bpf_for_each_map_elem(&bursts, sweep_one, &now, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
