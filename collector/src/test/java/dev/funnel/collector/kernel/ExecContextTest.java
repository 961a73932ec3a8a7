package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.Collector;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.ProcessContext;
import dev.funnel.workloads.Workloads;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Context stays right across exec even when the kernel aggregates the execs: a child runs a
 * chain of three images (sh, env, the workload) under a parent whose children's execs are
 * counted, not sent; the events after the last exec carry the last image's exe and cmdline.
 */
@Timeout(120)
class ExecContextTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void theEventsAfterAChainOfAggregatedExecsCarryTheLastImage() throws Exception {
        Queue<Enriched> seen = new ConcurrentLinkedQueue<>();
        EventSink capture = KernelTests.capture(seen);
        CollectorConfig config = CollectorConfig.of(null, Map.of("sensors", "process", "metrics.port", "0"));
        int child;
        try (Collector c = Collector.start(config, (host, loss) -> capture)) {
            Workloads.Result r = Workloads.run("execchain");
            child = Integer.parseInt(r.report().replaceAll("(?s).*child=(\\d+).*", "$1"));
            assertTrue(KernelTests.await(() -> forksOf(seen, child).size() >= 3, 10_000), "the last image's forks");
        }
        assertEquals(0, seen.stream().filter(e -> e.event().getType() == EventType.EXEC
                && e.process().getPid() == child && e.event().getDetail() instanceof ExecDetail).count(),
                "the chain's execs were aggregated into the parent's burst (the test is only meaningful then)");
        for (Enriched e : forksOf(seen, child)) {
            ProcessContext p = e.process();
            assertTrue(p.getExe() != null && p.getExe().endsWith("/funnel-workload"), "exe " + p.getExe());
            assertTrue(p.getCmdline() != null && p.getCmdline().endsWith("forks 3 500"), "cmdline " + p.getCmdline());
        }
    }

    static List<Enriched> forksOf(Queue<Enriched> seen, int pid) {
        return seen.stream().filter(e -> e.event().getType() == EventType.FORK && e.process().getPid() == pid).toList();
    }
}
