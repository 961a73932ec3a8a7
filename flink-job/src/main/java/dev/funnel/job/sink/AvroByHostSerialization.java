package dev.funnel.job.sink;

import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job's records to a topic as Avro (schemas/*.avsc) in the Confluent wire format, keyed by
 * host so that one host's records stay in order on one partition. Registers the subject
 * (BACKWARD compatible) when the sink opens.
 */
abstract class AvroByHostSerialization<T, A extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private final String topic;
    private final String registryUrl;
    private final Class<A> type;
    private transient WireEncoder<A> encoder;

    AvroByHostSerialization(String topic, String registryUrl, Class<A> type) {
        this.topic = topic;
        this.registryUrl = registryUrl;
        this.type = type;
    }

    abstract A toAvroRecord(T value);

    abstract String host(T value);

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        SchemaRegistry registry = new SchemaRegistry(registryUrl);
        String subject = Topics.valueSubject(topic);
        int id = registry.register(subject, org.apache.avro.specific.SpecificData.get().getSchema(type));
        registry.setCompatibility(subject, "BACKWARD");
        encoder = new WireEncoder<>(type, id);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T value, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, host(value).getBytes(StandardCharsets.UTF_8),
                encoder.encode(toAvroRecord(value)));
    }
}
