#!/usr/bin/env bash
# Attack: a runaway process keeping a core busy for over a minute (stress-ng's CPU stressor, a
# stripped Debian binary: frames come as module+offset where it has no symbols), inside a
# container's cgroup. Expected: high_cpu, with the container id and exe right.
# detectors: high_cpu
source "$(dirname "$0")/lib.sh"
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cg=$(make_cgroup "system.slice/docker-$id.scope")
trap 'drop_cgroup "$cg"' EXIT
echo "expect_container=$id"
echo "expect_exe=/stress-ng"
bash -c "echo \$\$ > '$cg/cgroup.procs'; exec stress-ng --cpu 1 --cpu-method matrixprod -t 75s" >/dev/null 2>&1
