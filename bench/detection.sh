#!/usr/bin/env bash
# The detection corpus: real workloads (bench/corpus/*.sh), each labelled benign or attack, run
# one after another through the real demo pipeline on this kernel. A benign workload must raise
# no alert; an attack exactly one, from a detector its script names, about the right process,
# exe, cgroup or container. Prints a table, writes results/detection.{csv,md,svg}; exits 1 on
# any miss or false alert. Needs root.
#
#   bench/detection.sh [RUNS=1] [WORKLOAD...]     e.g. bench/detection.sh 3
#   bench/detection.sh --measure [WORKLOAD...]    the benign ones with every threshold at its
#       floor: the peaks each detector sees on benign work (results/detection-peaks.*), which
#       the default thresholds must sit above
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MEASURE=0
if [ "${1:-}" = "--measure" ]; then
    MEASURE=1
    shift
fi
RUNS=1
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    RUNS="$1"
    shift
fi
[ "$(id -u)" = 0 ] || { echo "detection: needs root (the collector, cgroups, package installs)" >&2; exit 1; }
missing=()
for tool in stress-ng wrk nginx redis-benchmark python3 make gcc; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    bench_install "detection: the corpus's tools" stress-ng wrk nginx-light redis-tools python3 make gcc
fi
bench_build
RULES=""
NAME=detection
[ $# -gt 0 ] && NAME=detection-selected # a run of named workloads does not replace the full corpus table
if [ "$MEASURE" = 1 ]; then
    NAME=detection-peaks
    [ $# -gt 0 ] && NAME=detection-peaks-selected # named workloads (attacks too) do not replace the benign table
    RULES="$BENCH_ROOT/bench/build/measure-rules.yaml"
    # Every threshold at its floor, no cooldown and no grouping: every window is an alert with its value.
    cat > "$RULES" <<'YAML'
fork_storm: {threshold: 0, cooldown: 0s}
fork_bomb: {threshold: 0, cooldown: 0s}
sustained_fork_rate: {threshold: 0, cooldown: 0s}
short_lived_flood: {children: 1, cooldown: 0s}
crash_loop: {failures: 1, cooldown: 0s}
slow_requests: {min_count: 1, cooldown: 0s}
fd_exhaustion: {share: 5, min_limit: 1, cooldown: 0s}
fd_burst: {enabled: true, threshold: 0, cooldown: 0s}
connection_burst: {threshold: 0, cooldown: 0s}
high_cpu: {threshold: 0, cooldown: 0s}
incidents: {enabled: false}
YAML
fi
echo "detection: the embedded pipeline starts, then the corpus, $RUNS run(s) ..." >&2
set +e
java -Xms256m -Xmx1536m -XX:+UseSerialGC -Dlog4j2.configurationFile=log4j2-bench.properties "${FLINK_OPENS[@]}" \
    -cp "$BENCH_JAR" dev.funnel.benchmarks.corpus.DetectionCorpus "$BENCH_ROOT/bench/corpus" "$RESULTS/$NAME.csv" \
    "$RUNS" "$RULES" "$@"
status=$?
set -e
[ -f "$RESULTS/$NAME.csv" ] || exit "$status"

WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [ "$MEASURE" = 1 ]; then
    {
        echo "# Detection corpus: benign peaks per detector"
        echo
        echo "$WHEN, every threshold at its floor. Machine: $(machine)."
        echo
        echo "| workload | detector | peak | unit | findings |"
        echo "|---|---|---:|---|---:|"
        tail -n +2 "$RESULTS/$NAME.csv" | awk -F, '{printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6}'
        echo
        echo "A finding's figure is its window's count; short_lived_flood is a CEP match that ends at its"
        echo "target, so at the floor (1 child) its figure is not the peak: default-rules.yaml bounds that"
        echo "peak by twice the busiest parent's 1 s fork count instead. fd_burst has no figure where the"
        echo "collector has no open hook (fd.burst.hook: auto finds no trampolines on this kernel)."
    } | tee "$RESULTS/$NAME.md"
    exit "$status"
fi
{
    echo "# Detection corpus: real workloads through the real pipeline"
    echo
    echo "$WHEN, $RUNS run(s), default rules. Machine: $(machine)."
    echo
    echo "| run | workload | label | expected | alerts | detector | time to alert | verdict |"
    echo "|---:|---|---|---|---:|---|---:|---|"
    tail -n +2 "$RESULTS/$NAME.csv" | awk -F, '{t = ($8 >= 0) ? sprintf("%.1f s", $8) : "-";
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, ($4 == "" ? "none" : $4), $5, ($6 == "" ? "-" : $6), t, $7}'
    echo
    awk -F, 'NR > 1 { n++; if ($7 != "ok") bad++ } END { printf "%d workload runs, %d failed.\n", n, bad }' "$RESULTS/$NAME.csv"
    echo
    echo "A benign workload passes with no alert; an attack with exactly one (escalations of it aside),"
    echo "from a detector its script names, about the process, exe, cgroup or container it says. Time"
    echo "to alert: from the script's start to the alert being readable on funnel.alerts."
} | tee "$RESULTS/$NAME.md"
awk -F, 'NR > 1 && $1 == 1 { print $2 "," ($3 == "attack" ? "attack: alerts" : "benign: alerts") "," $5 }' "$RESULTS/$NAME.csv" \
    | python3 "$BENCH_ROOT/bench/plot_bars.py" "Alerts per workload (attacks want 1, benign 0)" "alerts" "$RESULTS/$NAME.svg"
echo "wrote $RESULTS/$NAME.md, $RESULTS/$NAME.csv, $RESULTS/$NAME.svg" >&2
exit "$status"
