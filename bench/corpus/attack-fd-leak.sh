#!/usr/bin/env bash
# Attack: a file-descriptor leak that runs into EMFILE: a process opens files and never closes
# them, under a 1,024 limit, until open fails; it then keeps failing for 2 s and exits 1.
# Expected: fd_exhaustion about it.
# detectors: fd_exhaustion
source "$(dirname "$0")/lib.sh"
echo "expect_exe=/python3.11"
python3 - <<'PY'
import os, resource, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
print(f"subject={os.getpid()}", flush=True)
held = []
try:
    while True:
        held.append(open("/dev/null"))
except OSError:
    pass
end = time.time() + 2
while time.time() < end:
    try:
        open("/dev/null")
    except OSError:
        time.sleep(0.01)
os._exit(1)  # as a crash would: nothing closes the leaked descriptors first
PY
