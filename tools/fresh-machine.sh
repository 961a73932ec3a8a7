#!/usr/bin/env bash
# The README's first command on a machine that has nothing: a pristine Debian 12 root made
# with debootstrap (minbase, plus what a stock cloud image has: ca-certificates, sudo, git,
# curl), a clean clone of the committed tree copied into it, and inside it exactly what a new
# user types: `bin/funnel demo`. It waits for "ready", trips a fork storm from a second
# "terminal" (bin/funnel stress fork-storm in the same root), checks that exactly one
# fork_storm alert is printed, stops the demo with Ctrl-C (SIGINT to its process group, as a terminal sends it) and
# checks that nothing it started still runs and no BPF program of it stays loaded.
#
#   sudo tools/fresh-machine.sh [--keep-root] [--apply PATCH] [--ref REF]
#
#   --apply PATCH  apply a patch to the clone first (how the check proves it catches a break)
#   --ref REF      the commit to check (default HEAD); only committed work is copied
#   --keep-root    leave the root in place for a look (unmounted)
#
# Nothing of this machine's builds leaks in: no Maven repository, no packages, no build
# output. Only the debootstrap download may be cached (FRESH_CACHE, default
# /var/cache/funnel-fresh), because it is the same base every time. Exit 0 on success; on
# failure one line says which step failed, followed by the last lines the user saw.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${FRESH_CACHE:-/var/cache/funnel-fresh}"
ready_timeout="${FRESH_READY_TIMEOUT:-3000}"   # s: packages + the first Maven build
alert_timeout="${FRESH_ALERT_TIMEOUT:-60}"     # s: from the storm to its alert
keep_root=0 patch="" ref=HEAD

while [ $# -gt 0 ]; do
    case "$1" in
        --keep-root) keep_root=1; shift ;;
        --apply) patch="$(readlink -f "${2:?--apply needs a patch file}")"; shift 2 ;;
        --ref) ref="${2:?--ref needs a commit}"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fresh-machine: unknown option $1" >&2; exit 2 ;;
    esac
done

say() { printf 'fresh-machine: %s\n' "$*" >&2; }
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - $1 )); }

[ "$(id -u)" = 0 ] || { say "needs root (debootstrap, chroot, mounts): sudo $0"; exit 1; }
missing_tools=()
for tool in debootstrap bpftool; do
    command -v "$tool" >/dev/null || missing_tools+=("$tool")
