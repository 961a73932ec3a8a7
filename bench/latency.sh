#!/usr/bin/env bash
# Kernel event to readable alert, end to end on this kernel, as `funnel demo` runs it: each
# round a 10,000-fork storm from a new process, its fork_storm alert read back by a plain
# consumer. Needs root. Prints a table; writes results/latency.csv, .md and .svg.
#
#   bench/latency.sh [ROUNDS=10]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS="${1:-10}"
bench_build

echo "latency bench: starting the embedded funnel, then $ROUNDS storms ~5 s apart ..." >&2
java -Xms256m -Xmx1536m -XX:+UseSerialGC -Dlog4j2.configurationFile=log4j2-bench.properties \
    "${FLINK_OPENS[@]}" -cp "$BENCH_JAR" \
    dev.funnel.benchmarks.LatencyBench "$RESULTS/latency.csv" "$ROUNDS"

pct() { # column percentile
    tail -n +2 "$RESULTS/latency.csv" | cut -d, -f"$1" | sort -n | awk -v p="$2" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; print a[i]}'
}
WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# End to end: kernel event to readable alert"
    echo
    echo "$WHEN, $ROUNDS fork storms of 10,000 forks, the embedded default (collector, KRaft broker,"
    echo "Apicurio, the job on a Flink mini cluster with 500 ms checkpoints). Machine: $(machine)."
    echo
    echo "| from | p50 ms | p90 ms | max ms |"
    echo "|---|---:|---:|---:|"
    echo "| storm start (before the first fork) | $(pct 2 50) | $(pct 2 90) | $(pct 2 100) |"
    echo "| first kernel event behind the alert | $(pct 3 50) | $(pct 3 90) | $(pct 3 100) |"
    echo
    echo "'Readable' is when a read_committed consumer gets the alert: after the window closes"
    echo "(1 s tumbling + 1 s out-of-orderness, moved by the collector's 500 ms heartbeats) and the"
    echo "checkpoint that commits the alert's Kafka transaction. Target (issue 5): within 5 s."
} | tee "$RESULTS/latency.md"
for c in 2 3; do
    name=$([ "$c" = 2 ] && echo "from storm start" || echo "from first kernel event")
    for p in 50 90 100; do echo "p$p,$name,$(pct "$c" "$p")"; done
done | python3 "$BENCH_ROOT/bench/plot_bars.py" "Kernel event to readable alert" "ms" "$RESULTS/latency.svg"
echo "wrote $RESULTS/latency.md, $RESULTS/latency.csv, $RESULTS/latency.svg" >&2
