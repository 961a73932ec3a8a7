package dev.funnel.job.source;

import dev.funnel.job.model.DeadLetter;
import dev.funnel.job.model.DecodedBatch;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.wire.MalformedRecordException;
import dev.funnel.schema.wire.RegistryUnavailableException;
import java.io.IOException;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.WireDecoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes funnel.events records (Confluent-framed Avro, writer schema looked up by id in the
 * registry) into POJOs, in the source, so per-partition watermarks can use event times. A
 * record that cannot be decoded (bad magic byte, unknown schema id, truncated Avro) becomes a
 * dead letter carrying its bytes and the reason: the job never fails on bad input.
 */
public final class EventBatchDeserializer implements KafkaRecordDeserializationSchema<DecodedBatch> {
    private final String registryUrl;
    private transient WireDecoder<EventBatch> decoder;

    public EventBatchDeserializer(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = WireDecoder.of(EventBatch.class, new SchemaRegistry(registryUrl));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedBatch> out) throws IOException {
        DecodedBatch d = new DecodedBatch();
        try {
            EventBatch batch = decoder.decode(record.value());
            d.info = BatchMapper.info(batch);
            d.events = BatchMapper.events(batch, d.info);
        } catch (MalformedRecordException e) {
            d.deadLetter = deadLetter(record, e.reason().name(), e.getMessage());
        } catch (RegistryUnavailableException e) {
            // A good batch whose writer schema (new to this task) the registry cannot give now.
            // Not a dead letter: fail the task, so that Flink restarts the job from its checkpoint
            // and reads this batch again, until the registry answers. Ids already fetched never ask.
            throw new IOException("funnel job: the schema registry does not answer for " + record.topic() + "/"
                    + record.partition() + "/" + record.offset() + " (" + e.getMessage() + "): restarting to read it again", e);
        } catch (RuntimeException e) {
            d.deadLetter = deadLetter(record, "UNMAPPABLE", String.valueOf(e));
        }
        out.collect(d);
    }

    static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String detail) {
        DeadLetter dl = new DeadLetter();
        dl.topic = r.topic();
        dl.partition = r.partition();
        dl.offset = r.offset();
        dl.kafkaTimestamp = r.timestamp();
        dl.key = r.key();
        dl.value = r.value() == null ? new byte[0] : r.value();
        dl.reason = reason;
        dl.detail = detail;
        return dl;
    }

    @Override
    public TypeInformation<DecodedBatch> getProducedType() {
        return TypeInformation.of(DecodedBatch.class);
    }
}
