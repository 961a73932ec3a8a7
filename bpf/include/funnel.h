/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_H
#define FUNNEL_H
/*
 * What every Funnel BPF program shares: the ring buffer, the loss counters, the load-time
 * knobs, and the helpers that reserve, fill and submit records.
 *
 * The maps are defined __weak here, so each *.bpf.c can include this header and the BPF
 * linker (bpftool gen object) merges them into one map each in funnel.bpf.o.
 * The knobs are const volatile globals defined in config.bpf.c; the collector sets them by
 * name before load (BpfObject.setConstant), so the verifier sees them as constants.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "event_header.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define PF_KTHREAD 0x00200000 /* include/linux/sched.h */

/* Load-time knobs shared by several programs (defaults in config.bpf.c). */
extern const volatile __u32 ignore_tgid;  /* the collector itself: never observe our own work */
extern const volatile __u64 wakeup_bytes; /* wake the consumer once this much data is pending */
extern const volatile __u64 bucket_ns;    /* length of a burst counting bucket */
extern const volatile __u64 flush_ns;     /* a hot key's pending counts are emitted this often */

/* When an event last went into a hot key's pending count (boot ns, kept to ~1 ms): while
 * nothing has for 2 flush intervals, every count has left and the sweeper need not walk. */
extern __u64 last_pending_ns;

/*
 * Execs per process so far, in the thread group leader's task-local storage (freed with the
 * task). Every record's header carries it: when a process's execs were aggregated into its
 * parent's child-exec burst (no exec record crossed), a new value still tells the collector
 * that the image it cached for (pid, start) is stale.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} exec_seqs SEC(".maps") __weak;

/* The one ring buffer every record goes through. Size set by the collector before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

/*
 * Loss accounting, per CPU so counting never contends: index = type * EMIT_STAT_MAX + stat.
 * Invariant the collector relies on: for every type, ATTEMPTS = records that reached the
 * ring + DROPS.
 */
enum emit_stat {
	EMIT_STAT_ATTEMPTS = 0,       /* records the kernel tried to reserve */
	EMIT_STAT_DROPS = 1,          /* reserve failed: the ring was full */
	EMIT_STAT_DROPPED_EVENTS = 2, /* events inside the dropped records (a burst holds many) */
	EMIT_STAT_UNTRACKED = 3,      /* events not counted: the burst map had no room */
	EMIT_STAT_MAX = 4,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FUNNEL_EV_TYPE_MAX * EMIT_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} emit_stats SEC(".maps") __weak;

static __always_inline void stat_add(__u32 type, __u32 stat, __u64 n)
{
	__u32 idx = type * EMIT_STAT_MAX + stat;
	__u64 *v = bpf_map_lookup_elem(&emit_stats, &idx);

	if (v)
		*v += n; /* per-CPU slot: no other writer */
}

/* Reserve a record, counting the attempt and, when the ring is full, the drop. */
static __always_inline void *emit_reserve(__u32 type, __u64 size, __u32 events_inside)
{
	void *rec;

	stat_add(type, EMIT_STAT_ATTEMPTS, 1);
	rec = bpf_ringbuf_reserve(&events, size, 0);
	if (!rec) {
		stat_add(type, EMIT_STAT_DROPS, 1);
		stat_add(type, EMIT_STAT_DROPPED_EVENTS, events_inside);
	}
	return rec;
}

/*
 * Submit without waking the consumer, except when the pending data crosses a multiple of
 * wakeup_bytes (a power of 2): one wake-up per wakeup_bytes of data, however far behind the
 * consumer is, never one per record. (Waking on every record once pending >= wakeup_bytes
 * made each event ~4x dearer exactly when the consumer was behind.) The consumer also polls
 * with a bounded timeout, which caps latency for the data below the mark.
 */
static __always_inline void emit_submit(void *rec, __u64 size)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bool crossed = avail >= wakeup_bytes && (avail & (wakeup_bytes - 1)) < size + 8;

	bpf_ringbuf_submit(rec, crossed ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline bool is_ignored(__u32 tgid)
{
	return tgid == ignore_tgid;
}

/* Execs of the current process so far (0 before its first). */
static __always_inline __u32 current_exec_seq(void)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
	__u32 *seq = bpf_task_storage_get(&exec_seqs, leader, NULL, 0);

	return seq ? *seq : 0;
}

/* Fill the header from the current task. */
static __always_inline void fill_header(struct event_header *h, __u32 type, __u64 now)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	h->ts_ns = now;
	h->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	h->parent_start_ns = BPF_CORE_READ(task, real_parent, group_leader, start_boottime);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->type = type;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->exec_seq = current_exec_seq();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

#endif /* FUNNEL_H */
