#!/usr/bin/env bash
# Benign: Python byte-compiling a tree (the standard library, copied), two workers.
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -r /usr/lib/python3.11 "$dir/lib"
find "$dir/lib" -name '__pycache__' -prune -exec rm -rf {} +
python3 -m compileall -q -j 2 "$dir/lib" >/dev/null 2>&1 || true
