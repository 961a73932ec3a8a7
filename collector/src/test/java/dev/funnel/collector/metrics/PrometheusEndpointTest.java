package dev.funnel.collector.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.Collector;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.collector.pipeline.LossLedger;
import dev.funnel.collector.sink.StdoutJsonSink;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PrometheusEndpointTest {
    static String scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of one sample line (metric with its labels, exactly). */
    static double value(String body, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " ([0-9.]+)$", Pattern.MULTILINE).matcher(body);
        assertTrue(m.find(), sample + " in\n" + body);
        return Double.parseDouble(m.group(1));
    }

    /** A snapshot where every counter has its own value, so a metric wired to the wrong one shows. */
    static CollectorStats stats(long base) {
        long[] emit = new long[RecordLayout.TYPE_MAX * RecordLayout.STAT_MAX];
        emit[RecordLayout.TYPE_FORK * RecordLayout.STAT_MAX + RecordLayout.STAT_ATTEMPTS] = base + 11;
        emit[RecordLayout.TYPE_EXIT * RecordLayout.STAT_MAX + RecordLayout.STAT_DROPS] = base + 3;
        long[] drained = new long[RecordLayout.TYPE_MAX];
        drained[RecordLayout.TYPE_EXEC] = base + 7;
        return new CollectorStats(12.5, new EmitStats(emit), drained, base + 5, 0, null, base + 21, base + 2,
                new CollectorStats.CacheStats(base + 31, 40, 41, 42), base + 13, base + 17, base + 19,
                new LossLedger.Snapshot(3, 0, 0, base + 23, base + 29), 1.25, 4096 + base,
                new CollectorStats.CpuSamples(base + 537, base + 43, base + 47, base + 53, base + 59),
                java.util.Map.of("identity_mismatch", base + 61));
    }

    @Test
    void rendersEachCounterFromItsOwnStage() {
        String body = PrometheusEndpoint.render(stats(100));
        assertEquals(111, value(body, "funnel_kernel_records_attempted_total{type=\"fork\"}"));
        assertEquals(637 - 153, value(body, "funnel_cpu_samples_total{outcome=\"counted\"}"), "samples less the untracked");
        assertEquals(153, value(body, "funnel_cpu_samples_total{outcome=\"untracked\"}"));
        assertEquals(143, value(body, "funnel_cpu_stacks_lost_total{reason=\"collision\"}"));
        assertEquals(147, value(body, "funnel_cpu_stacks_lost_total{reason=\"other\"}"));
        assertEquals(159, value(body, "funnel_cpu_profiles_total"));
        assertEquals(161, value(body, "funnel_remediation_outcomes_total{outcome=\"identity_mismatch\"}"));
        assertEquals(103, value(body, "funnel_kernel_records_dropped_total{type=\"exit\"}"));
        assertEquals(0, value(body, "funnel_kernel_records_dropped_total{type=\"fork\"}"));
        assertEquals(107, value(body, "funnel_drained_records_total{type=\"exec\"}"));
        assertEquals(105, value(body, "funnel_drain_batches_total"));
        assertEquals(121, value(body, "funnel_enriched_events_total"));
        assertEquals(117, value(body, "funnel_backlog_events"));
        assertEquals(119, value(body, "funnel_delivered_events_total"));
        assertEquals(3, value(body, "funnel_lost_events_total{stage=\"kernel_ring_full\"}"));
        assertEquals(123, value(body, "funnel_lost_events_total{stage=\"backlog_full\"}"));
        assertEquals(129, value(body, "funnel_lost_events_total{stage=\"kafka_failed\"}"));
        assertEquals(131, value(body, "funnel_process_cache_entries"));
        assertEquals(113, value(body, "funnel_proc_reads_total"));
        assertEquals(102, value(body, "funnel_process_contexts_built_total"));
        assertEquals(1.25, value(body, "process_cpu_seconds_total"));
        assertEquals(4196, value(body, "process_resident_memory_bytes"));
        assertTrue(body.contains("# TYPE funnel_backlog_events gauge"), body);
    }

    @Test
    void eachScrapeRendersAFreshSnapshot() throws Exception {
        AtomicReference<CollectorStats> now = new AtomicReference<>(stats(0));
        try (PrometheusEndpoint m = new PrometheusEndpoint(now::get, "127.0.0.1", 0)) {
            assertEquals(21, value(scrape(m.port()), "funnel_enriched_events_total"));
            now.set(stats(1000));
            assertEquals(1021, value(scrape(m.port()), "funnel_enriched_events_total"));
        }
    }

    @Test
    void aCollectorOnTheKernelCountsWhatItDrainedAndEnriched() throws Exception {
        KernelTests.requireBpf();
        CollectorConfig config = CollectorConfig.of(null, Map.of("sensors", "process"));
        try (Collector c = Collector.start(config,
                (host, loss) -> new StdoutJsonSink(new PrintStream(OutputStream.nullOutputStream())));
             PrometheusEndpoint m = new PrometheusEndpoint(c::stats, "127.0.0.1", 0)) {
            KernelTests.runWorkload("forks", "20"); // 8 single fork records, then the rest aggregated
            // The first event is slow to enrich (/proc reads, the cgroup scan): wait for the drain to catch up.
            assertTrue(KernelTests.await(() -> {
                CollectorStats s = c.stats();
                return s.drained(RecordLayout.TYPE_FORK) >= 8 && s.enriched() == s.drainedTotal();
            }, 20_000), c.stats().toString());
            String body = scrape(m.port());
            double drained = 0;
            for (String type : new String[] {"fork", "exec", "exit", "burst", "slow_request", "probe"}) {
                drained += value(body, "funnel_drained_records_total{type=\"" + type + "\"}");
            }
            assertTrue(value(body, "funnel_drained_records_total{type=\"fork\"}") >= 8, "the workload's forks\n" + body);
            assertTrue(value(body, "funnel_enriched_events_total") >= 8, body);
            assertTrue(drained >= value(body, "funnel_enriched_events_total"), "a stage never passes on more than it got");
            assertTrue(value(body, "funnel_process_contexts_built_total") >= 1, body);
            assertEquals(0, value(body, "funnel_lost_events_total{stage=\"backlog_full\"}"));
            assertTrue(value(body, "process_resident_memory_bytes") > 1 << 20, "own RSS");
            c.close();
            assertEquals(c.stats().drainedTotal(), c.stats().enriched(), "at close, everything drained was enriched");
        }
    }
}
