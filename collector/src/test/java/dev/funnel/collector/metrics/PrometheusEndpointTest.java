package dev.funnel.collector.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.Collector;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.collector.sink.StdoutJsonSink;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
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

    static long value(String body, String metric) {
        Matcher m = Pattern.compile("^" + metric + " (\\d+)$", Pattern.MULTILINE).matcher(body);
        assertTrue(m.find(), metric + " in\n" + body);
        return Long.parseLong(m.group(1));
    }

    @Test
    void servesPerStageCountersLossAndOwnCost() throws Exception {
        KernelTests.requireBpf();
        CollectorConfig config = CollectorConfig.of(null, Map.of("sensors", "process"));
        try (Collector c = Collector.start(config, self -> new StdoutJsonSink(new PrintStream(OutputStream.nullOutputStream())));
             PrometheusEndpoint m = new PrometheusEndpoint(c, "127.0.0.1", 0)) {
            KernelTests.runWorkload("forks", "20");
            Thread.sleep(300);
            String body = scrape(m.port());
            for (String metric : new String[] {"funnel_kernel_records_attempted_total{type=\"fork\"}",
                    "funnel_kernel_records_dropped_total{type=\"exit\"} 0", "funnel_drained_records_total{type=\"exec\"}",
                    "funnel_lost_events_total{stage=\"backlog_full\"} 0", "funnel_lost_events_total{stage=\"kafka_failed\"} 0",
                    "process_cpu_seconds_total ", "process_resident_memory_bytes ", "# TYPE funnel_backlog_events gauge"}) {
                assertTrue(body.contains(metric), metric + " in\n" + body);
            }
            // Each process's context is built once, as its first event is enriched (the first
            // one may take a while: /proc reads, the cgroup scan).
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (value(body, "funnel_process_contexts_built_total") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                body = scrape(m.port());
            }
            assertTrue(value(body, "funnel_process_contexts_built_total") >= 1, body);
        }
    }
}
