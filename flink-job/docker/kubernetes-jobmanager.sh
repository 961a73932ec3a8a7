#!/bin/bash
# Started by the Flink Kubernetes Operator (see bin/flink): the JobManager of a FlinkDeployment.
exec /opt/flink/bin/flink kubernetes-jobmanager "$@"
