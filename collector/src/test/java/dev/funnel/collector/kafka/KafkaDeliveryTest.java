package dev.funnel.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.Collector;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.collector.cli.Sinks;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.wire.ProcessContexts;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Events from the real kernel reach a real broker as Avro through a real registry, with context. */
@Timeout(180)
class KafkaDeliveryTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void kernelEventsAreReadBackByAPlainConsumerWithTheirContext() throws Exception {
        EmbeddedKafka kafka = SharedPlatform.kafka();
        String registry = SharedPlatform.registry().url();
        kafka.createTopics(2, "delivery.events");
        CollectorConfig config = CollectorConfig.of(null, Map.of("sink", "kafka", "sensors", "process",
                "kafka.bootstrap.servers", kafka.bootstrapServers(), "kafka.topic", "delivery.events",
                "schema.registry.url", registry, "host.name", "delivery-host", "metrics.port", "0"));
        long pid;
        try (Collector c = Collector.start(config, Sinks.kafka(config.kafkaSink()))) {
            pid = KernelTests.runWorkload("forks", "50");
            Thread.sleep(1500); // the burst's last counts leave the kernel at the next flush
        }
        List<EventBatch> batches = EventTopicReader.readAll(kafka.bootstrapServers(), registry, "delivery.events",
                3000, 60_000);
        assertTrue(!batches.isEmpty(), "batches on the topic");
        for (int i = 0; i < batches.size(); i++) {
            EventBatch b = batches.get(i);
            assertEquals("delivery-host", b.getHost());
            assertEquals(i, b.getSeq(), "one partition per host, in order, no gaps");
            assertEquals(0, b.getLoss().getLostTotal(), "nothing lost");
        }
        for (EventBatch b : batches) {
            assertEquals(b.getProcesses().size(), new HashSet<>(b.getProcesses()).size(),
                    "each process's context once per batch");
        }
        List<Event> events = batches.stream().flatMap(b -> b.getEvents().stream().map(e -> ProcessContexts.inline(b, e)))
                .toList();
        Event exec = events.stream()
                .filter(e -> e.getType() == EventType.EXEC && e.getProcess().getPid() == pid)
                .filter(e -> ((ExecDetail) e.getDetail()).getFilename().endsWith("funnel-workload")) // not jspawnhelper
                .findFirst().orElseThrow();
        assertTrue(exec.getProcess().getExe().endsWith("/funnel-workload"), exec.getProcess().getExe());
        assertEquals(List.of("forks", "50"), ((ExecDetail) exec.getDetail()).getArgv().subList(1, 3));
        assertEquals(ProcessHandle.current().pid(), exec.getParent().getPid(), "parent: this JVM");
        assertNotNull(exec.getParent().getExe(), "parent context attached");
        long now = System.currentTimeMillis() * 1_000_000L;
        assertTrue(Math.abs(now - exec.getTimeNs()) < 120_000_000_000L, "wall-clock time, not boot time");
        long forks = events.stream()
                .filter(e -> e.getProcess().getPid() == pid && (e.getType() == EventType.FORK
                        || e.getType() == EventType.BURST && ((dev.funnel.schema.BurstDetail) e.getDetail()).getKind()
                        == dev.funnel.schema.BurstKind.FORK))
                .mapToLong(e -> e.getType() == EventType.FORK ? 1 : ((dev.funnel.schema.BurstDetail) e.getDetail()).getCount())
                .sum();
        assertEquals(50, forks, "every fork accounted for on the topic");
    }
}
