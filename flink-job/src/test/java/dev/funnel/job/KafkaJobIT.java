package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.SharedPlatform;
import dev.funnel.workloads.synthetic.SyntheticEvents;
import dev.funnel.schema.Alert;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The job on a MiniCluster (parallelism 2) against a real KRaft broker and a real registry. */
@Timeout(300)
class KafkaJobIT {
    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();
    /**
     * Event time of the synthetic batches: an hour ago, on a whole minute (windows align as in a
     * real run). Never a fixed date: the sink stamps alerts with their event time, and the
     * broker's 7-day retention deletes records stamped a week in the past, mid-test.
     */
    static final long RECENT_NS = (System.currentTimeMillis() / 60_000 - 60) * 60_000 * 1_000_000L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    static final String WORKER = "/usr/bin/worker";

    static Map<String, String> options(EmbeddedKafka kafka, String prefix, boolean bounded) {
        return Map.ofEntries(Map.entry("bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("schema-registry", SharedPlatform.registry().url()),
                Map.entry("events-topic", prefix + ".events"), Map.entry("alerts-topic", prefix + ".alerts"),
                Map.entry("dead-letter-topic", prefix + ".dlq"), Map.entry("actions-topic", prefix + ".actions"),
                Map.entry("group-id", prefix),
                Map.entry("transactional-id-prefix", prefix), Map.entry("starting-offsets", "earliest"),
                Map.entry("checkpoint-interval", "500ms"), Map.entry("parallelism", "2"),
                Map.entry("bounded", Boolean.toString(bounded)));
    }

    static void topics(EmbeddedKafka kafka, String prefix) {
        kafka.createTopics(2, prefix + ".events", prefix + ".alerts", prefix + ".dlq", prefix + ".actions");
    }

    /** A storm of `forks` single fork records from pid, starting at ms, 2 per ms, in batches of 500. */
    static List<EventBatch> storm(SyntheticEvents sim, int pid, double ms, int forks) {
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < forks; i++) {
            ev.add(sim.fork(ms + i * 0.5, pid, WORKER, 100_000 + pid * 10_000 + i));
        }
        List<EventBatch> out = new ArrayList<>();
        for (int i = 0; i < ev.size(); i += 500) {
            out.add(sim.batch(ev.subList(i, Math.min(ev.size(), i + 500))));
        }
        return out;
    }

    @Test
    void oneStormOneAlertABenignHostNoneAndBadRecordsToTheDeadLetterTopic() throws Exception {
        EmbeddedKafka kafka = SharedPlatform.kafka();
        String registry = SharedPlatform.registry().url();
        topics(kafka, "it1");
        SyntheticEvents a = new SyntheticEvents("host-a", RECENT_NS);
        SyntheticEvents b = new SyntheticEvents("host-b", RECENT_NS);
        List<EventBatch> batches = new ArrayList<>(storm(a, 4242, 0, 10_000));
        List<Event> benign = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            benign.add(b.fork(i * 100, 900, "/usr/bin/make", 200_000 + i));
            benign.add(b.childExit(i * 100 + 2500, 200_000 + i, 900, "/usr/bin/make", 2400));
        }
        batches.add(b.batch(benign));
        Topics.send(kafka.bootstrapServers(), registry, "it1.events", batches);
        byte[] good = new dev.funnel.schema.wire.WireEncoder<>(EventBatch.class,
                new dev.funnel.schema.wire.SchemaRegistry(registry).register("it1.events-value", EventBatch.getClassSchema()))
                .encode(b.batch(List.of()));
        byte[] badMagic = good.clone();
        badMagic[0] = 9;
        byte[] unknownId = good.clone();
        unknownId[1] = 0x55;
        Topics.sendRaw(kafka.bootstrapServers(), "it1.events", "x".getBytes(), badMagic);
        Topics.sendRaw(kafka.bootstrapServers(), "it1.events", "y".getBytes(), unknownId);
        Topics.sendRaw(kafka.bootstrapServers(), "it1.events", "z".getBytes(), java.util.Arrays.copyOf(good, 9));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FunnelJob.build(env, JobOptions.of(options(kafka, "it1", true)));
        JobID job = env.execute("it1").getJobID();

        List<Alert> alerts = Topics.alerts(kafka.bootstrapServers(), registry, "it1.alerts", 3000);
        assertEquals(1, alerts.size(), alerts.toString());
        Alert alert = alerts.get(0);
        assertEquals("fork_storm", alert.getDetector());
        assertEquals("host-a", alert.getHost());
        assertEquals(4242, alert.getPid());
        assertEquals(WORKER, alert.getExe());
        assertEquals("ab".repeat(32), alert.getContainerId());
        assertEquals(0, alert.getLostEventsInWindow());
        // Its remediation decision, on its own topic next to it: the shipped rules kill, in dry-run.
        List<ConsumerRecord<byte[], byte[]>> actions = Topics.readAll(kafka.bootstrapServers(), "it1.actions", 1000);
        assertEquals(1, actions.size(), "one decision for one alert");
        dev.funnel.schema.Action action = dev.funnel.schema.wire.WireDecoder.of(dev.funnel.schema.Action.class,
                new dev.funnel.schema.wire.SchemaRegistry(registry)).decode(actions.get(0).value());
        assertEquals("act/" + alert.getAlertId(), action.getActionId());
        assertEquals("dry_run", action.getDecision());
        assertEquals(4242, action.getPid());
        assertEquals("host-a", new String(actions.get(0).key()), "keyed by host: each collector reads its own");

