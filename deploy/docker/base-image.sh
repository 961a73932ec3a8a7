#!/usr/bin/env bash
# Makes a Debian 12 base image with debootstrap + `docker import`, for machines that cannot pull
# from a public image registry (the images' default base, debian:12-slim, needs one). The result
# plays the part of debian:12-slim: a minbase root with apt pointed at the Debian mirror, nothing
# of Funnel's in it (each Dockerfile installs what it needs with apt, as it would on debian:12-slim).
#
#   deploy/docker/base-image.sh [TAG]      default TAG funnel/debian:12; a no-op when TAG exists
#
# Needs root, debootstrap and a running Docker engine. Takes 1-3 minutes on the Debian mirror.
set -euo pipefail
tag=${1:-funnel/debian:12}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "base image $tag: already there"
    exit 0
fi
command -v debootstrap >/dev/null || { echo "base-image: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
root=$(mktemp -d /var/tmp/funnel-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base image $tag: debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; echo "base-image: debootstrap failed (log $root.log)" >&2; exit 1; }
rm -f "$root.log"
# What debian:12-slim has that minbase lacks: the security and updates suites, and no caches.
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "base image $tag: imported ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
