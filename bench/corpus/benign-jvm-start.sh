#!/usr/bin/env bash
# Benign: JVMs starting (class loading opens hundreds of files, JIT threads spin up).
source "$(dirname "$0")/lib.sh"
for _ in 1 2 3; do
    java -version >/dev/null 2>&1
    java -jar "$WORKLOADS_JAR" --help >/dev/null 2>&1
done
