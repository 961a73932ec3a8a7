package dev.funnel.collector.sink;

/**
 * What the Kafka sink needs to know, and nothing else of the collector's settings
 * (CollectorConfig.kafkaSink() builds it from the kafka.* keys, documented there).
 *
 * @param bootstrapServers  Kafka brokers
 * @param topic             where event batches go
 * @param registryUrl       Confluent-API schema registry
 * @param compression       producer compression (none, gzip, snappy, lz4, zstd)
 * @param lingerNs          how long a batch may wait to fill, ns
 * @param heartbeatNs       a quiet host still sends an empty batch this often, ns
 * @param maxEvents         events per batch at most
 * @param maxBytes          a batch closes once its estimated size reaches this, bytes
 * @param bufferBytes       producer memory for batches waiting on Kafka, bytes
 * @param deliveryTimeoutMs how long Kafka may retry a batch before it counts as lost, ms
 */
public record KafkaSinkSettings(String bootstrapServers, String topic, String registryUrl, String compression,
        long lingerNs, long heartbeatNs, int maxEvents, long maxBytes, int bufferBytes, int deliveryTimeoutMs) {}
