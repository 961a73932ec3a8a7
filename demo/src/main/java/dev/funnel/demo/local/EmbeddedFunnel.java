package dev.funnel.demo.local;

import dev.funnel.collector.Collector;
import dev.funnel.collector.StartupException;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.metrics.PrometheusEndpoint;
import dev.funnel.collector.cli.Sinks;
import dev.funnel.demo.cli.Progress;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.job.JobOptions;
import dev.funnel.schema.wire.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on one host, every part real: a KRaft broker and the job's Flink mini
 * cluster in this JVM, the schema registry as a child process, and the collector on the kernel.
 * Started in dependency order; close() stops in reverse and is safe after a partial start.
 */
public final class EmbeddedFunnel implements AutoCloseable {
    /** Ports (0: any free one), rules file and collector config file ("" for defaults). */
    public record Settings(int kafkaPort, int registryPort, int webPort, int metricsPort, String rules,
            String collectorConfig, Path workDir) {}

    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedKafka kafka;
    private EmbeddedRegistry registry;
    private LocalFlink flink;
    private Collector collector;
    private CollectorConfig collectorConfig;

    private EmbeddedFunnel() {}

    public static EmbeddedFunnel start(Settings s, Progress progress) {
        EmbeddedFunnel f = new EmbeddedFunnel();
        try {
            f.kafka = f.keep(progress.step("Kafka broker (KRaft, in-process)", () -> EmbeddedKafka.start(s.kafkaPort())));
            f.kafka.createTopics(2, Topics.EVENTS);
            f.kafka.createTopics(1, Topics.ALERTS, Topics.DEAD_LETTER, Topics.ACTIONS, Topics.ACTIONS_AUDIT);
            progress.say("Kafka on %s, topics %s %s %s %s %s", f.kafka.bootstrapServers(), Topics.EVENTS, Topics.ALERTS,
                    Topics.DEAD_LETTER, Topics.ACTIONS, Topics.ACTIONS_AUDIT);
            f.registry = f.keep(progress.step("schema registry (Apicurio, Confluent API; ~10 s)",
                    () -> EmbeddedRegistry.start(s.registryPort(), s.workDir())));
            progress.say("schema registry at %s", f.registry.url());
            f.flink = f.keep(progress.step("Flink mini cluster and the detection job",
                    () -> LocalFlink.start(s.webPort(), JobOptions.of(jobOptions(f, s)), s.workDir().resolve("flink.log").toString())));
            progress.say("Flink Web UI at %s (job: funnel detection)", f.flink.webUrl());
            f.collector = f.keep(progress.step("collector on the kernel", () -> startCollector(f, s)));
            if (s.metricsPort() != 0) {
                String address = f.collectorConfig.string("metrics.address");
                PrometheusEndpoint m = f.keep(metrics(f.collector, address, s.metricsPort()));
                progress.say("collector metrics at http://%s:%d/metrics", address, m.port());
            }
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    static Map<String, String> jobOptions(EmbeddedFunnel f, Settings s) {
        Map<String, String> o = new HashMap<>();
        o.put("bootstrap-servers", f.kafka.bootstrapServers());
        o.put("schema-registry", f.registry.url());
        o.put("rules", s.rules());
        o.put("starting-offsets", "earliest"); // the topics are new: read all of them
        o.put("checkpoint-interval", "500ms");  // alerts are committed per checkpoint: this bounds their delay
        o.put("parallelism", "1");              // 2 cores, shared with the broker and the collector
        o.put("checkpoint-dir", s.workDir().resolve("checkpoints").toUri().toString());
        return o;
    }

    static Collector startCollector(EmbeddedFunnel f, Settings s) {
        Map<String, String> sets = new HashMap<>();
        sets.put("sink", "kafka");
        sets.put("kafka.bootstrap.servers", f.kafka.bootstrapServers());
        sets.put("schema.registry.url", f.registry.url());
        sets.put("metrics.port", Integer.toString(s.metricsPort()));
        if (s.collectorConfig().isEmpty()) {
            // The job decides; the rules' mode (dry-run unless they say enforce) decides whether anything happens.
            sets.put("remediation", "on");
        }
        CollectorConfig config = CollectorConfig.of(s.collectorConfig().isEmpty() ? null : Path.of(s.collectorConfig()), sets);
        f.collectorConfig = config;
        return Collector.start(config, Sinks.kafka(config.kafkaSink()));
    }

    static PrometheusEndpoint metrics(Collector c, String address, int port) {
        try {
            return new PrometheusEndpoint(c::stats, address, port);
        } catch (java.io.IOException e) {
            throw new StartupException("collector metrics on port " + port + ": " + e.getMessage()
                    + " (pick another with --metrics-port, or 0 for none)", e);
        }
    }

    private <T extends AutoCloseable> T keep(T part) {
        started.add(part);
        return part;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public LocalFlink flink() {
        return flink;
    }

    public Collector collector() {
        return collector;
    }

    /** Stops the collector first (its last batches still reach Kafka), then the job, registry, broker. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("funnel: while stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
    }
}
