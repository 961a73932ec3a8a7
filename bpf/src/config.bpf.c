// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Defaults of the knobs every program shares (declared extern in funnel.h). The collector
 * overrides them by name before load; see dev.funnel.collector.bpf.KernelConfig.
 */
#include "funnel.h"

const volatile __u32 ignore_tgid = 0;
const volatile __u64 wakeup_bytes = 64 * 1024;
const volatile __u64 bucket_ns = 1000000000ULL;
const volatile __u64 flush_ns = 250000000ULL;

__u64 last_pending_ns = 0;
__u32 hot_overflow = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
