#!/usr/bin/env bash
# Benign: an autoconf-style configure script (many short shell commands and failing compile
# probes) and the build it sets up: zlib from Debian's sources, ./configure && make -j2.
source "$(dirname "$0")/lib.sh"
src="$(debian_source zlib)"
cd "$src"
make -s distclean >/dev/null 2>&1 || true
./configure >/dev/null
make -s -j2 >/dev/null