        List<ConsumerRecord<byte[], byte[]>> dlq = Topics.readAll(kafka.bootstrapServers(), "it1.dlq", 3000);
        assertEquals(List.of("BAD_MAGIC_BYTE", "TRUNCATED_AVRO", "UNKNOWN_SCHEMA_ID"),
                dlq.stream().map(Topics::reason).sorted().toList());
        assertTrue(dlq.stream().anyMatch(r -> java.util.Arrays.equals(r.value(), badMagic)), "kept byte for byte");
        assertEquals(3, counter(job, "deadLettered"), "dead letters counted in Flink metrics");
        assertEquals(10_200, counter(job, "eventsIn"));
        assertEquals(1, counter(job, "alertsOut"));
    }

    @Test
    void aJobRestoredFromItsCheckpointMidStreamGivesNoDuplicateAndNoMissingAlert(@TempDir Path checkpoints)
            throws Exception {
        EmbeddedKafka kafka = SharedPlatform.kafka();
        String registry = SharedPlatform.registry().url();
        topics(kafka, "it2");
        SyntheticEvents sim = new SyntheticEvents("host-r", RECENT_NS);
        // Six incidents 10 s apart (event time): six storms from six processes.
        List<List<EventBatch>> storms = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            storms.add(storm(sim, 1000 + i, i * 10_000.0, 1_000));
        }
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);

        // Run 1: three incidents and half of the fourth, then the job goes away.
        List<EventBatch> first = new ArrayList<>();
        storms.subList(0, 3).forEach(first::addAll);
        first.add(storms.get(3).get(0));
        Topics.send(kafka.bootstrapServers(), registry, "it2.events", first);
        StreamExecutionEnvironment env1 = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        FunnelJob.build(env1, JobOptions.of(options(kafka, "it2", false)));
        JobClient run1 = env1.executeAsync("it2-run1");
        long deadline = System.currentTimeMillis() + 90_000;
        while (storms(kafka, registry, 500).size() < 2
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(1500); // let another checkpoint complete behind the committed alerts
        run1.cancel().get();
        Path restoreFrom = latestCheckpoint(checkpoints).orElseThrow(() -> new AssertionError("no retained checkpoint"));
        int committedBefore = storms(kafka, registry, 1000).size();

        // Run 2: the rest arrives; a new job restores the retained checkpoint. Restored Kafka splits
        // keep the unbounded end of run 1, so run 2 is unbounded too: wait for the alerts to settle.
        List<EventBatch> rest = new ArrayList<>(storms.get(3).subList(1, storms.get(3).size()));
        storms.subList(4, 6).forEach(rest::addAll);
        rest.add(sim.batch(List.of(sim.fork(80_000, 7, "/usr/bin/idle", 7_000_001)))); // moves event time past the last window
        Topics.send(kafka.bootstrapServers(), registry, "it2.events", rest);
        Configuration restore = new Configuration(conf);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toString());
        StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        FunnelJob.build(env2, JobOptions.of(options(kafka, "it2", false)));
        JobClient run2 = env2.executeAsync("it2-run2");
        deadline = System.currentTimeMillis() + 90_000;
        while (storms(kafka, registry, 500).size() < 6
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(3000); // a duplicate would be committed by the next checkpoints
        List<Alert> alerts = storms(kafka, registry, 3000);
        run2.cancel().get();
        List<Integer> pids = alerts.stream().map(Alert::getPid).sorted().toList();
        System.out.printf("restore: %d alerts committed before the restart, %d after, pids %s (from %s)%n",
                committedBefore, alerts.size(), pids, restoreFrom.getFileName());
        assertEquals(List.of(1000, 1001, 1002, 1003, 1004, 1005), pids, "each incident exactly once");
        assertTrue(committedBefore >= 2 && committedBefore < 6, "the restart really was mid-stream");
    }

    /**
     * it2's fork_storm alerts. The test's producer goes quiet between and after its sends, and
     * the job rightly says so (collector_gaps: lost_visibility "silence", PID 0): not counted here.
     */
    static List<Alert> storms(EmbeddedKafka kafka, String registry, long quietMs) throws Exception {
        return Topics.alerts(kafka.bootstrapServers(), registry, "it2.alerts", quietMs).stream()
                .filter(a -> a.getDetector().equals("fork_storm")).toList();
    }

    static Optional<Path> latestCheckpoint(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))));
        }
    }

    static long counter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<String, Metric> e : METRICS.findMetrics(job, name).entrySet()) {
            if (e.getValue() instanceof Counter c && e.getKey().endsWith("." + name)) {
                sum += c.getCount();
            }
        }
        return sum;
    }
}
