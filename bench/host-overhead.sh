#!/usr/bin/env bash
# The observer effect: what Funnel's kernel programs cost the workloads they watch. Workloads
# nobody here wrote (stress-ng stressors, redis-benchmark keep-alive and a new connection per
# request, wrk against nginx, a make -j2 build), each alone and with the collector attached
# (its own JVM, the systemd unit's flags, delivering to a real broker and registry), in
# alternating pairs; the figure is the workload's own throughput. Then, with the kernel's
# per-program accounting on, the run count and ns per run of every Funnel program under each
# workload. Needs root. Prints a table; writes results/host-overhead.{csv,md,svg} and
# results/host-overhead-programs.csv.
#
#   bench/host-overhead.sh [PAIRS=8] [SECONDS=5] [--set key=value]...
#       --set passes collector settings, e.g. --set sensors=process,slow_request
#   NAME=host-overhead-before COLLECTOR_HOME=/other/checkout bench/host-overhead.sh ...
#       another name for the results, and the collector jar of another build (a before/after pair)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PAIRS="${1:-8}"
SECONDS_PER_RUN="${2:-5}"
shift 2 || shift $# || true
SETS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --set) SETS+=("${2:?--set needs key=value}"); shift 2 ;;
        *) echo "host-overhead: unknown argument $1" >&2; exit 2 ;;
    esac
done
NAME="${NAME:-host-overhead}"
[ "$(id -u)" = 0 ] || { echo "host-overhead: needs root (loads BPF programs, sets kernel.bpf_stats_enabled)" >&2; exit 1; }
missing=()
for tool in stress-ng redis-server redis-benchmark wrk nginx bpftool; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "host-overhead: installing stress-ng redis-server redis-tools wrk nginx-light bpftool ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        stress-ng redis-server redis-tools wrk nginx-light bpftool >/dev/null
    # The packages start their services; the bench runs its own on free ports.
    systemctl stop redis-server nginx 2>/dev/null || true
fi
bench_build
echo "host overhead: $PAIRS pairs x ${SECONDS_PER_RUN} s per workload, alternating; broker and registry start first ..." >&2
java -Xmx768m -XX:+UseSerialGC -Dlog4j2.configurationFile=log4j2-bench.properties -Dfunnel.home="${COLLECTOR_HOME:-$BENCH_ROOT}" \
    -cp "$BENCH_JAR" dev.funnel.benchmarks.overhead.HostOverheadBench "$RESULTS/$NAME" "$PAIRS" "$SECONDS_PER_RUN" \
    "${SETS[@]}"

WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# Host overhead: the workload's own throughput with the collector attached / alone"
    echo
    echo "$WHEN, $PAIRS alternating pairs of ${SECONDS_PER_RUN} s per workload. Machine: $(machine)."
    echo "Collector: its own JVM with the systemd unit's flags, Kafka sink${SETS[*]:+, settings: ${SETS[*]}}."
    echo
    echo "| workload | figure | alone (median) | with collector (median) | ratio (median) | spread (min-max) | target | met |"
    echo "|---|---|---:|---:|---:|---|---:|---|"
    python3 - "$RESULTS/$NAME.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for w in dict.fromkeys(r["workload"] for r in rows):
    rs = [r for r in rows if r["workload"] == w]
    ratios = sorted(float(r["ratio"]) for r in rs)
    med = statistics.median(ratios)
    target = float(rs[0]["target"])
    print(f"| {w} | {rs[0]['metric']} | {statistics.median(float(r['alone']) for r in rs):,.0f} | "
          f"{statistics.median(float(r['with']) for r in rs):,.0f} | {med:.3f} | {ratios[0]:.3f}-{ratios[-1]:.3f} | "
          f">= {target:.2f} | {'yes' if med >= target else 'NO'} |")
PY
    echo
    echo "Per program, from the kernel's own accounting (kernel.bpf_stats_enabled, one run per workload):"
    echo
    echo "| workload | program | runs/s | ns per run |"
    echo "|---|---|---:|---:|"
    tail -n +2 "$RESULTS/$NAME-programs.csv" | awk -F, '{gsub(/"/, "", $1); printf "| %s | %s | %.0f | %.0f |\n", $1, $2, $4, $5}'
    echo
    echo "Pairs alternate which side runs first. A ratio is the pair's 'with' figure over its 'alone'"
    echo "figure; the spread shows how much this machine's noise moves it. Targets (issue 12): every"
    echo "application workload >= 0.98 of its throughput alone, syscall microbenchmarks (get, open) >= 0.95."
} | tee "$RESULTS/$NAME.md"
python3 - "$RESULTS/$NAME.csv" <<'PY' | python3 "$BENCH_ROOT/bench/plot_bars.py" "Workload throughput with the collector / alone" "ratio" "$RESULTS/$NAME.svg"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for w in dict.fromkeys(r["workload"] for r in rows):
    ratios = sorted(float(r["ratio"]) for r in rows if r["workload"] == w)
    label = w.replace("stress-ng ", "").replace("redis ", "redis ")[:22]
    print(f"{label},lowest,{ratios[0]:.3f}")
    print(f"{label},median,{statistics.median(ratios):.3f}")
    print(f"{label},highest,{ratios[-1]:.3f}")
PY
echo "wrote $RESULTS/$NAME.md, $RESULTS/$NAME.csv, $RESULTS/$NAME-programs.csv, $RESULTS/$NAME.svg" >&2
