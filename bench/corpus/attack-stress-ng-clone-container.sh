#!/usr/bin/env bash
# Attack: stress-ng's clone stressor inside a container's cgroup (a docker-<id>.scope, as
# Docker's systemd driver names it). Expected: a spawn detector, with the container id right.
# detectors: fork_storm fork_bomb short_lived_flood sustained_fork_rate
source "$(dirname "$0")/lib.sh"
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cg=$(make_cgroup "system.slice/docker-$id.scope")
trap 'drop_cgroup "$cg"' EXIT
echo "expect_container=$id"
echo "expect_exe=/stress-ng"
bash -c "echo \$\$ > '$cg/cgroup.procs'; exec stress-ng --clone 1 -t 5s" >/dev/null 2>&1
