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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PrometheusEndpointTest {
    @Test
    void servesPerStageCountersLossAndOwnCost() throws Exception {
        KernelTests.requireBpf();
        CollectorConfig config = CollectorConfig.of(null, Map.of("sensors", "process"));
        try (Collector c = Collector.start(config, self -> new StdoutJsonSink(new PrintStream(OutputStream.nullOutputStream())));
             PrometheusEndpoint m = new PrometheusEndpoint(c, "127.0.0.1", 0)) {
            KernelTests.runWorkload("forks", "20");
            Thread.sleep(300);
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String metric : new String[] {"funnel_kernel_records_attempted_total{type=\"fork\"}",
                    "funnel_kernel_records_dropped_total{type=\"exit\"} 0", "funnel_drained_records_total{type=\"exec\"}",
                    "funnel_lost_events_total{stage=\"backlog_full\"} 0", "funnel_lost_events_total{stage=\"kafka_failed\"} 0",
                    "process_cpu_seconds_total ", "process_resident_memory_bytes ", "# TYPE funnel_backlog_events gauge"}) {
                assertTrue(body.contains(metric), metric + " in\n" + body);
            }
            long built = Long.parseLong(body.replaceAll("(?s).*\nfunnel_process_contexts_built_total (\\d+)\n.*", "$1"));
            long enriched = Long.parseLong(body.replaceAll("(?s).*\nfunnel_enriched_events_total (\\d+)\n.*", "$1"));
            assertTrue(built > 0 && built <= enriched, "contexts built " + built + " for " + enriched + " events");
        }
    }
}
