#!/usr/bin/env bash
# Java drain vs a bare C libbpf consumer, same object, program (probe_getppid) and record
# size (72 bytes), same wake-up settings, interleaved round by round so both see the same
# noise. Needs root. Prints a table; writes results/drain.csv (raw), results/drain.md and
# results/drain.svg.
#
#   bench/drain.sh [ROUNDS=5]
#
# burst:  the ring is filled while the consumer sleeps, then drained: drain capacity.
# steady: producer and consumer run together (one core each): rate, drops, consumer CPU.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS="${1:-5}"
BURST_N=3000000; BURST_RING=$((256 << 20))
STEADY_N=1000000; STEADY_RING=$((8 << 20))

bench_build
OBJ="$BENCH_ROOT/bpf/target/classes/dev/funnel/bpf/funnel.bpf.o"
WORKLOAD="$BENCH_ROOT/tools/workloads/target/classes/dev/funnel/workloads/funnel-workload"
JAR="$BENCH_JAR"
C_DRAIN="$BENCH_ROOT/bench/build/c_drain"
gcc -O2 -Wall -Werror -o "$C_DRAIN" "$BENCH_ROOT/tools/benchmarks/src/main/c/c_drain.c" -lbpf
JAVA=(java -Xmx128m -XX:+UseSerialGC -cp "$JAR" dev.funnel.benchmarks.DrainBench)

RAW="$RESULTS/drain.csv"
[ -f "$RAW" ] || echo "when,consumer,mode,records,seconds,rate,drops,cpu_s,machine" > "$RAW"
WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
TMP="$(mktemp)"
trap 'rm -f "$TMP"' EXIT

run() { # consumer mode ... -> appends "consumer mode records seconds rate drops cpu"
    local who="$1" mode="$2" line
    shift 2
    line="$("$@" 2>/dev/null | tail -1)"
    echo "$who $line" >> "$TMP"
    echo "$WHEN,$who,$(echo "$line" | tr ' ' ','),\"$(machine)\"" >> "$RAW"
}

for r in $(seq "$ROUNDS"); do
    echo "round $r/$ROUNDS ..." >&2
    run c burst "$C_DRAIN" "$OBJ" burst "$BURST_N" "$BURST_RING" "$WORKLOAD"
    run java burst "${JAVA[@]}" burst "$BURST_N" "$BURST_RING"
    run java-drain-only burst "${JAVA[@]}" burst "$BURST_N" "$BURST_RING" drain-only
    run c steady "$C_DRAIN" "$OBJ" steady "$STEADY_N" "$STEADY_RING" "$WORKLOAD"
    run java steady "${JAVA[@]}" steady "$STEADY_N" "$STEADY_RING"
done

med() { awk -v w="$1" -v m="$2" -v c="$3" '$1==w && $2==m {print $c}' "$TMP" | median; }
cpu_us() { awk -v w="$1" -v m="$2" '$1==w && $2==m && $3>0 {print $7*1e6/$3}' "$TMP" | median; }
drops() { awk -v w="$1" -v m="$2" '$1==w && $2==m {s+=$6} END {print s+0}' "$TMP"; }

{
    echo "# Drain: Java collector vs bare C libbpf consumer"
    echo
    echo "$WHEN, $ROUNDS rounds, medians. Machine: $(machine)."
    echo
    echo "| mode | consumer | records/s | vs C | consumer CPU µs/record | drops (all rounds) |"
    echo "|---|---|---:|---:|---:|---:|"
    for mode in burst steady; do
        c_rate="$(med c "$mode" 5)"
        for who in c java java-drain-only; do
            rate="$(med "$who" "$mode" 5)"
            [ "$rate" = nan ] && continue
            printf '| %s | %s | %.0f | %.0f%% | %.3f | %s |\n' "$mode" "$who" "$rate" \
                "$(echo "$rate $c_rate" | awk '{print 100*$1/$2}')" "$(cpu_us "$who" "$mode")" "$(drops "$who" "$mode")"
        done
    done
    echo
    echo "burst: $BURST_N records pre-filled in a 256 MiB ring, then drained (drain capacity)."
    echo "steady: $STEADY_N getppid() calls, producer and consumer concurrent, 8 MiB ring (producer-bound)."
    echo "java decodes every record into a KernelEvent where it lies in the ring; java-drain-only does"
    echo "what the C callback does (count, read one word). Both read the mapped ring in place (RingView)."
} | tee "$RESULTS/drain.md"

for mode in burst steady; do
    for who in c java java-drain-only; do
        rate="$(med "$who" "$mode" 5)"
        [ "$rate" != nan ] && echo "$mode,$who,$rate"
    done
done | python3 "$BENCH_ROOT/bench/plot_bars.py" "Drain rate, records/s (median of $ROUNDS)" "records/s" "$RESULTS/drain.svg"
echo "wrote $RESULTS/drain.md, $RESULTS/drain.svg, appended $RAW" >&2
