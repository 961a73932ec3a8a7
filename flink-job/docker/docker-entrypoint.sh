#!/bin/bash
# /docker-entrypoint.sh, where the Flink Kubernetes Operator (native mode, kubernetes.entry.path)
# looks for it: it runs `bash -c "kubernetes-jobmanager.sh kubernetes-application ..."` and
# `bash -c "kubernetes-taskmanager.sh ..."` through it. The image's own commands (jobmanager,
# taskmanager, submit, run, ...) go to bin/flink.
set -e
case "${1:-}" in
    bash|sh|kubernetes-*.sh|/*) exec "$@" ;;
    *) exec /opt/flink/bin/flink "$@" ;;
esac
