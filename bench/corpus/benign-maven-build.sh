#!/usr/bin/env bash
# Benign: a Maven build (offline, from the local repository): this project's schemas module,
# Avro code generation and javac, in a clean clone.
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q --no-hardlinks "$ROOT" "$dir/funnel"
mvn -o -q -f "$dir/funnel/pom.xml" -pl schemas compile >/dev/null
