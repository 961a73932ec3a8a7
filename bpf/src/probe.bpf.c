// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A measuring probe, off unless a test or benchmark enables it: one header-only (72-byte) record per
 * getppid() of one process. The drain benchmark runs the same program under the Java
 * collector and under a bare C libbpf consumer.
 */
#include "funnel.h"

/* The only process whose getppid() calls are recorded. */
const volatile __u32 probe_tgid = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int probe_getppid(void *ctx)
{
	struct event_header *rec;

	if (bpf_get_current_pid_tgid() >> 32 != probe_tgid)
		return 0;
	rec = emit_reserve(FUNNEL_EV_PROBE, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(rec, FUNNEL_EV_PROBE, bpf_ktime_get_boot_ns());
	emit_submit(rec, sizeof(*rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
