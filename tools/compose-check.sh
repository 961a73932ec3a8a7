#!/usr/bin/env bash
# docker-compose.yml for real, on this machine's Docker engine: what a user's first
# `docker compose up -d` does, checked end to end.
#
#   sudo bin/funnel compose-check        (bin/funnel builds the jars first; bin/funnel test runs it)
#
# Steps, each timed: install docker.io and docker-compose if missing and start the daemon if it
# is not running; make the Debian base image (FUNNEL_BASE_IMAGE, or deploy/docker/base-image.sh
# with debootstrap where no image registry can be reached); build every image; `up -d`; wait
# until the job runs on the session cluster and the collector is attached; run a fork storm on
# the host; read exactly one fork_storm alert naming the storm's PID from the alert consumer's
# log; `down -v`; check that no container, network or volume of the project is left. A daemon
# this script started is stopped again. Exit 0 on success; on failure one line names the step,
# followed by the logs of the services involved.
#
# The project is called funnelcheck (not funnel), so a running `docker compose up` of the user's
# is never touched; its published ports (8081, 8085, 29092, 9464) must be free.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export COMPOSE_PROJECT_NAME=funnelcheck
ready_timeout=${COMPOSE_READY_TIMEOUT:-300}   # s: from `up` to the job running and the collector attached
alert_timeout=${COMPOSE_ALERT_TIMEOUT:-90}    # s: from the storm to its alert
work=$(mktemp -d /var/tmp/funnel-compose.XXXXXX)
started_dockerd="" compose=() t_all=$(date +%s)

