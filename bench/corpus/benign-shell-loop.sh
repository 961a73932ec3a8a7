#!/usr/bin/env bash
# Benign: a shell script that runs many short tools in a loop (ls, date, sleep 0.1) for 20 s:
# the kind of monitoring or glue script every host has.
source "$(dirname "$0")/lib.sh"
end=$((SECONDS + 20))
while [ $SECONDS -lt $end ]; do
    ls / >/dev/null
    date >/dev/null
    sleep 0.1
done
