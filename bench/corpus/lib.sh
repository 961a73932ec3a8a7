# Shared by the corpus workloads (bench/detection.sh runs each as its own process, as root).
# A workload prints what the runner should check, one "key=value" per line on stdout:
#   subject=PID         the attack's process (an alert must be about it, its parent or child)
#   expect_exe=PATH     the alert's exe must end with this
#   expect_cgroup=PATH  the alert's cgroup path must end with this
#   expect_container=ID the alert's container id must be this
set -euo pipefail
CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$CORPUS/../.." && pwd)"
CACHE="$ROOT/bench/build/corpus"
WORKLOAD="$ROOT/tools/workloads/target/classes/dev/funnel/workloads/funnel-workload"
WORKLOADS_JAR="$ROOT/tools/workloads/target/funnel-workloads.jar"
mkdir -p "$CACHE"

# The cgroup v2 tree: /sys/fs/cgroup on a pure v2 host, .../unified on a hybrid one.
cgroup2_root() {
    awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts
}

# A fresh cgroup v2 directory under the root (NAME may have slashes); prints its path.
make_cgroup() {
    local dir
    dir="$(cgroup2_root)/$1"
    mkdir -p "$dir"
    echo "$dir"
}

# Caps the number of tasks a shell and its descendants may have: pids.max in the v2 cgroup
# dir where the pids controller is there, else in a v1 pids cgroup of the same name (hybrid
# hosts). Moves the calling shell ($2 = its pid) into both. Prints the v1 dir, if any.
limit_pids() {
    local dir="$1" pid="$2" max="$3" name v1
    if grep -qw pids "$(dirname "$dir")/cgroup.subtree_control" 2>/dev/null || [ -f "$dir/pids.max" ]; then
        echo "$max" > "$dir/pids.max"
    elif [ -d /sys/fs/cgroup/pids ]; then
        name="${dir#$(cgroup2_root)/}"
        v1="/sys/fs/cgroup/pids/$name"
        mkdir -p "$v1"
        echo "$max" > "$v1/pids.max"
        echo "$pid" > "$v1/cgroup.procs"
        echo "$v1"
    fi
    echo "$pid" > "$dir/cgroup.procs"
}

# Kills everything in a cgroup and removes it.
drop_cgroup() {
    local dir="$1"
    [ -d "$dir" ] || return 0
    if [ -f "$dir/cgroup.kill" ]; then
        echo 1 > "$dir/cgroup.kill" 2>/dev/null || true
    else
        for p in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    fi
    for _ in $(seq 1 50); do
        [ -z "$(cat "$dir/cgroup.procs" 2>/dev/null)" ] && break
        sleep 0.1
    done
    rmdir "$dir" 2>/dev/null || true
}

# A Debian source package's upstream tarball, unpacked once under the cache (no deb-src line
# in the system's sources: a private apt configuration fetches the source index).
debian_source() {
    local pkg="$1" dir="$CACHE/src-$1"
    if [ ! -d "$dir" ]; then
        local apt="$CACHE/apt" mirror
        mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || echo http://deb.debian.org/debian)
        mkdir -p "$apt/lists/partial" "$dir.tmp"
        echo "deb-src $mirror bookworm main" > "$apt/sources.list"
        local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$apt/lists" -o APT::Get::Only-Source=true)
        [ -f "$apt/lists/updated" ] || { apt-get "${opts[@]}" update -qq >/dev/null && touch "$apt/lists/updated"; }
        (cd "$dir.tmp" && apt-get "${opts[@]}" source --download-only -qq "$pkg" >/dev/null)
        tar -xf "$(ls "$dir.tmp"/*.orig.tar.* | head -n 1)" -C "$dir.tmp"
        mv "$dir.tmp" "$dir"
    fi
    find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n 1
}
