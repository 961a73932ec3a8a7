#!/usr/bin/env bash
# Does the burst sweeper's cost stay flat with uptime? Samples a running Funnel collector once a
# minute for MINUTES: how many keys the bursts LRU map holds (stale ones pile up over hours of
# a busy host), how many are on the sweeper's hot list, and what each sweep cost (the kernel's
# own accounting, kernel.bpf_stats_enabled, on for the duration). Needs root. Prints a table;
# writes results/sweeper-uptime.{csv,md,svg}.
#
#   bench/sweeper-uptime.sh [MINUTES=60]          beside a running collector (bin/funnel demo,
#                                                 bench/detection.sh, the systemd unit)
#   bench/sweeper-uptime.sh [MINUTES=60] --busy   starts its own collector (stdout sink, from a
#                                                 copy of the jar, so a rebuild cannot disturb it)
#                                                 and keeps the host busy with the benign corpus
#                                                 (package installs, builds, shells...) in a loop
#
# The program and map ids are taken once, at the start, from one collector (--busy: its own;
# else the only one, or COLLECTOR_PID's), so a second collector started meanwhile (a test run)
# is not counted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MINUTES="${1:-60}"
BUSY="${2:-}"
[ "$(id -u)" = 0 ] || { echo "sweeper-uptime: needs root (bpftool, kernel.bpf_stats_enabled)" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "sweeper-uptime: needs bpftool (apt-get install bpftool)" >&2; exit 1; }

OWN_PIDS=()
cleanup() {
    [ -n "${before:-}" ] && echo "$before" > /proc/sys/kernel/bpf_stats_enabled
    for pid in "${OWN_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${own:-}" ]; then rm -rf "$own"; fi
}
trap cleanup EXIT

if [ "$BUSY" = --busy ]; then
    ensure_built_for_bench() { [ -f "$1" ] || (cd "$BENCH_ROOT" && mvn -B -q -o install -DskipTests); }
    ensure_built_for_bench "$BENCH_ROOT/collector/target/funnel-collector.jar"
    own="$(mktemp -d /tmp/funnel-sweeper.XXXXXX)"
    cp "$BENCH_ROOT/collector/target/funnel-collector.jar" "$own/"
    setsid java -Xmx256m -XX:+UseSerialGC -jar "$own/funnel-collector.jar" --sink stdout --set metrics.port=0 >/dev/null 2>"$own/collector.log" &
    OWN_PIDS+=("$!")
    COLLECTOR_PID=$!
    # The busy host: every benign corpus workload, one after another, for as long as the bench runs.
    setsid bash -c 'while :; do for w in "$0"/benign-*.sh; do bash "$w" >/dev/null 2>&1 || true; done; done' \
        "$BENCH_ROOT/bench/corpus" &
    OWN_PIDS+=("$!")
    for _ in $(seq 60); do grep -q "attached" "$own/collector.log" 2>/dev/null && break; sleep 1; done
    echo "sweeper-uptime: own collector (pid $COLLECTOR_PID) and the benign corpus in a loop" >&2
fi

# -> "PROG_ID BURSTS_MAP_ID HOT_KEYS_MAP_ID" of the sweeper of one collector.
SWEEPER_IDS=$(COLLECTOR_PID="${COLLECTOR_PID:-}" python3 - <<'PY'
import json, os, subprocess, sys
progs = [p for p in json.loads(subprocess.check_output(["bpftool", "prog", "show", "--json"]))
         if p.get("name") == "sweep_bursts"]
want = os.environ.get("COLLECTOR_PID")
if want:  # the programs whose fds that process holds (bpftool's own "pids" needs a newer build)
    held = set()
    for fd in os.listdir("/proc/%s/fdinfo" % want):
        try:
            for line in open("/proc/%s/fdinfo/%s" % (want, fd)):
                if line.startswith("prog_id:"):
                    held.add(int(line.split()[1]))
        except OSError:
            pass
    progs = [p for p in progs if p["id"] in held]
if len(progs) != 1:
    sys.exit("sweeper-uptime: %d Funnel collectors found%s; say which with COLLECTOR_PID=..."
             % (len(progs), " for pid " + want if want else ""))
ids = {}
for m in progs[0].get("map_ids", []):
    info = json.loads(subprocess.check_output(["bpftool", "map", "show", "id", str(m), "--json"]))
    ids[info.get("name")] = m
print(progs[0]["id"], ids.get("bursts", -1), ids.get("hot_keys", -1))
PY
)
read -r PROG_ID BURSTS_ID HOT_ID <<< "$SWEEPER_IDS"
echo "sweeper-uptime: program id $PROG_ID, bursts map id $BURSTS_ID, hot_keys map id $HOT_ID" >&2

prog_stats() { # -> "run_cnt run_time_ns" of the sweeper
    bpftool prog show id "$PROG_ID" --json 2>/dev/null \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("run_cnt",0), d.get("run_time_ns",0))' \
        2>/dev/null || echo "0 0"
}
map_entries() { # ID -> entries in that map
    bpftool map dump id "$1" --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo -1
}

before=$(cat /proc/sys/kernel/bpf_stats_enabled)
echo 1 > /proc/sys/kernel/bpf_stats_enabled
CSV="$RESULTS/sweeper-uptime.csv"
echo "minute,bursts_entries,hot_keys,sweeps,ns_per_sweep" > "$CSV"
read -r c0 t0 < <(prog_stats)
for m in $(seq 1 "$MINUTES"); do
    sleep 60
    read -r c1 t1 < <(prog_stats)
    if [ "$c1" -lt "$c0" ] || ! bpftool prog show id "$PROG_ID" >/dev/null 2>&1; then
        echo "sweeper-uptime: the collector stopped (or restarted) at minute $m: the table ends at minute $((m - 1))" >&2
        MINUTES=$((m - 1))
        break
    fi
    runs=$((c1 - c0))
    ns=$([ "$runs" -gt 0 ] && echo $(( (t1 - t0) / runs )) || echo 0)
    line="$m,$(map_entries "$BURSTS_ID"),$(map_entries "$HOT_ID"),$runs,$ns"
    echo "$line" >> "$CSV"
    echo "sweeper-uptime: minute $m: bursts entries, hot keys, sweeps, ns per sweep = ${line#*,}" >&2
    c0=$c1; t0=$t1
done
WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# The burst sweeper's cost over uptime"
    echo
    echo "$WHEN, $MINUTES minutes of a running collector${BUSY:+ (its own, beside the benign corpus in a loop)}. Machine: $(machine)."
    echo
    echo "| minute | keys in the bursts map | hot keys | sweeps | ns per sweep |"
    echo "|---:|---:|---:|---:|---:|"
    tail -n +2 "$CSV" | awk -F, '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}'
    echo
    echo "A sweep visits the hot list only: its cost follows the hot keys, not the stale keys the"
    echo "LRU map keeps (before: the whole map was walked, ~2 ms per sweep at 14.6k stale keys)."
    echo "Sweeps that find nothing aggregated lately return at once; ns per sweep includes the"
    echo "accounting's own ~20-40 ns."
} | tee "$RESULTS/sweeper-uptime.md"
tail -n +2 "$CSV" | awk -F, '{ if ($1 % 5 == 0 || $1 == 1) print "min " $1 ",ns per sweep," $5 }' \
    | python3 "$BENCH_ROOT/bench/plot_bars.py" "Sweeper cost over uptime" "ns per sweep" "$RESULTS/sweeper-uptime.svg"
