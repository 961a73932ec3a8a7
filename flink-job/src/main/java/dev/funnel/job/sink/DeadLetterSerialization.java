package dev.funnel.job.sink;

import dev.funnel.job.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record the job could not decode, to the dead-letter topic exactly as it came (key and
 * value), with why and where from in headers: funnel.error.reason (BAD_MAGIC_BYTE,
 * UNKNOWN_SCHEMA_ID, TRUNCATED_AVRO...), funnel.error.detail, funnel.source (topic/partition/offset).
 */
public final class DeadLetterSerialization implements KafkaRecordSerializationSchema<DeadLetter> {
    public static final String REASON = "funnel.error.reason";
    public static final String DETAIL = "funnel.error.detail";
    public static final String SOURCE = "funnel.source";

    private final String topic;

    public DeadLetterSerialization(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders h = new RecordHeaders();
        h.add(REASON, d.reason.getBytes(StandardCharsets.UTF_8));
        h.add(DETAIL, String.valueOf(d.detail).getBytes(StandardCharsets.UTF_8));
        h.add(SOURCE, (d.topic + "/" + d.partition + "/" + d.offset).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, timestamp, d.key, d.value, h);
    }
}
