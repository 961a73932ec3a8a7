#!/usr/bin/env bash
# Benign: a package removed (its triggers run) and installed again.
source "$(dirname "$0")/lib.sh"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq wrk >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
