package dev.funnel.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.Collector;
import dev.funnel.collector.cli.Sinks;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.EventBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka goes away for 30 s while the kernel keeps producing. The collector keeps draining,
 * holds a small bounded backlog, counts what it must drop, and delivers again by itself once
 * the broker is back. Every event it drained is either on the topic or counted as lost.
 */
@Timeout(300)
class KafkaOutageTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void deliveredPlusCountedLostEqualsEmittedAcrossA30SecondOutage() throws Exception {
        String registry = SharedPlatform.registry().url();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            kafka.createTopics(1, "outage.events");
            CollectorConfig config = CollectorConfig.of(null, Map.of("sink", "kafka", "sensors", "process",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.topic", "outage.events",
                    "schema.registry.url", registry, "metrics.port", "0",
                    // A small backlog so the outage overflows it: the loss must be counted, not silent.
                    "queue.max.events", "300", "kafka.buffer.bytes", "65536", "kafka.batch.max.events", "50",
                    "process.pre.threshold", "100000"));
            AtomicBoolean load = new AtomicBoolean(true);
            Thread workload = new Thread(() -> {
                while (load.get()) {
                    try {
                        KernelTests.runWorkload("forks", "40");
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            Collector c = Collector.start(config, Sinks.kafka(config.kafkaSink()));
            long emittedBeforeRestart;
            try {
                workload.start();
                Thread.sleep(5_000);
                kafka.stop();
                long outageStart = System.currentTimeMillis();
                Thread.sleep(30_000);
                assertTrue(c.failure() == null, "still running during the outage: " + c.failure());
                assertTrue(c.stats().loss().queueDropped() > 0, "the bounded backlog overflowed and counted it");
                kafka.restart();
                System.out.printf("outage: broker away %.1f s%n", (System.currentTimeMillis() - outageStart) / 1000.0);
                emittedBeforeRestart = c.stats().enriched();
                Thread.sleep(10_000);
                load.set(false);
                workload.join();
                Thread.sleep(1_500);
            } finally {
                load.set(false);
                c.close();
            }
            LossLedger.Snapshot loss = c.stats().loss();
            long emitted = c.stats().enriched();
            List<EventBatch> batches = EventTopicReader.readAll(kafka.bootstrapServers(), registry, "outage.events",
                    3000, 60_000);
            long onTopic = batches.stream().mapToLong(b -> b.getEvents().size()).sum();
            long counted = loss.queueDropped() + loss.kafkaFailed();
            System.out.printf("outage: emitted %d, on the topic %d, counted lost %d (backlog %d, kafka %d), batches %d%n",
                    emitted, onTopic, counted, loss.queueDropped(), loss.kafkaFailed(), batches.size());
            assertEquals(emitted, onTopic + counted, "delivered + counted lost == emitted");
            assertTrue(batches.stream().anyMatch(b -> b.getCreatedNs() > 0 && b.getSeq() > 0
                    && b.getLoss().getQueueDroppedSincePrev() > 0), "the loss travelled on the data");
            assertTrue(emitted > emittedBeforeRestart, "kept collecting after the broker came back");
            EventBatch last = batches.get(batches.size() - 1);
            assertEquals(counted, last.getLoss().getLostTotal(), "the last batch carries the run's total loss");
        }
    }

    /**
     * The same outage with room in the backlog: nothing is lost. The producer says "away" by
     * failing a send at once (no metadata for the topic), and a sink that took that for a lost
     * batch dropped every heartbeat and event of the outage (found by bench/faults.sh).
     */
    @Test
    void aTenSecondOutageWithRoomInTheBacklogLosesNothingAndLeavesNoSequenceGap() throws Exception {
        String registry = SharedPlatform.registry().url();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            kafka.createTopics(1, "outage2.events");
            CollectorConfig config = CollectorConfig.of(null, Map.of("sink", "kafka", "sensors", "process",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.topic", "outage2.events",
                    "schema.registry.url", registry, "metrics.port", "0", "process.pre.threshold", "100000"));
            Collector c = Collector.start(config, Sinks.kafka(config.kafkaSink()));
            try {
                Thread.sleep(2_000);
                kafka.stop();
                KernelTests.runWorkload("forks", "40"); // events while the broker is away
                Thread.sleep(10_000);
                kafka.restart();
                Thread.sleep(5_000);
            } finally {
                c.close();
            }
            LossLedger.Snapshot loss = c.stats().loss();
            List<EventBatch> batches = EventTopicReader.readAll(kafka.bootstrapServers(), registry, "outage2.events",
                    3000, 60_000);
            List<Long> seqs = batches.stream().map(EventBatch::getSeq).toList();
            System.out.printf("short outage: %d batches, seq %d..%d, lost %d%n", batches.size(), seqs.get(0),
                    seqs.get(seqs.size() - 1), loss.total());
            assertEquals(0, loss.total(), "nothing lost: " + loss);
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i, seqs.get(i), "every batch of the run, in order, heartbeats of the outage too");
            }
            assertTrue(batches.stream().mapToLong(b -> b.getEvents().size()).sum() >= 80,
                    "the forks and exits made during the outage arrived");
        }
    }

    /**
     * A collector stopped while Kafka is away stops within the 30 s it gives Kafka, and counts
     * what it still held as lost. The sink holds on while Kafka is away; without a bound on that
     * at shutdown it would never stop.
     */
    @Test
    void aCollectorStoppedWhileKafkaIsAwayStopsWithinItsWaitAndCountsWhatItHeld() throws Exception {
        String registry = SharedPlatform.registry().url();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            kafka.createTopics(1, "outage3.events");
            CollectorConfig config = CollectorConfig.of(null, Map.of("sink", "kafka", "sensors", "process",
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.topic", "outage3.events",
                    "schema.registry.url", registry, "metrics.port", "0", "process.pre.threshold", "100000"));
            Collector c = Collector.start(config, Sinks.kafka(config.kafkaSink()));
            Thread.sleep(2_000);
            kafka.stop();
            KernelTests.runWorkload("forks", "40");
            Thread.sleep(2_000);
            long t0 = System.nanoTime();
            c.close();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("stopped with Kafka away in %.1f s; lost %s%n", seconds, c.stats().loss());
            assertTrue(seconds < 45, "stopped within its 30 s wait for Kafka, took " + seconds + " s");
            assertTrue(c.stats().loss().kafkaFailed() >= 80, "what it held is counted: " + c.stats().loss());
        }
    }
}
