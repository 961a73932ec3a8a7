#!/usr/bin/env bash
# Attack: slow requests on a real HTTP server (the JDK's): 500 fast requests and 5 answered
# after 700 ms. Expected: slow_requests about the server.
# detectors: slow_requests
source "$(dirname "$0")/lib.sh"
out=$(java -Xmx128m -jar "$WORKLOADS_JAR" slow-http)
echo "subject=$(echo "$out" | grep -o 'pid=[0-9]*' | cut -d= -f2)"
