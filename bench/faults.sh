#!/usr/bin/env bash
# Faults on the fleet path (issue 15): broker, registry, Flink session cluster, job jar and
# collector each their own process, as `funnel fleet` runs them. For each fault a fork storm
# (~1,000 forks/s for 6 s) with the fault 2 s into it: the collector killed with -9 and started
# again 5 s later (systemd's Restart=always), the TaskManager killed with -9 and a new one started
# (a supervisor's job), the JobManager killed with -9 and a new one started (Flink HA: ZooKeeper
# and checkpoint storage, as the fleet path runs it), the broker stopped for 30 s and started
# again with its data, the broker's own disk (a 64 MiB tmpfs) filled until it stops, then freed
# and the broker started again, the schema registry stopped for 60 s while the collector is
# restarted (it must register its schema) and a second host with a newer collector (a new,
# compatible EventBatch schema) comes up, and the user's alert consumer killed with -9 right
# after it printed an alert. Each must end in the
# storm's alert or a lost_visibility alert whose unseen span covers the fault, never neither, and
# no alert may arrive twice; the alert consumer (its own process, a consumer group, through every
# fault) must print each committed alert exactly once. Needs root. Prints a table; writes
# results/faults.{csv,md,svg}.
#
#   bench/faults.sh [--faults none,collector-kill,taskmanager-kill,jobmanager-kill,broker-stop,disk-full,registry-stop,alert-consumer-kill]
#                   [--broker-down 30] [--registry-down 60] [--collector-down 5]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "faults: needs root (the collector loads BPF programs)" >&2; exit 1; }
bench_build
rc=0
java -Xms128m -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile=log4j2-bench.properties \
    -Dfunnel.home="$BENCH_ROOT" -cp "$BENCH_JAR" dev.funnel.benchmarks.fleet.FaultsMain \
    --out "$RESULTS/faults" "$@" || rc=$?

WHEN="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
{
    echo "# Faults on the fleet path"
    echo
    echo "$WHEN. Every part its own process (bin/funnel fleet). Machine: $(machine)."
    echo
    echo "| fault | storm alert | after the fault (s) | lost_visibility alert (cause) | after the fault (s) | unseen span (s) | duplicates | first alert (s) | job after | outcome |"
    echo "|---|---|---:|---|---:|---:|---:|---:|---|---|"
    tail -n +2 "$RESULTS/faults.csv" | awk -F, '
        function s(ms) { return ms < 0 ? "-" : sprintf("%.1f", ms / 1000) }
        { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, s($3), $4, s($5), $6, $7, s($8), $9, $10 }'
    echo
    echo "A fault passes when the storm it hit still raised its alert, or a lost_visibility alert"
    echo "says the host was unseen over the fault's instant, and no alert arrived twice (same alert"
    echo "id, or a second alert about the storm's process other than an escalation of the first)."
    echo "Times are from the fault to the alert reaching the consumer. Faults not run here: see"
    echo "README, 'Faults'."
} | tee "$RESULTS/faults.md"
tail -n +2 "$RESULTS/faults.csv" | awk -F, '{ ms = $8 < 0 ? 0 : $8; printf "%s,first alert,%.1f\n", $1, ms / 1000 }' \
    | python3 "$BENCH_ROOT/bench/plot_bars.py" "Fault to first alert" "s" "$RESULTS/faults.svg"
echo "wrote $RESULTS/faults.md, $RESULTS/faults.csv, $RESULTS/faults.svg" >&2
exit "$rc"
