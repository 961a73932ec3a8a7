#!/usr/bin/env bash
# Benign: a parallel compile of a real multi-file C project: Lua 5.4 from Debian's sources,
# make -j2 (about 60 files, gcc -O2).
source "$(dirname "$0")/lib.sh"
src="$(debian_source lua5.4)"
make -s -C "$src" clean >/dev/null 2>&1 || true
make -s -j2 -C "$src" linux >/dev/null 2>&1 || make -s -j2 -C "$src/src" linux >/dev/null
