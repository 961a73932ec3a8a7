#!/usr/bin/env bash
# Attack: a flood of short-lived jobs: 3,000 runs of /bin/true, four at a time, from one parent
# (xargs). Expected: short_lived_flood (or fork_storm) about the parent.
# detectors: short_lived_flood fork_storm fork_bomb
source "$(dirname "$0")/lib.sh"
echo "expect_exe=/xargs"
bash -c 'seq 3000 | xargs -P 4 -n 1 /bin/true & echo "subject=$!"; wait'