say() { printf 'compose-check: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
step_start=0
step() { step_start=$(date +%s); say "$* ..."; }
done_step() { say "  done in $(( $(date +%s) - step_start )) s${1:+: $1}"; }

[ "$(id -u)" = 0 ] || fail "needs root (Docker, and the collector's BPF programs): sudo bin/funnel compose-check"

cleanup() {
    local rc=$?
    if [ ${#compose[@]} -gt 0 ]; then
        if [ "$rc" != 0 ]; then
            say "the last lines of each service's log:"
            "${compose[@]}" logs --no-color --tail=25 2>&1 | sed 's/^/    /' >&2 || true
        fi
        "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    fi
    if [ -n "$started_dockerd" ]; then
        kill "$started_dockerd" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 1; done
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

# --- the engine ------------------------------------------------------------------------------
step "Docker engine and Compose"
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    say "  installing ${missing[*]} ..."
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
        > "$work/apt.log" 2>&1 || fail "apt-get install ${missing[*]}: $(tail -n 1 "$work/apt.log")"
fi
if ! docker info >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then
        systemctl start docker || fail "systemctl start docker (journalctl -u docker says why)"
    else
        # No systemd (a container, a chroot, this kind of VM): run the daemon for this check only.
        dockerd > "/var/tmp/funnel-dockerd.log" 2>&1 &
        started_dockerd=$!
    fi
    for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || fail "the Docker daemon did not answer in 60 s (/var/tmp/funnel-dockerd.log)"
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
server=$(docker version -f '{{.Server.Version}}')
done_step "engine $server, $("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version | head -1) (${compose[*]})"

# Docker before 23 does not know CAP_BPF and CAP_PERFMON (see the collector in docker-compose.yml).
if [ "${server%%.*}" -lt 23 ] 2>/dev/null; then
    export FUNNEL_CAP_BPF=SYS_ADMIN FUNNEL_CAP_PERFMON=CAP_SYS_ADMIN
    say "  Docker $server knows neither CAP_BPF nor CAP_PERFMON: the collector gets CAP_SYS_ADMIN in their place"
fi
# The host's cgroup2 tree for the collector: /sys/fs/cgroup, or .../unified on a hybrid host.
FUNNEL_CGROUP2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$FUNNEL_CGROUP2" ] || fail "no cgroup2 mount in /proc/mounts: the collector needs the cgroup2 tree"
export FUNNEL_CGROUP2
for port in 8081 8085 29092 9464; do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
        || fail "port $port is in use (a running demo or compose project?); the check publishes it"
done

# --- images ----------------------------------------------------------------------------------
step "base image"
if [ -z "${FUNNEL_BASE_IMAGE:-}" ]; then
    FUNNEL_BASE_IMAGE=funnel/debian:12
    deploy/docker/base-image.sh "$FUNNEL_BASE_IMAGE"
fi
export FUNNEL_BASE_IMAGE
done_step "$FUNNEL_BASE_IMAGE"

step "docker compose build (5 images on $FUNNEL_BASE_IMAGE)"
"${compose[@]}" build > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; fail "compose build"; }
done_step "$(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' 'funnel/*' | grep -v debian | tr '\n' ';' | sed 's/;$//; s/;/, /g')"

# --- up --------------------------------------------------------------------------------------
step "docker compose up -d"
"${compose[@]}" up -d > "$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "compose up"; }
done_step

step "the job running on the session cluster and the collector attached"
deadline=$(( $(date +%s) + ready_timeout ))
job="" attached=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    [ -n "$job" ] || job=$(curl -sf http://127.0.0.1:8081/jobs/overview 2>/dev/null \
        | grep -o '"name":"funnel detection"[^}]*"state":"RUNNING"' || true)
    [ -n "$attached" ] || attached=$("${compose[@]}" logs --no-color collector 2>/dev/null | grep -m1 'funnel collector: attached' || true)
    [ -n "$job" ] && [ -n "$attached" ] && break
    sleep 3
done
[ -n "$job" ] || fail "the job is not RUNNING on http://localhost:8081 after ${ready_timeout} s"
[ -n "$attached" ] || fail "the collector did not attach in ${ready_timeout} s"
submitted=$("${compose[@]}" logs --no-color job-submit | grep -c 'Job has been submitted with JobID' || true)
[ "$submitted" = 1 ] || fail "job-submit ran flink run $submitted times, expected once"
done_step "job RUNNING (submitted once with flink run), collector: ${attached#*attached }"

# --- a fork storm on the host ----------------------------------------------------------------
alerts_log() { docker logs "$("${compose[@]}" ps -q alerts)" 2>&1; }
step "fork storm on the host (bin/funnel stress fork-storm)"
bin/funnel stress fork-storm > "$work/storm.log" 2>&1 || { cat "$work/storm.log" >&2; fail "the fork storm did not run"; }
storm_pid=$(grep -o 'pid=[0-9]*' "$work/storm.log" | head -1 | cut -d= -f2)
[ -n "$storm_pid" ] || { cat "$work/storm.log" >&2; fail "the storm did not say its PID"; }
storm_end=$(date +%s)
done_step "PID $storm_pid"

step "exactly one fork_storm alert for PID $storm_pid from the alert consumer"
headline="^[0-9:.]+ fork_storm [^ ]+ +PID $storm_pid "
deadline=$(( storm_end + alert_timeout ))
until alerts_log | grep -Eq "$headline"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no fork_storm alert for PID $storm_pid within ${alert_timeout} s"
    sleep 2
done
seen=$(( $(date +%s) - storm_end ))
sleep 15   # a duplicate would come within the next window or two
count=$(alerts_log | grep -Ec "$headline" || true)
[ "$count" = 1 ] || fail "$count fork_storm alerts for PID $storm_pid, expected exactly one"
say "  $(alerts_log | grep -E "$headline")"
others=$(alerts_log | grep -E '^[0-9:.]+ [a-z_]+ ' | grep -Evc "$headline" || true)
done_step "one alert, $seen s after the storm; other alerts in the consumer's log: $others"

# --- down ------------------------------------------------------------------------------------
step "docker compose down -v"
"${compose[@]}" down -v --remove-orphans > "$work/down.log" 2>&1 || { cat "$work/down.log" >&2; fail "compose down"; }
compose=()
label="label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"
left="$(docker ps -aq --filter "$label") $(docker network ls -q --filter "$label") $(docker volume ls -q --filter "$label")"
[ -z "${left// /}" ] || fail "left behind after down -v: containers/networks/volumes $left"
done_step "no container, network or volume of $COMPOSE_PROJECT_NAME left"

say "passed in $(( $(date +%s) - t_all )) s"
