#!/usr/bin/env bash
# Benign: searches and walks over large trees: grep -r over the system headers, find over /usr.
source "$(dirname "$0")/lib.sh"
grep -r -c "define" /usr/include >/dev/null || true
find /usr -xdev -type f -name '*.h' | xargs wc -l >/dev/null
find /usr/share -xdev -type f | wc -l >/dev/null
