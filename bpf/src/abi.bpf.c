// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Puts every ring buffer record struct into the object's BTF. clang emits BTF only for types
 * that globals or function signatures use, and records are only ever reached through local
 * pointers. With these anchors, user space checks its decoder against the real layout
 * (RecordLayoutTest in the collector). 8 bytes of .rodata each; no program reads them.
 */
#include "funnel.h"
#include "fork_event.h"
#include "exec_event.h"
#include "exit_event.h"
#include "burst_event.h"
#include "slow_request_event.h"

struct fork_event *const volatile abi_fork_event = 0;
struct exec_event *const volatile abi_exec_event = 0;
struct exit_event *const volatile abi_exit_event = 0;
struct burst_event *const volatile abi_burst_event = 0;
struct slow_request_event *const volatile abi_slow_request_event = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
