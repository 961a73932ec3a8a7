#!/usr/bin/env bash
# Benign: archiving and compressing a tree, then unpacking it.
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar -czf "$dir/include.tgz" -C /usr include
mkdir "$dir/out"
tar -xzf "$dir/include.tgz" -C "$dir/out"
gzip -9 -c "$dir/include.tgz" > "$dir/again.gz"
