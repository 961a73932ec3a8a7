// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * On-CPU sampling: a software cpu-clock perf event on every CPU (opened by the collector at
 * cpu.sample.hz, 49 Hz by default: off-beat with 100/250/1000 Hz timers, so periodic work is
 * not over- or under-sampled) runs this program; it counts the sample under (process, user
 * stack, kernel stack) in a hash map. The collector takes the counts once per interval and
 * symbolizes the stacks of the busy processes only. Idle and the collector are not counted.
 *
 * Cost per sample: two stack walks and one hash update; at 49 Hz that is ~100 runs per second
 * on two CPUs, whatever the workload does.
 */
#include "funnel.h"
#include "cpu_sample.h"

#define EFAULT 14
#define EEXIST 17

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, CPU_STACK_DEPTH * sizeof(__u64));
} cpu_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct cpu_sample_key);
	__type(value, struct cpu_sample_value);
} cpu_samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CPU_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} cpu_sample_stats SEC(".maps");

static __always_inline void cpu_stat(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&cpu_sample_stats, &stat);

	if (v)
		*v += 1; /* per-CPU slot: no other writer */
}

/* A stack id, with a lost stack counted by why (no user stack at all is not a loss). */
static __always_inline __s32 stack_of(struct bpf_perf_event_data *ctx, __u64 flags)
{
	long id = bpf_get_stackid(ctx, &cpu_stacks, flags);

	if (id == -EEXIST)
		cpu_stat(CPU_STAT_STACK_COLLISION);
	else if (id < 0 && id != -EFAULT)
		cpu_stat(CPU_STAT_STACK_FULL);
	return (__s32)id;
}

SEC("perf_event")
int sample_cpu(struct bpf_perf_event_data *ctx)
{
	static const struct cpu_sample_value zero;
	struct cpu_sample_key key = {};
	struct cpu_sample_value *v;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid == 0 || is_ignored(tgid))
		return 0; /* the idle task, or the collector */
	cpu_stat(CPU_STAT_SAMPLES);
	key.pid = tgid;
	key.user_stack = stack_of(ctx, BPF_F_USER_STACK);
	key.kernel_stack = stack_of(ctx, 0);
	v = bpf_map_lookup_elem(&cpu_samples, &key);
	if (!v) {
		bpf_map_update_elem(&cpu_samples, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&cpu_samples, &key);
		if (!v) {
			cpu_stat(CPU_STAT_UNTRACKED);
			return 0;
		}
	}
	__sync_fetch_and_add(&v->samples, 1);
	fill_header(&v->last, FUNNEL_EV_CPU_PROFILE, bpf_ktime_get_boot_ns());
	return 0;
}
