package dev.funnel.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.collector.pipeline.LossLedgerTest;
import dev.funnel.collector.sink.KafkaEventSink;
import dev.funnel.collector.sink.KafkaSinkSettings;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka sink alone, fed the way the sink thread feeds it, against a real broker and
 * registry (no kernel): the run announces itself with an acknowledged empty batch, batches close
 * at their size, carry the run's sequence without gaps and the loss since the previous batch,
 * and a quiet host still sends heartbeats.
 */
@Timeout(120)
class KafkaEventSinkTest {
    static final ProcessContext WORKER = new ProcessContext(4242, 1_000L, 2_000L, 1, 0, "worker", "/usr/bin/worker",
            "worker -j8", 0L, "/", null, null, new ParentInfo(1, 5L, 6L, "init", "/sbin/init", null));

    static List<Enriched> forks(int n, long t0) {
        List<Enriched> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Enriched(new Event(EventType.FORK, t0 + i, t0 + i, 4242, -1, null, null, new ForkDetail(5000 + i)),
                    WORKER));
        }
        return out;
    }

    @Test
    void batchesCarrySequenceLossAndHeartbeats() throws Exception {
        EmbeddedKafka kafka = SharedPlatform.kafka();
        String registry = SharedPlatform.registry().url();
        kafka.createTopics(1, "sink.events");
        KafkaSinkSettings settings = new KafkaSinkSettings(kafka.bootstrapServers(), "sink.events", registry, "zstd",
                60_000_000_000L /* linger: only size closes a batch here */, 300_000_000L /* heartbeat 300 ms */,
                100, 1 << 20, 1 << 22, 30_000);
        LossLedger loss = new LossLedger();
        KafkaEventSink sink = new KafkaEventSink(settings, new HostInfo("sink-host", "boot-7"), loss);
        // The run announces itself before the collector attaches anything: a kill from then on
        // leaves a silence the job can see.
        assertEquals(1, sink.batchesAcked(), "the run's first batch is acknowledged before the sink is ready");
        sink.write(forks(250, 1_000)); // two full batches of 100; 50 wait
        loss.queueDropped(5);
        loss.source(LossLedgerTest.source(8, 0, 0));
        sink.write(forks(50, 2_000));  // the third batch: reports the 13 lost since the second
        long idleFrom = System.nanoTime();
        while (System.nanoTime() - idleFrom < 1_000_000_000L) { // the sink thread's loop, idle for 1 s
            sink.tick();
            Thread.sleep(Math.max(1, sink.nanosUntilDue() / 1_000_000));
        }
        sink.close();

        List<EventBatch> batches = EventTopicReader.readAll(kafka.bootstrapServers(), registry, "sink.events", 2000, 30_000);
        assertTrue(batches.get(0).getEvents().isEmpty(), "the announcement is an empty batch");
        assertEquals(List.of(100, 100, 100), batches.subList(1, 4).stream().map(b -> b.getEvents().size()).toList());
        for (int i = 0; i < batches.size(); i++) {
            EventBatch b = batches.get(i);
            assertEquals(i, b.getSeq(), "a run's sequence has no gaps");
            assertEquals("sink-host", b.getHost());
            assertEquals("boot-7", b.getBootId());
            assertEquals(batches.get(0).getCollectorRun(), b.getCollectorRun());
        }
        assertEquals(0, batches.get(2).getLoss().getLostTotal());
        assertEquals(5, batches.get(3).getLoss().getQueueDroppedSincePrev());
        assertEquals(8, batches.get(3).getLoss().getKernelDroppedSincePrev());
        assertEquals(13, batches.get(3).getLoss().getLostTotal());
        List<EventBatch> heartbeats = batches.subList(4, batches.size());
        assertTrue(heartbeats.size() >= 2 && heartbeats.size() <= 4, "an empty batch every 300 ms of the idle second: "
                + heartbeats.size());
        assertTrue(heartbeats.stream().allMatch(b -> b.getEvents().isEmpty() && b.getLoss().getLostTotal() == 13));
        assertEquals(300, sink.delivered(), "every event acknowledged");
    }
}
