package dev.funnel.job;

import dev.funnel.job.detect.Detectors;
import dev.funnel.job.model.ActionRecord;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.DeadLetter;
import dev.funnel.job.model.DecodedBatch;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.remediate.RemediationDecider;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import dev.funnel.job.sink.ActionSerialization;
import dev.funnel.job.sink.AlertSerialization;
import dev.funnel.job.sink.DeadLetterSerialization;
import dev.funnel.job.source.EventBatchDeserializer;
import dev.funnel.job.source.FlattenBatches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Stage 3: funnel.events in, one alert per incident out on funnel.alerts, and its remediation
 * decision on funnel.actions, exactly once.
 *
 * <pre>
 * flink run funnel-flink-job.jar --bootstrap-servers kafka:9092 \
 *     --schema-registry http://registry:8085/apis/ccompat/v7 [--rules rules.yaml]
 * </pre>
 *
 * {@link #pipeline} takes any source of decoded batches and returns the streams to sink, so
 * tests bring their own source and sinks; {@link #main} only wires Kafka around it.
 */
public final class FunnelJob {
    private FunnelJob() {}

    /**
     * The streams the job produces. late may be null when no detector windows. actions: one
     * remediation decision per alert whose rule does anything (rules.yaml remediation).
     */
    public record Outputs(DataStream<AlertRecord> alerts, DataStream<DeadLetter> deadLetters,
            DataStream<EventRecord> late, DataStream<EventRecord> events, DataStream<ActionRecord> actions) {}

    /** Flattens decoded batches (timestamps and watermarks already assigned), runs the detectors, decides actions. */
    public static Outputs pipeline(DataStream<DecodedBatch> decoded, Rules rules) {
        // Chains with the source (the default strategy): batches are never copied or shipped.
        SingleOutputStreamOperator<EventRecord> events = decoded
                .transform("flatten batches", Types.POJO(EventRecord.class), new FlattenBatches())
                .uid("flatten-batches");
        DataStream<BatchInfo> batches = events.getSideOutput(FlattenBatches.BATCHES);
        Detectors.Result r = Detectors.build(events, batches, rules);
        SingleOutputStreamOperator<AlertRecord> alerts = r.alerts().keyBy(a -> a.host, Types.STRING)
                .process(new RemediationDecider(rules.remediation)).name("remediation decisions").uid("remediation");
        return new Outputs(alerts, events.getSideOutput(FlattenBatches.DEAD_LETTERS), r.late(), events,
                alerts.getSideOutput(RemediationDecider.ACTIONS));
    }

    /** Per-partition watermarks from each batch's earliest event time, bounded and idle-aware. */
    public static WatermarkStrategy<DecodedBatch> watermarks(Rules rules) {
        return WatermarkStrategy.<DecodedBatch>forBoundedOutOfOrderness(Duration.ofMillis(rules.outOfOrdernessMs))
                .withTimestampAssigner((b, kafkaTs) -> b.earliestMs(kafkaTs))
                .withIdleness(Duration.ofMillis(rules.idlenessMs));
    }

    public static KafkaSource<DecodedBatch> source(JobOptions o) {
        OffsetsInitializer start = switch (o.startingOffsets) {
            case earliest -> OffsetsInitializer.earliest();
            case latest -> OffsetsInitializer.latest();
            case committed -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        var b = KafkaSource.<DecodedBatch>builder()
                .setBootstrapServers(o.bootstrapServers)
                .setTopics(o.eventsTopic)
                .setGroupId(o.groupId)
                .setStartingOffsets(start)
                .setDeserializer(new EventBatchDeserializer(o.schemaRegistry))
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("isolation.level", "read_committed");
        if (o.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static <T> KafkaSink<T> exactlyOnce(JobOptions o, String prefix,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
        Properties p = new Properties();
        p.setProperty("transaction.timeout.ms", "600000"); // within the broker's 15 min maximum
        return KafkaSink.<T>builder()
                .setBootstrapServers(o.bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(o.transactionalIdPrefix + "-" + prefix)
                .setKafkaProducerConfig(p)
                .build();
    }

    /**
     * Checkpoints go to dir, else to the configured execution.checkpointing.dir, else to a
     * local temp directory (with a warning). Never to the JobManager's heap, Flink's default
     * without a directory: it refuses state over 5 MB, and the fork panes of a busy fleet are
     * larger, so every checkpoint would fail and the job restart.
     */
    static void checkpointStorage(StreamExecutionEnvironment env, String dir) {
        if (dir.isEmpty() && env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isPresent()) {
            return;
        }
        if (dir.isEmpty()) {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "funnel-checkpoints").toUri().toString();
            System.err.println("funnel job: no checkpoint directory (--checkpoint-dir or execution.checkpointing.dir):"
                    + " using " + dir + ", which does not outlive this machine");
        }
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        env.configure(c);
    }

    /** The whole job on env, reading and writing Kafka as the options say. */
    public static void build(StreamExecutionEnvironment env, JobOptions o) {
        Rules rules = Detectors.rules(o.rules);
        if (o.parallelism != null) {
            env.setParallelism(o.parallelism);
        }
        env.enableCheckpointing(o.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        checkpointStorage(env, o.checkpointDir);
        env.getConfig().enableObjectReuse();
        DataStream<DecodedBatch> decoded = env.fromSource(source(o), watermarks(rules), "funnel.events")
                .uid("kafka-events");
        Outputs out = pipeline(decoded, rules);
        out.alerts().sinkTo(exactlyOnce(o, "alerts", new AlertSerialization(o.alertsTopic, o.schemaRegistry)))
                .name("funnel.alerts").uid("kafka-alerts");
        out.actions().sinkTo(exactlyOnce(o, "actions", new ActionSerialization(o.actionsTopic, o.schemaRegistry)))
                .name("funnel.actions").uid("kafka-actions");
        out.deadLetters().sinkTo(exactlyOnce(o, "dlq", new DeadLetterSerialization(o.deadLetterTopic)))
                .name("dead letters").uid("kafka-dead-letters");
        if (out.late() != null) {
            out.late().sinkTo(new DiscardingSink<>()).name("late events (counted, dropped)").uid("late-sink");
        }
    }

    public static void main(String[] args) throws Exception {
        JobOptions o;
        try {
            o = JobOptions.parse(args);
        } catch (picocli.CommandLine.ParameterException | IllegalArgumentException | RulesException e) {
            System.err.println("funnel job: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (o.help) {
            new picocli.CommandLine(new JobOptions()).usage(System.out);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, o);
        env.execute(o.jobName);
    }
}
