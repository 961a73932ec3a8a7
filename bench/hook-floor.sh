#!/usr/bin/env bash
# The floor under the observer effect on socket-heavy work: what a BPF program that does nothing
# costs stress-ng --sock when it sits on the hooks Funnel's socket sensors use (the TCP send
# tracepoint of slow_request, the TCP state tracepoint of slow_request and connect_burst).
# The programs are bpf/src/baseline/empty_hooks.bpf.c; no collector runs. Alternating runs of
# the stressor alone and with them attached (ABBA order, so drift hits both sides alike); the
# figure is stress-ng's own bogo ops/s. Whatever a hook set costs here, no program on that hook
# can cost less: it is the kernel's dispatch into BPF. Needs root. Prints a table; writes
# results/hook-floor.{csv,md,svg}.
#
#   bench/hook-floor.sh [PAIRS=10] [SECONDS=4]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PAIRS="${1:-10}"
SECS="${2:-4}"
[ "$(id -u)" = 0 ] || { echo "hook-floor: needs root (loads BPF programs)" >&2; exit 1; }
command -v stress-ng >/dev/null || bench_install hook-floor stress-ng
bench_build
CSV="$RESULTS/hook-floor.csv"
HOLDER=""
trap '[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null; true' EXIT

# stress-ng --sock (one client, one server: both cores busy) for SECS; prints its bogo ops/s.
workload() {
    local y="$BENCH_ROOT/bench/build/hook-floor.yaml"
    stress-ng --sock 1 -t "${SECS}s" --metrics-brief --yaml "$y" >/dev/null 2>&1
    awk '/bogo-ops-per-second-real-time/ {print $2; exit}' "$y"
}

# The workload with the named empty programs attached (by a holder process, killed after).
with_hooks() {
    local out="$BENCH_ROOT/bench/build/hook-floor-holder.out"
    java -Xmx64m -XX:+UseSerialGC -cp "$BENCH_JAR" dev.funnel.benchmarks.overhead.EmptyHooksMain "$@" \
        < /dev/null > "$out" 2>&1 &
    HOLDER=$!
    for _ in $(seq 100); do grep -q attached "$out" && break; sleep 0.1; done
    grep -q attached "$out" || { cat "$out" >&2; echo "hook-floor: the empty programs did not attach" >&2; exit 1; }
    sleep 1
    workload
    kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true
    HOLDER=""
}

SETS=("send:empty_tcp_send" "state:empty_tcp_state" "send+state:empty_tcp_send empty_tcp_state")
echo "hook-floor: stress-ng --sock, $PAIRS ABBA pairs of ${SECS} s per hook set ..." >&2
workload >/dev/null # warm-up, discarded
echo "hooks,pair,alone_ops_per_s,with_ops_per_s,ratio" > "$CSV"
for set in "${SETS[@]}"; do
    name="${set%%:*}"
    # shellcheck disable=SC2206
    progs=(${set#*:})
    for p in $(seq "$PAIRS"); do
        if [ $((p % 2)) = 1 ]; then
            alone=$(workload); sleep 1; with=$(with_hooks "${progs[@]}")
        else
            with=$(with_hooks "${progs[@]}"); alone=$(workload); sleep 1
        fi
        ratio=$(awk -v a="$alone" -v w="$with" 'BEGIN {printf "%.3f", w / a}')
        echo "$name,$p,$alone,$with,$ratio" >> "$CSV"
        echo "hook-floor: $name pair $p/$PAIRS: alone $alone, with $with bogo ops/s: $ratio" >&2
    done
done

WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# The hooks' floor: stress-ng --sock with empty BPF programs on Funnel's socket hooks"
    echo
    echo "$WHEN, $PAIRS alternating pairs (ABBA) of ${SECS} s per hook set, no collector running. Machine: $(machine)."
    echo
    echo "| hooks with an empty program | alone (median) | with (median) | ratio (median) | 90% interval of the median | spread (min-max) |"
    echo "|---|---:|---:|---:|---|---|"
    python3 - "$CSV" <<'PY'
import csv, random, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rng = random.Random(12)  # a fixed seed: the same runs always give the same interval
names = {"send": "TCP send (tcp:tcp_sendmsg_locked)", "state": "TCP state (sock:inet_sock_set_state)",
         "send+state": "both"}
for hooks in dict.fromkeys(r["hooks"] for r in rows):
    rs = [r for r in rows if r["hooks"] == hooks]
    ratios = [float(r["ratio"]) for r in rs]
    boot = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(2000))
    print(f"| {names.get(hooks, hooks)} | {statistics.median(float(r['alone_ops_per_s']) for r in rs):,.0f} "
          f"| {statistics.median(float(r['with_ops_per_s']) for r in rs):,.0f} | {statistics.median(ratios):.3f} "
          f"| {boot[100]:.3f}-{boot[1899]:.3f} | {min(ratios):.3f}-{max(ratios):.3f} |")
PY
    echo
    echo "An empty program's cost is the kernel's dispatch into BPF on every hit of its hook; Funnel's"
    echo "programs there pay it and their own work besides (bench/host-overhead.sh). Where the kernel"
    echo "allows trampolines (fentry/fexit), their dispatch is a direct call; this one refuses them."
} > "$RESULTS/hook-floor.md"
python3 -c '
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for h in dict.fromkeys(r["hooks"] for r in rows):
    m = statistics.median(float(r["ratio"]) for r in rows if r["hooks"] == h)
    print("%s,ratio,%.3f" % (h, m))
' "$CSV" | python3 "$BENCH_ROOT/bench/plot_bars.py" "stress-ng --sock with empty programs on its hooks / alone (median)" \
        "throughput ratio" "$RESULTS/hook-floor.svg"
cat "$RESULTS/hook-floor.md"
echo "wrote $RESULTS/hook-floor.md, $RESULTS/hook-floor.csv, $RESULTS/hook-floor.svg" >&2
