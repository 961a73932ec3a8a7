#!/usr/bin/env bash
# Attack: one process forks 10,000 children as fast as it can (the project's own generator).
# Expected: fork_storm about it.
# detectors: fork_storm
source "$(dirname "$0")/lib.sh"
out=$("$WORKLOAD" forks 10000)
echo "subject=$(echo "$out" | grep -o 'pid=[0-9]*' | cut -d= -f2)"
echo "expect_exe=/funnel-workload"
