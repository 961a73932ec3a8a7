/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_BURST_H
#define FUNNEL_BURST_H
/*
 * Per-key counters that turn a storm into a handful of records.
 *
 * Each key (a process and what it does, see enum burst_kind) counts its events per bucket of
 * bucket_ns. A key is "cold" until it passes its pre-threshold within a bucket; it stays "hot"
 * for the rest of that bucket and for the next one if that bucket was over the threshold too.
 *   - cold: the caller emits a single record per event (lifecycle kinds), or nothing at all
 *     (fd/connect kinds, whose sub-threshold events are filtered out by design);
 *   - hot: every event goes into the key's pending count, emitted as one burst_event when
 *     the key crosses the threshold and then at most every flush_ns. Counts that go quiet
 *     are emitted by the sweep_bursts program, which the collector runs 4 times per flush_ns.
 *     A key that turns hot is also put in hot_keys, the sweeper's work list: a sweep costs
 *     what the hot keys cost, not what the whole (mostly stale) bursts map would.
 * So a storm lasting D costs about pre_threshold singles + D / flush_ns records per key, and
 * the counts in those records add up to the events exactly: pending only moves with atomics.
 * flush_ns also bounds how late a count reaches user space, and a record carries the span
 * [first_ns, last_ns] its count covers.
 */
#include "funnel.h"
#include "burst_event.h"

struct burst_key {
	__u32 tgid;     /* the subject: a pid, or a session id (GROUP_FORK) */
	__u32 kind;     /* enum burst_kind */
	__u8 addr[16];  /* CONNECT: destination address; GROUP_FORK: the cgroup id; else zero */
	__u16 family;   /* CONNECT: address family; else zero */
	__u16 reserved[3];
};

struct burst_state {
	struct event_header owner; /* header of the last record emitted from process context */
	__u64 bucket_start_ns;
	__u64 first_pending_ns;    /* first event in pending; 0 when pending is 0 */
	__u64 last_ns;             /* last event counted */
	__u64 last_emit_ns;        /* last burst record emitted for the key */
	__u32 bucket_count;        /* events in the current bucket */
	__u32 pending;             /* counted, not yet emitted */
	__u32 hot;                 /* 1 while aggregating */
	__u16 dport;               /* CONNECT: last destination port */
	__u16 reserved;
	__s32 stack_id;            /* user stack (burst_stacks) of the event that turned the key hot;
	                            * -1: none (a kind whose current task is not the subject) */
	__u32 reserved2;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct burst_key);
	__type(value, struct burst_state);
} bursts SEC(".maps") __weak;

/*
 * The user stack of the call that turned a key hot (FORK, FD_OPEN, CONNECT: the subject is the
 * current task): once per hot key, never per event. BPF_F_REUSE_STACKID: a colliding new stack
 * replaces the old one, so the map never fills; the collector names stacks as their records
 * arrive, and an id a collision reused in between names the newer stack (rare, not detected).
 */
#define BURST_STACK_DEPTH 32
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BURST_STACK_DEPTH * sizeof(__u64));
} burst_stacks SEC(".maps") __weak;

/*
 * The keys that turned hot and may hold pending counts: the only ones the sweeper visits.
 * Sized for many more than a host has hot at once; if it is ever full, hot_overflow makes
 * the next sweeps walk the whole bursts map instead, so no count is left behind.
 */
#define HOT_KEYS_MAX 512 /* the collector sets the size at load (KernelConfig.hotKeysMax) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HOT_KEYS_MAX);
	__type(key, struct burst_key);
	__type(value, __u8);
} hot_keys SEC(".maps") __weak;

extern __u32 hot_overflow;

static __always_inline void mark_hot(struct burst_key *key)
{
	__u8 one = 1;
	long err = bpf_map_update_elem(&hot_keys, key, &one, BPF_NOEXIST);

	if (err && err != -17 /* -EEXIST: already listed */)
		hot_overflow = 1;
}

/* Emit the key's pending count. In process context (owner_is_current) the header is taken
 * from the current task and remembered; the sweeper reuses the remembered one. */
