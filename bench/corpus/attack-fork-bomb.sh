#!/usr/bin/env bash
# Attack: a shell fork bomb, :(){ :|:& };:, for 8 s, bounded by its cgroup's pids.max (1024,
# a common pod limit) so the machine survives. Every process forks only twice: no per-process count crosses a
# threshold; the storm is in the tree. Expected: fork_bomb.
# detectors: fork_bomb
source "$(dirname "$0")/lib.sh"
cg=$(make_cgroup funnel-corpus/fork-bomb)
v1=""
trap 'drop_cgroup "$cg"; [ -n "$v1" ] && drop_cgroup "$v1"' EXIT
echo "expect_cgroup=/funnel-corpus/fork-bomb"
# A new session for the bomb, as a login shell would be, inside the capped cgroup.
setsid bash -c 'sleep 0.2; :(){ :|:& };:' &
bomb=$!
v1=$(limit_pids "$cg" "$bomb" 1024)
sleep 8
drop_cgroup "$cg"
[ -n "$v1" ] && drop_cgroup "$v1"
wait "$bomb" 2>/dev/null || true
