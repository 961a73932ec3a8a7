// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sweeper: the collector runs this program (BPF_PROG_TEST_RUN) several times per
 * flush_ns. It emits the pending counts of hot keys that went quiet, which no event would
 * otherwise flush, and forgets keys idle for a whole bucket so the LRU map stays small. When
 * nothing was aggregated lately it returns at once (idle keys are then left to LRU eviction).
 * With force set (the collector's last call before it stops), every hot key's pending count
 * leaves at once, so nothing the kernel counted is left behind.
 */
#include "funnel.h"
#include "burst.h"

struct sweep_args {
	__u32 force; /* 1: emit every pending count now */
};

struct sweep_ctx {
	__u64 now;
	__u32 force;
};

static long sweep_one(struct bpf_map *map, struct burst_key *key, struct burst_state *st, void *vctx)
{
	struct sweep_ctx *c = vctx;
	__u64 now = c->now;

	/* Only hot keys: a cold key's pending count is under its threshold, filtered out by design. */
	if (st->hot && st->pending && (c->force || now - st->last_emit_ns >= flush_ns))
		burst_emit(key, st, now, false);
	if (now - st->bucket_start_ns >= 2 * bucket_ns && !st->pending)
		bpf_map_delete_elem(map, key);
	return 0;
}

SEC("syscall")
int sweep_bursts(struct sweep_args *args)
{
	struct sweep_ctx c = { .now = bpf_ktime_get_boot_ns(), .force = args->force };

	/* Idle: nothing was aggregated for 2 flushes, so every count has left already. Walking
	 * the map costs ~0.25 ms (all 16384 buckets) even when it is empty. */
	if (!c.force && c.now - last_pending_ns > 2 * flush_ns + 1000000)
		return 0;
	bpf_for_each_map_elem(&bursts, sweep_one, &c, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
