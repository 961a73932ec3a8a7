#!/usr/bin/env bash
# Benign: package installs with their triggers (man-db's mandb, ldconfig): four packages with
# man pages reinstalled, as an administrator's apt-get run does it.
source "$(dirname "$0")/lib.sh"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold \
    man-db wrk stress-ng redis-tools >/dev/null
