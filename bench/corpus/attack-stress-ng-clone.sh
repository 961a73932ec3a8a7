#!/usr/bin/env bash
# Attack: stress-ng's clone stressor, one instance for 5 s. Expected: fork_storm (or another
# spawn detector) about its worker.
# detectors: fork_storm fork_bomb short_lived_flood sustained_fork_rate
source "$(dirname "$0")/lib.sh"
echo "expect_exe=/stress-ng"
stress-ng --clone 1 -t 5s >/dev/null 2>&1
