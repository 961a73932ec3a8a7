package dev.funnel.job;

import dev.funnel.job.sink.DeadLetterSerialization;
import dev.funnel.schema.Alert;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.WireDecoder;
import dev.funnel.schema.wire.WireEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing collector batches to, and reading alerts and dead letters from, a real broker. */
final class Topics {
    private Topics() {}

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends batches as a collector would: Confluent-framed Avro, keyed by host. */
    static void send(String bootstrap, String registryUrl, String topic, List<EventBatch> batches) throws Exception {
        int id = new SchemaRegistry(registryUrl).register(topic + "-value", EventBatch.getClassSchema());
        WireEncoder<EventBatch> enc = new WireEncoder<>(EventBatch.class, id);
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (EventBatch b : batches) {
                p.send(new ProducerRecord<>(topic, b.getHost().getBytes(StandardCharsets.UTF_8), enc.encode(b)));
            }
            p.flush();
        }
    }

    static void sendRaw(String bootstrap, String topic, byte[] key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, long quietMs) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // only what a transaction committed
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long last = System.currentTimeMillis();
            long end = last + 60_000;
            while (System.currentTimeMillis() - last < quietMs && System.currentTimeMillis() < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                    last = System.currentTimeMillis();
                }
            }
        }
        return out;
    }

    static List<Alert> alerts(String bootstrap, String registryUrl, String topic, long quietMs) throws Exception {
        WireDecoder<Alert> d = WireDecoder.of(Alert.class, new SchemaRegistry(registryUrl));
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topic, quietMs)) {
            out.add(d.decode(r.value()));
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String reason(ConsumerRecord<byte[], byte[]> r) {
        return header(r, DeadLetterSerialization.REASON);
    }
}
