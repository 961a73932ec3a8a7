#!/usr/bin/env bash
# Attack: a connection flood to one address: 3,000 TCP connects to a local listener as fast as
# they go. Expected: connection_burst about the connecting process.
# detectors: connection_burst
source "$(dirname "$0")/lib.sh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()
' "$port" &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
sleep 0.5
out=$("$WORKLOAD" connects 127.0.0.1 "$port" 3000)
echo "subject=$(echo "$out" | grep -o 'pid=[0-9]*' | cut -d= -f2)"
echo "expect_exe=/funnel-workload"
