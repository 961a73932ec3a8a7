// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Not part of funnel.bpf.o: a separate object the collector tries to load and attach at
 * start, to learn whether this kernel allows trampoline programs (fentry/fexit). Many
 * kernels refuse them (lockdown, a BPF LSM policy, no CONFIG_FUNCTION_TRACER); where they
 * load, fd bursts use fexit/do_sys_openat2 instead of syscall tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fexit/do_sys_openat2")
int BPF_PROG(trampoline_probe, int dfd, const char *filename, void *how, long ret)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
