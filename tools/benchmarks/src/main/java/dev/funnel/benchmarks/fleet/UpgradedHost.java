package dev.funnel.benchmarks.fleet;

import dev.funnel.schema.EventBatch;
import dev.funnel.schema.wire.ConfluentWire;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The schema change of the registry-stop fault: a second host, whose collector is a newer
 * version with one more field in EventBatch ({@value #FIELD}, optional, so BACKWARD compatible),
 * comes up while the registry is away. Like the real collector it must register its schema
 * before it may send, so it tries every 5 s until the registry is back. Then it sends a fork
 * storm in the new schema: the real host's own storm batches, read back from funnel.events before
 * the registry stopped, under its own host name and re-stamped to the time it sends. The job has
 * never seen that writer schema: it must fetch it by id, decode with its own, and alert.
 *
 * <p>Threading: capture() on the caller's thread; sendWhenRegistered() blocks its caller.
 */
final class UpgradedHost {
    static final String FIELD = "collector_build";
    static final String PREFIX = "upgraded-";

    private final String bootstrap;
    private final SchemaRegistry registry;
    private final List<GenericRecord> storm = new ArrayList<>();

    UpgradedHost(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registry = new SchemaRegistry(registryUrl);
    }

    /** EventBatch as the next collector version writes it: one more optional field, at the end. */
    static Schema evolved() {
        Schema s = EventBatch.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(FIELD, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "The collector's build (added by the upgrade the faults bench plays).", JsonProperties.NULL_VALUE));
        return Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), false, fields);
    }

    /**
     * Reads back what `host` sent to funnel.events since `sinceMs` (wall clock), decoded with the
     * writer schemas the registry has now; returns how many batches it kept.
     */
    int capture(String host, long sinceMs) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.EVENTS).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Map<TopicPartition, OffsetAndTimestamp> from = c.offsetsForTimes(
                    parts.stream().collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> sinceMs)));
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = from.get(tp);
                c.seek(tp, o == null ? end.get(tp) : o.offset());
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    GenericRecord b = decode(r.value());
                    if (host.equals(b.get("host").toString())) {
                        storm.add(b);
                    }
                }
            }
        }
        return storm.size();
    }

    private GenericRecord decode(byte[] value) throws Exception {
        Schema writer = registry.schemaById(ConfluentWire.schemaId(value));
        return new GenericDatumReader<GenericRecord>(writer, EventBatch.getClassSchema()).read(null,
                DecoderFactory.get().binaryDecoder(value, ConfluentWire.HEADER_BYTES, value.length - ConfluentWire.HEADER_BYTES, null));
    }

    /**
     * Registers the new schema, trying every 5 s (as systemd restarts a collector) until the
     * registry answers or `timeoutMs` passes, then sends the captured storm as host PREFIX+host.
     * Returns how many registration attempts failed.
     */
    int sendWhenRegistered(long timeoutMs) throws Exception {
        Schema schema = evolved();
        String subject = Topics.valueSubject(Topics.EVENTS);
        long end = System.currentTimeMillis() + timeoutMs;
        int failed = 0;
        int id;
        while (true) {
            try {
                id = registry.register(subject, schema);
                break;
            } catch (SchemaRegistry.RegistryException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                failed++;
                Thread.sleep(5_000);
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long runNs = System.currentTimeMillis() * 1_000_000L;
            long shiftNs = storm.isEmpty() ? 0 : runNs - (long) storm.get(0).get("created_ns");
            long seq = 0;
            for (GenericRecord old : storm) {
                GenericRecord b = new GenericData.Record(schema);
                for (Schema.Field f : EventBatch.getClassSchema().getFields()) {
                    b.put(f.name(), old.get(f.name()));
                }
                String host = PREFIX + old.get("host");
                b.put("host", host);
                b.put("collector_run", runNs);
                b.put("seq", seq++);
                b.put("created_ns", (long) old.get("created_ns") + shiftNs);
                for (Object e : (List<?>) old.get("events")) {
                    GenericRecord ev = (GenericRecord) e;
                    ev.put("time_ns", (long) ev.get("time_ns") + shiftNs);
                }
                b.put(FIELD, "faults-bench-upgrade");
                producer.send(new ProducerRecord<>(Topics.EVENTS, host.getBytes(StandardCharsets.UTF_8), encode(id, schema, b)));
            }
            producer.flush();
        }
        return failed;
    }

    private static byte[] encode(int id, Schema schema, GenericRecord b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWire.writeHeader(out, id);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(b, enc);
        enc.flush();
        return out.toByteArray();
    }
}
