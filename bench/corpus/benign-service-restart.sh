#!/usr/bin/env bash
# Benign: a service manager restarting a service a few times (nginx, through its init script,
# or systemctl where systemd runs), then stopping it.
source "$(dirname "$0")/lib.sh"
for _ in 1 2 3 4 5; do
    if [ -d /run/systemd/system ]; then systemctl restart nginx; else service nginx restart >/dev/null; fi
    sleep 1
done
if [ -d /run/systemd/system ]; then systemctl stop nginx; else service nginx stop >/dev/null; fi
