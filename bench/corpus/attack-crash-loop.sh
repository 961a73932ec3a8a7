#!/usr/bin/env bash
# Attack: a crash-looping service, respawned as soon as it dies, for 8 s: the child crashes with
# SIGSEGV right after it starts, the supervisor waits 50 ms and starts it again (about 15
# respawns a second). Expected: crash_loop about the supervisor.
# detectors: crash_loop
source "$(dirname "$0")/lib.sh"
echo "expect_exe=/bash"
bash -c 'echo "subject=$$"; end=$((SECONDS + 8)); while [ $SECONDS -lt $end ]; do sh -c "kill -SEGV \$\$"; sleep 0.05; done' 2>/dev/null
