package dev.funnel.job.sink;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.schema.Alert;
import dev.funnel.schema.Finding;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alerts to funnel.alerts as Avro (Alert.avsc) in the Confluent wire format, keyed by host.
 * Registers the subject (BACKWARD compatible) when the sink opens.
 */
public final class AlertSerialization implements KafkaRecordSerializationSchema<AlertRecord> {
    private final String topic;
    private final String registryUrl;
    private transient WireEncoder<Alert> encoder;

    public AlertSerialization(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        SchemaRegistry registry = new SchemaRegistry(registryUrl);
        String subject = Topics.valueSubject(topic);
        int id = registry.register(subject, Alert.getClassSchema());
        registry.setCompatibility(subject, "BACKWARD");
        encoder = new WireEncoder<>(Alert.class, id);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AlertRecord a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, a.host.getBytes(StandardCharsets.UTF_8),
                encoder.encode(toAvro(a)));
    }

    public static Alert toAvro(AlertRecord a) {
        List<Finding> findings = new ArrayList<>();
        for (dev.funnel.job.model.Finding f : a.findings) {
            findings.add(new Finding(f.detector, f.summary, f.pid, f.observed, f.threshold, f.unit, f.windowStartNs,
                    f.windowEndNs));
        }
        return new Alert(a.alertId, a.detector, a.summary, a.host, a.bootId, a.pid, a.processStartNs, a.comm, a.exe,
                a.cmdline, a.ppid, a.uid, a.cgroupPath, a.containerId, a.observed, a.threshold, a.unit,
                a.windowStartNs, a.windowEndNs, a.lostEventsInWindow, a.firstEventNs, new HashMap<>(a.attributes), a.why,
                findings);
    }
}
