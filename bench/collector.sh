#!/usr/bin/env bash
# Collector CPU (share of one core) and memory while it delivers 1,000, 5,000 and 20,000
# events/s to a real Kafka broker through a real registry, against the idle collector in the
# same run. The collector runs as its own JVM with the systemd unit's flags; the load is a
# process calling getppid() at a paced rate (one 72-byte probe record per call). Needs root.
# Prints a table; writes results/collector.csv, results/collector.md and results/collector.svg.
#
#   bench/collector.sh [SECONDS=20]
#   COLLECTOR_JVM="-XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=1" bench/collector.sh 40
#       the same with JVM flags added after the unit's (here: back to the full tiered JIT);
#       writes results/collector-alt.* instead, so the two can be compared.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RATE="${1:-20}"
EXTRA_JVM="${COLLECTOR_JVM:-}"
NAME=collector
[ -z "$EXTRA_JVM" ] || NAME=collector-alt
bench_build

echo "collector bench: 120 s warm-up, then 4 rates x ${SECONDS_PER_RATE} s; broker and registry start first ..." >&2
java -Xmx768m -XX:+UseSerialGC -Dfunnel.home="$BENCH_ROOT" "-Dfunnel.bench.jvm=$EXTRA_JVM" \
    -cp "$BENCH_JAR" \
    dev.funnel.benchmarks.CollectorBench "$RESULTS/$NAME.csv" "$SECONDS_PER_RATE" 20000 5000 1000 0

WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# Collector: CPU and memory at a delivered event rate"
    echo
    echo "$WHEN, ${SECONDS_PER_RATE} s per rate after 120 s of warm-up at 20,000/s. Machine: $(machine)."
    echo
    echo "Collector JVM: the systemd unit's flags${EXTRA_JVM:+, then $EXTRA_JVM}."
    echo
    echo "| events/s asked | delivered/s | collector CPU, % of one core | without JIT compiling | CPU µs/event (without JIT) | RSS MB | peak RSS MB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$RESULTS/$NAME.csv" | sort -t, -k1,1n | awk -F, '{printf "| %d | %d | %.2f | %.2f | %.2f | %d | %d |\n", $1, $2, $3, $4, $5, $6, $7}'
    echo
    tail -n 1 "$RESULTS/$NAME.csv" | awk -F, '{printf "Over the whole run: %d probe records emitted by the kernel, %d events delivered to Kafka (with the host'"'"'s own), %d lost.\n", $8, $9, $10}'
    echo
    echo "Rate 0 is the idle collector (the baseline: heartbeats, sweeps). 'Without JIT compiling' leaves"
    echo "out the compiler threads: a one-off cost of a fresh JVM, not a per-event one (with the unit's"
    echo "C1-only JVM it is over within the warm-up; with C2 it goes on for minutes). Every probe record"
    echo "crosses the kernel boundary and is drained, decoded, enriched, Avro-encoded and acknowledged"
    echo "by Kafka; 'events delivered' also counts the host's own events from the other sensors."
    echo "Targets (issue 3): <= 1% of one core at 5,000 events/s, RSS <= 256 MB."
} | tee "$RESULTS/$NAME.md"
tail -n +2 "$RESULTS/$NAME.csv" | sort -t, -k1,1n | awk -F, '{print $1 "/s,all threads," $3; print $1 "/s,without JIT compiling," $4}' \
    | python3 "$BENCH_ROOT/bench/plot_bars.py" "Collector CPU at a delivered event rate" "% of one core" "$RESULTS/$NAME.svg"
echo "wrote $RESULTS/$NAME.md, $RESULTS/$NAME.csv, $RESULTS/$NAME.svg" >&2
