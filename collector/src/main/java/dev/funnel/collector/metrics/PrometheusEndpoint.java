package dev.funnel.collector.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.pipeline.LossLedger;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Prometheus text format on http://ADDRESS:PORT/metrics (localhost by default): per-stage
 * counters, every loss by where it happened, and the collector's own CPU and RSS, rendered
 * from one {@link CollectorStats} snapshot per scrape.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private static final String[] TYPES = {"", "fork", "exec", "exit", "burst", "slow_request", "probe", "cpu_profile"};

    private final HttpServer server;

    /** Serves what stats returns at each scrape (called on the endpoint's own thread). */
    public PrometheusEndpoint(Supplier<CollectorStats> stats, String address, int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(address, port), 4);
        server.createContext("/metrics", exchange -> {
            byte[] body = render(stats.get()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "funnel-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static String render(CollectorStats s) {
        StringBuilder sb = new StringBuilder(4096);
        EmitStats k = s.kernel();
        LossLedger.Snapshot loss = s.loss();
        header(sb, "funnel_kernel_records_attempted_total", "counter", "Records the BPF programs tried to emit.");
        for (int t = 1; t < RecordLayout.TYPE_MAX; t++) {
            sb.append("funnel_kernel_records_attempted_total{type=\"").append(TYPES[t]).append("\"} ")
                    .append(k.attempts(t)).append('\n');
        }
        header(sb, "funnel_kernel_records_dropped_total", "counter", "Records lost because the ring buffer was full.");
        for (int t = 1; t < RecordLayout.TYPE_MAX; t++) {
            sb.append("funnel_kernel_records_dropped_total{type=\"").append(TYPES[t]).append("\"} ")
                    .append(k.drops(t)).append('\n');
        }
        header(sb, "funnel_drained_records_total", "counter", "Records moved from the ring buffer to user space.");
        for (int t = 1; t < RecordLayout.TYPE_MAX; t++) {
            sb.append("funnel_drained_records_total{type=\"").append(TYPES[t]).append("\"} ")
                    .append(s.drained(t)).append('\n');
        }
        counter(sb, "funnel_drain_batches_total", "Batches read from the ring buffer in place (up to 1 MiB each).",
                s.drainBatches());
        counter(sb, "funnel_enriched_events_total", "Events with context attached.", s.enriched());
        gauge(sb, "funnel_backlog_events", "Events waiting for the sink.", s.queued());
        counter(sb, "funnel_delivered_events_total", "Events the sink delivered (Kafka acknowledged).", s.delivered());
        header(sb, "funnel_lost_events_total", "counter", "Events known lost, by stage.");
        lost(sb, "kernel_ring_full", loss.kernelDropped());
        lost(sb, "kernel_untracked", loss.kernelUntracked());
        lost(sb, "decode", loss.decodeLost());
        lost(sb, "backlog_full", loss.queueDropped());
        lost(sb, "kafka_failed", loss.kafkaFailed());
        gauge(sb, "funnel_process_cache_entries", "Processes whose context is cached.", s.cache().entries());
        counter(sb, "funnel_proc_reads_total", "Files read under /proc for context.", s.procReads());
        counter(sb, "funnel_process_contexts_built_total", "Process contexts built (a process seen first, or changed); "
                + "its other events share one, which a Kafka batch carries once.", s.contextsBuilt());
        CollectorStats.CpuSamples cpu = s.cpuSamples();
        header(sb, "funnel_cpu_samples_total", "counter", "On-CPU samples the kernel took (cpu_profile), by outcome: "
                + "counted with its stacks, or with a stack lost (collision, other), or not counted (map full).");
        sb.append("funnel_cpu_samples_total{outcome=\"counted\"} ").append(cpu.samples() - cpu.untracked()).append('\n');
        sb.append("funnel_cpu_samples_total{outcome=\"untracked\"} ").append(cpu.untracked()).append('\n');
        header(sb, "funnel_cpu_stacks_lost_total", "counter", "Sampled stacks the kernel could not keep, by why.");
        sb.append("funnel_cpu_stacks_lost_total{reason=\"collision\"} ").append(cpu.stackCollisions()).append('\n');
        sb.append("funnel_cpu_stacks_lost_total{reason=\"other\"} ").append(cpu.stacksLost()).append('\n');
        counter(sb, "funnel_cpu_profiles_total", "Process CPU profiles sent (processes above cpu.report.percent, per interval).",
                cpu.profiles());
        header(sb, "funnel_remediation_outcomes_total", "counter",
                "Actions from the job this host handled, by outcome (done, verified, identity_mismatch, refused...).");
        s.remediation().forEach((outcome, n) -> sb.append("funnel_remediation_outcomes_total{outcome=\"").append(outcome)
                .append("\"} ").append(n).append('\n'));
        counter(sb, "process_cpu_seconds_total", "User and system CPU time of the collector.", s.cpuSeconds());
        gauge(sb, "process_resident_memory_bytes", "Resident memory of the collector.", s.residentBytes());
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, double v) {
        header(sb, name, "counter", help);
        sb.append(name).append(' ').append(format(v)).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        header(sb, name, "gauge", help);
        sb.append(name).append(' ').append(format(v)).append('\n');
    }

    private static void lost(StringBuilder sb, String stage, long v) {
        sb.append("funnel_lost_events_total{stage=\"").append(stage).append("\"} ").append(v).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
