#!/usr/bin/env bash
# Benign: git on a real repository (this one): clone, log, branch, commit, gc.
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q --no-hardlinks "$ROOT" "$dir/r"
cd "$dir/r"
git log --stat -n 200 >/dev/null
git checkout -q -b corpus
echo "corpus" > corpus.txt
git add corpus.txt
git -c user.name=corpus -c user.email=corpus@localhost commit -q -m corpus
git gc -q
git status --short >/dev/null
