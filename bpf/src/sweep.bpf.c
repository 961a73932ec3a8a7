// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sweeper: the collector runs this program (BPF_PROG_TEST_RUN) four times per flush_ns.
 * It emits the pending counts of hot keys that went quiet, which no event would otherwise
 * flush, and drops keys from the hot list once they have cooled down. It visits only the
 * hot list (hot_keys), so its cost follows how many keys are hot, not how many stale keys
 * the bursts LRU map has kept over hours of uptime (cold keys are left to LRU eviction).
 * When nothing was aggregated lately it returns at once. With force set (the collector's
 * last call before it stops), every hot key's pending count leaves at once, so nothing the
 * kernel counted is left behind.
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

static __always_inline void sweep_key(struct burst_key *key, struct burst_state *st, struct sweep_ctx *c)
{
	if (st->hot && st->pending && (c->force || c->now - st->last_emit_ns >= flush_ns))
		burst_emit(key, st, c->now, false);
}

/* A key of the hot list: flush it, and forget it once it is cold and has nothing pending. */
static long sweep_hot(struct bpf_map *map, struct burst_key *key, __u8 *unused, void *vctx)
{
	struct sweep_ctx *c = vctx;
	struct burst_state *st = bpf_map_lookup_elem(&bursts, key);

	if (!st) { /* evicted from the LRU map: nothing of it is left to flush */
		bpf_map_delete_elem(map, key);
		return 0;
	}
	sweep_key(key, st, c);
	/* Cold (a sub-threshold pending count is filtered out, never emitted) or drained, and
	 * quiet for two buckets: the next event re-lists it if it turns hot again. */
	if ((!st->hot || !st->pending) && c->now - st->bucket_start_ns >= 2 * bucket_ns)
		bpf_map_delete_elem(map, key);
	return 0;
}

/*
 * After the hot list overflowed: every key of the bursts map (the costly walk). A key still
 * hot is listed again; where the list is still full that sets hot_overflow once more, so the
 * full walks go on exactly as long as some hot key cannot be listed.
 */
static long sweep_all(struct bpf_map *map, struct burst_key *key, struct burst_state *st, void *vctx)
{
	struct sweep_ctx *c = vctx;

	sweep_key(key, st, c);
	if (st->hot && c->now - st->bucket_start_ns < 2 * bucket_ns)
		mark_hot(key);
	return 0;
}

SEC("syscall")
int sweep_bursts(struct sweep_args *args)
{
	struct sweep_ctx c = { .now = bpf_ktime_get_boot_ns(), .force = args->force };

	/* Idle: nothing was aggregated for 2 flushes, so every count has left already. */
	if (!c.force && c.now - last_pending_ns > 2 * flush_ns + 1000000)
		return 0;
	if (hot_overflow) {
		hot_overflow = 0;
		bpf_for_each_map_elem(&bursts, sweep_all, &c, 0);
	}
	bpf_for_each_map_elem(&hot_keys, sweep_hot, &c, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