static __always_inline void burst_emit(struct burst_key *key, struct burst_state *st, __u64 now,
				       bool owner_is_current)
{
	struct burst_event *rec;
	__u64 first = st->first_pending_ns;
	__u32 n = __sync_lock_test_and_set(&st->pending, 0);

	if (!n)
		return;
	st->first_pending_ns = 0;
	st->last_emit_ns = now;
	if (owner_is_current)
		fill_header(&st->owner, FUNNEL_EV_BURST, now);
	rec = emit_reserve(FUNNEL_EV_BURST, sizeof(*rec), n);
	if (!rec)
		return;
	__builtin_memcpy(&rec->hdr, &st->owner, sizeof(rec->hdr));
	rec->hdr.ts_ns = st->last_ns;
	rec->hdr.type = FUNNEL_EV_BURST; /* even if no header was ever remembered */
	if (!rec->hdr.pid)
		rec->hdr.pid = key->tgid;
	rec->kind = key->kind;
	rec->count = n;
	rec->first_ns = first ? first : st->last_ns;
	rec->last_ns = st->last_ns;
	rec->bucket_count = st->bucket_count;
	rec->family = key->family;
	rec->dport = st->dport;
	__builtin_memcpy(rec->daddr, key->addr, sizeof(rec->daddr));
	rec->subject = key->tgid;
	rec->stack_id = st->stack_id;
	emit_submit(rec, sizeof(*rec));
}

/*
 * Count one event for key. Returns true when the key is cold and the caller should emit a
 * single record for the event itself (only if singles is true); otherwise the event was
 * counted into the key's aggregate, which this call may have emitted. ctx: the program's
 * context when the current task is the key's subject (its user stack is taken once, as the
 * key turns hot), else NULL.
 */
static __always_inline bool burst_count(void *ctx, struct burst_key *key, __u32 pre_threshold, bool singles,
					__u16 dport)
{
	struct burst_state fresh = { .stack_id = -1 };
	__u64 now = bpf_ktime_get_boot_ns();
	struct burst_state *st;
	__u32 count;

	st = bpf_map_lookup_elem(&bursts, key);
	if (!st) {
		bpf_map_update_elem(&bursts, key, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&bursts, key);
		if (!st) {
			stat_add(FUNNEL_EV_BURST, EMIT_STAT_UNTRACKED, 1);
			return singles;
		}
		st->bucket_start_ns = now;
	}
	if (now - st->bucket_start_ns >= bucket_ns) {
		/* New bucket: flush what the old one left, stay hot if it was over the threshold and
		 * is the bucket just before this one. A key quiet for longer starts cold: after PID
		 * reuse, the key's state is an older process's, and says nothing of this one. */
		if (st->hot)
			burst_emit(key, st, now, true);
		else
			__sync_lock_test_and_set(&st->pending, 0); /* sub-threshold: filtered out */
		st->hot = st->bucket_count > pre_threshold && now - st->bucket_start_ns < 2 * bucket_ns;
		if (st->hot)
			mark_hot(key);
		st->bucket_start_ns = now;
		st->bucket_count = 0;
		st->first_pending_ns = 0;
	}
	count = __sync_add_and_fetch(&st->bucket_count, 1);
	if (!st->hot && count <= pre_threshold && singles)
		return true;

	__sync_fetch_and_add(&st->pending, 1);
	if (!st->first_pending_ns)
		st->first_pending_ns = now;
	st->last_ns = now;
	st->dport = dport;
	if (st->hot ? now - st->last_emit_ns >= flush_ns : count > pre_threshold) {
		if (!st->hot) {
			mark_hot(key);
			st->stack_id = ctx ? (__s32)bpf_get_stackid(ctx, &burst_stacks,
								     BPF_F_USER_STACK | BPF_F_REUSE_STACKID) : -1;
		}
		st->hot = 1;
		burst_emit(key, st, now, true);
	}
	/* Only a hot key's pending count is the sweeper's to emit (a cold one's is filtered out).
	 * One store per ms at most, so the shared line stays cool in a storm. */
	if (st->hot && now - last_pending_ns > 1000000)
		last_pending_ns = now;
	return false;
}

#endif /* FUNNEL_BURST_H */
