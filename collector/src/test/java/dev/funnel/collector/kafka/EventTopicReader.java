package dev.funnel.collector.kafka;

import dev.funnel.schema.EventBatch;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.WireDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A plain Kafka consumer that reads every batch on a topic back through the registry. */
final class EventTopicReader {
    private EventTopicReader() {}

    /** Reads until quietMs pass without a new record (or timeoutMs in all). */
    static List<EventBatch> readAll(String bootstrap, String registryUrl, String topic, long quietMs, long timeoutMs)
            throws Exception {
        WireDecoder<EventBatch> decoder = WireDecoder.of(EventBatch.class, new SchemaRegistry(registryUrl));
        List<EventBatch> out = new ArrayList<>();
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.currentTimeMillis() + timeoutMs;
            long lastNew = System.currentTimeMillis();
            while (System.currentTimeMillis() < end && System.currentTimeMillis() - lastNew < quietMs) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(decoder.decode(r.value()));
                    lastNew = System.currentTimeMillis();
                }
            }
        }
        return out;
    }
}
