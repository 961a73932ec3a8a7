#!/usr/bin/env bash
# Where does a socket workload's time go while the collector is attached? The kernel's own
# per-program accounting (kernel.bpf_stats_enabled, in bench/host-overhead.sh) counts a
# program's run, its helpers included, but not the tracepoint's dispatch into it; a throughput
# loss 2-3x the accounted cost needs the rest named. This samples the workload's kernel stacks
# (bpftrace, 999 Hz on every CPU, the leaf frame only) three times: alone, with the collector
# (stdout sink to /dev/null: the kernel side is what is sampled), alone again; and prints the
# frames that grew, in percent of the workload's samples. Needs root and bpftrace.
# Writes results/send-hook-profile.{csv,md}.
#
#   bench/send-hook-profile.sh [SECONDS=15] [STRESSOR=sock]   e.g. bench/send-hook-profile.sh 15 sock
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECONDS_SAMPLED="${1:-15}"
STRESSOR="${2:-sock}"
[ "$(id -u)" = 0 ] || { echo "send-hook-profile: needs root (bpftrace, the collector)" >&2; exit 1; }
for tool in bpftrace stress-ng; do
    command -v "$tool" >/dev/null || bench_install send-hook-profile "$tool"
done
bench_build
work=$(mktemp -d)
collector=""
cleanup() {
    [ -n "$collector" ] && kill "$collector" 2>/dev/null && wait "$collector" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# One sampled run: the stressor for SECONDS_SAMPLED + 7 s, sampled after 5 s; its bogo ops/s.
sample() {
    local side="$1"
    echo "send-hook-profile: $side: stress-ng --$STRESSOR 1, sampling ${SECONDS_SAMPLED} s ..." >&2
    stress-ng "--$STRESSOR" 1 -t "$((SECONDS_SAMPLED + 7))" --metrics-brief > "$work/$side.metrics" 2>&1 &
    local sng=$!
    sleep 5
    timeout -s INT "$SECONDS_SAMPLED" bpftrace -e \
        'profile:hz:999 /strncmp(comm, "stress-ng", 9) == 0/ { @[kstack(1)] = count(); }' \
        > "$work/$side.stacks" 2>/dev/null || true
    wait "$sng"
    awk -v s="$STRESSOR" '$4 == s { print $9 }' "$work/$side.metrics" > "$work/$side.ops"
}

sample alone-1
java -jar "$BENCH_ROOT/collector/target/funnel-collector.jar" --sink stdout > /dev/null 2> "$work/collector.log" &
collector=$!
sleep 12 # loaded and its JVM warm before the workload starts
sample with
kill "$collector"; wait "$collector" 2>/dev/null || true; collector=""
sample alone-2

python3 - "$work" "$STRESSOR" "$RESULTS/send-hook-profile" "$(machine)" <<'EOF'
import collections, re, sys, datetime
work, stressor, prefix, machine = sys.argv[1:5]
def leaves(side):
    c = collections.Counter()
    for m in re.finditer(r'@\[\s*(.*?)\]: (\d+)', open(f"{work}/{side}.stacks").read(), re.S):
        c[m.group(1).strip().split('+')[0] or '(user space)'] += int(m.group(2))
    return c
sides = ["alone-1", "with", "alone-2"]
counts = {s: leaves(s) for s in sides}
totals = {s: max(1, sum(counts[s].values())) for s in sides}
ops = {s: (open(f"{work}/{s}.ops").read().strip() or "?") for s in sides}
pct = lambda s, f: 100.0 * counts[s][f] / totals[s]
frames = set().union(*counts.values())
grown = sorted(frames, key=lambda f: -(pct("with", f) - max(pct("alone-1", f), pct("alone-2", f))))[:12]
with open(prefix + ".csv", "w") as out:
    out.write("frame,alone_1_pct,with_pct,alone_2_pct\n")
    for f in sorted(frames, key=lambda f: -pct("with", f)):
        out.write(f"{f},{pct('alone-1', f):.3f},{pct('with', f):.3f},{pct('alone-2', f):.3f}\n")
only_with = [f for f in frames if counts["alone-1"][f] == 0 and counts["alone-2"][f] == 0 and counts["with"][f] > 0]
lines = [f"# Where stress-ng --{stressor} spends kernel time with the collector attached", "",
         f"{datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}. Machine: {machine}.", "",
         f"Samples of stress-ng's stacks (leaf frame), 999 Hz: {totals['alone-1']} alone, {totals['with']} with the collector, {totals['alone-2']} alone again.",
         f"Bogo ops/s: {ops['alone-1']} alone, {ops['with']} with, {ops['alone-2']} alone again.", "",
         "| leaf frame | alone (%) | with the collector (%) | alone again (%) |", "|---|---:|---:|---:|"]
for f in grown:
    lines.append(f"| {f} | {pct('alone-1', f):.2f} | {pct('with', f):.2f} | {pct('alone-2', f):.2f} |")
lines += ["", f"Frames seen only with the collector: {sum(pct('with', f) for f in only_with):.2f}% of the workload's samples "
          f"({', '.join(sorted(only_with, key=lambda f: -counts['with'][f])[:6])}).", ""]
open(prefix + ".md", "w").write("\n".join(lines))
print("\n".join(lines))
EOF
echo "wrote $RESULTS/send-hook-profile.md, $RESULTS/send-hook-profile.csv" >&2