done
if [ ${#missing_tools[@]} -gt 0 ]; then
    say "installing ${missing_tools[*]} on this machine (the check's own tools) ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing_tools[@]}" >/dev/null
fi

# The same Debian mirror apt uses here.
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
mirror="${mirror:-http://deb.debian.org/debian}"

work=$(mktemp -d /var/tmp/funnel-fresh.XXXXXX)
root="$work/root"
log="$work/demo.log"
storm_log="$work/stress.log"
demo_pgid=""
bpf_before=""

# Our programs, by name, loaded anywhere on this machine right now.
funnel_programs() {
    bpftool prog show 2>/dev/null | grep -cE ' name (handle_fork|handle_exec|handle_exit|count_openat|request_end|request_end_tcp|sweep_bursts) ' || true
}

# Every process whose root directory is inside the fresh root.
processes_in_root() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        case "$r" in "$root"|"$root"/*) echo "${p#/proc/}" ;; esac
    done
}

unmount_all() {
    local m
    # Deepest first; lazy, so a mount still busy for a moment cannot wedge the cleanup.
    for m in $(awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}

cleanup() {
    local rc=$?
    if [ -n "$demo_pgid" ] && kill -0 -- "-$demo_pgid" 2>/dev/null; then
        kill -KILL -- "-$demo_pgid" 2>/dev/null || true
    fi
    for p in $(processes_in_root); do kill -KILL "$p" 2>/dev/null || true; done
    unmount_all
    if awk -v r="$root" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        say "something is still mounted under $root: left in place, remove it by hand"
    elif [ "$keep_root" = 1 ]; then
        say "root kept at $root"
    else
        rm -rf --one-file-system "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT

fail() {
    say "FAILED: $*"
    if [ -s "$log" ]; then
        say "the last lines the user saw (bin/funnel demo):"
        tail -n 40 "$log" | sed 's/^/    /' >&2
    fi
    exit 1
}

# 1. The root: debootstrap minbase from the cached download if there is one.
mkdir -p "$cache"
tarball="$cache/bookworm-minbase.tgz"
include=ca-certificates,sudo,git,curl
if [ ! -s "$tarball" ]; then
    say "downloading the Debian 12 minbase packages from $mirror (cached in $tarball) ..."
    debootstrap --variant=minbase --include=$include --make-tarball="$tarball.tmp" bookworm "$work/tarball-root" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap --make-tarball"; }
    mv "$tarball.tmp" "$tarball"
    rm -rf "$work/tarball-root"
fi
say "building a pristine Debian 12 root in $root ..."
debootstrap --variant=minbase --include=$include --unpack-tarball="$tarball" bookworm "$root" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
# What a stock image has besides: the same apt sources (security, updates), DNS, its own name
# in /etc/hosts (cloud-init and Debian's installer write it), and the extra
# CA certificates this machine trusts (a TLS-inspecting proxy needs them to reach Maven Central).
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
    rm -f "$root/etc/apt/sources.list"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$(hostname)" >"$root/etc/hosts"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null 2>&1 || fail "update-ca-certificates in the root"
fi
root_s=$(elapsed "$t0")
say "root ready in ${root_s} s"

# 2. The kernel's view, as on a real machine: /proc, /sys (with tracefs, bpffs, cgroups), /dev.
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
# The fresh machine starts with tracefs unmounted: bin/funnel must mount it (and does).
umount "$root/sys/kernel/tracing" 2>/dev/null || true

# 3. A clean clone of the committed tree, where a user would put it.
git -C "$repo" rev-parse --verify -q "$ref^{commit}" >/dev/null || fail "no commit $ref in $repo"
git clone -q --no-hardlinks "$repo" "$root/root/funnel"
git -C "$root/root/funnel" checkout -q --detach "$(git -C "$repo" rev-parse "$ref")"
if [ -n "$patch" ]; then
    git -C "$root/root/funnel" apply "$patch" || fail "could not apply $patch"
    say "applied $(basename "$patch") to the clone"
fi

# 4. The README's demo command, as root in the fresh root, in its own session (a terminal).
bpf_before=$(funnel_programs)
say "running: bin/funnel demo (first run: apt packages, then the Maven build) ..."
t_cmd=$(date +%s)
# Job control on: the demo gets its own process group, as in a terminal, and keeps SIGINT
# (a script's plain background job starts with SIGINT ignored, and the JVM then never sees
# Ctrl-C). And SIGINT back to its default, as a terminal's shell has it: this script may itself
# have been started with SIGINT ignored (a background job of a non-interactive shell), which no
# shell can undo for its children, and a JVM started so ignores Ctrl-C.
set -m
chroot "$root" /usr/bin/env --default-signal=INT -i HOME=/root TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c 'cd /root/funnel && exec bin/funnel demo' >"$log" 2>&1 < /dev/null &
demo_pid=$!
demo_pgid=$demo_pid
set +m
last_progress=""
while ! grep -q "ready in" "$log" 2>/dev/null; do
    if ! kill -0 "$demo_pid" 2>/dev/null; then
        wait "$demo_pid" && rc=0 || rc=$?
        fail "bin/funnel demo exited with status $rc before it was ready"
    fi
    if [ "$(elapsed "$t_cmd")" -gt "$ready_timeout" ]; then
        fail "bin/funnel demo not ready after $ready_timeout s"
    fi
    line=$(grep -E '^funnel' "$log" 2>/dev/null | tail -n 1 || true)
    if [ -n "$line" ] && [ "$line" != "$last_progress" ]; then
        say "  [$(elapsed "$t_cmd") s] $line"
        last_progress="$line"
    fi
    sleep 2
done
ready_s=$(elapsed "$t_cmd")
say "demo ready ${ready_s} s after the command"

# 5. A fork storm from a second terminal, and exactly one fork_storm alert.
t_storm=$(date +%s)
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c 'cd /root/funnel && bin/funnel stress fork-storm' >"$storm_log" 2>&1 \
    || { cat "$storm_log" >&2; fail "bin/funnel stress fork-storm failed"; }
storm_pid=$(grep -oE 'pid=[0-9]+' "$storm_log" | head -n 1 | cut -d= -f2)
[ -n "$storm_pid" ] || fail "the stress command did not say its pid: $(cat "$storm_log")"
while ! grep -qE " fork_storm .*PID $storm_pid " "$log"; do
    kill -0 "$demo_pid" 2>/dev/null || fail "bin/funnel demo died while waiting for the alert"
    [ "$(elapsed "$t_storm")" -le "$alert_timeout" ] || fail "no fork_storm alert for PID $storm_pid within $alert_timeout s"
    sleep 0.5
done
alert_s=$(elapsed "$t_storm")
sleep 5 # a duplicate would show within a few more checkpoints
storms=$(grep -cE " fork_storm .*PID $storm_pid " "$log" || true)
[ "$storms" = 1 ] || fail "$storms fork_storm alerts for PID $storm_pid, expected exactly 1"
say "one fork_storm alert for PID $storm_pid, ${alert_s} s after the storm started"

# 6. Ctrl-C: SIGINT to the demo's process group, then nothing of it may be left.
kill -INT -- "-$demo_pgid"
for _ in $(seq 1 60); do
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 1
done
kill -0 "$demo_pid" 2>/dev/null && fail "bin/funnel demo still running 60 s after Ctrl-C"
wait "$demo_pid" 2>/dev/null || true
sleep 1
left=$(processes_in_root | tr '\n' ' ')
[ -z "$left" ] || fail "still running after Ctrl-C: $(for p in $left; do tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null; echo; done)"
demo_pgid=""
bpf_after=$(funnel_programs)
[ "$bpf_after" -le "$bpf_before" ] || fail "BPF programs left loaded after Ctrl-C ($bpf_before before, $bpf_after after)"
grep -q "stopped" "$log" || fail "the demo did not say it stopped"

say "PASSED: fresh root ${root_s} s, command to ready ${ready_s} s, storm to alert ${alert_s} s, total $(elapsed "$t0") s"
