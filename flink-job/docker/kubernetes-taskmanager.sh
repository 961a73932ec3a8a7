#!/bin/bash
# Started by the Flink Kubernetes Operator (see bin/flink): a TaskManager of a FlinkDeployment.
exec /opt/flink/bin/flink kubernetes-taskmanager "$@"
