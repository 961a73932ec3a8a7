package dev.funnel.alerts;

import picocli.CommandLine.Option;

/** Where the cluster is: the options every Kafka command line shares (a picocli mixin). Defaults are the demo's. */
public final class ClusterOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOST:PORT",
            description = "Kafka brokers. Default: ${DEFAULT-VALUE}.")
    public String bootstrapServers;

    @Option(names = "--schema-registry", defaultValue = "http://localhost:8085/apis/ccompat/v7", paramLabel = "URL",
            description = "Confluent-API schema registry. Default: ${DEFAULT-VALUE}.")
    public String schemaRegistry;
}
