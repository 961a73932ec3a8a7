package dev.funnel.benchmarks.fleet;

import dev.funnel.collector.cli.CollectorJvm;
import dev.funnel.demo.cli.Progress;
import dev.funnel.embedded.ChildProcess;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.embedded.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet deployment on one machine, every part its own process: a Kafka broker whose data
 * outlives it, the schema registry, a standalone Flink session cluster with high availability
 * (ZooKeeper, see {@link FlinkCluster}) and the job jar submitted by {@code flink run -d}, and the
 * collector jar as the systemd unit runs it. Used by
 * {@code funnel fleet} and by the fault-injection bench, which kills and restarts the parts.
 *
 * <p>Threading: one thread drives it. close() stops what runs, in reverse start order.
 */
final class Fleet implements AutoCloseable {
    final Path home;
    final Path work;
    private final Progress progress;
    private final int kafkaPort = Ports.free();
    private final int controllerPort = Ports.free();
    private final int registryPort = Ports.free();
    private KafkaServerMain.Child kafka;
    private EmbeddedRegistry registry;
    private FlinkCluster flink;
    private ChildProcess collector;
    private String jobId;
    private int collectorRuns;
    private int consumerRuns;

    private Fleet(Path home, Path work, Progress progress) {
        this.home = home;
        this.work = work;
        this.progress = progress;
    }

    /** The jars and lib/ the fleet runs, or the first one missing. */
    static List<Path> missing(Path home) {
        return List.of(jobJar(home), collectorJar(home), flinkLib(home), home.resolve("alerts/target/funnel-alerts.jar")).stream().filter(p -> !Files.exists(p)).toList();
    }

    /** Starts every part and submits the job with these arguments after the Kafka and registry ones. */
    static Fleet start(Path home, Path work, Progress progress, int webPort, List<String> jobArgs) {
        Fleet f = new Fleet(home, work, progress);
        try {
            progress.step("Kafka broker (own JVM)", () -> {
                f.startBroker();
                return null;
            });
            progress.step("schema registry (own JVM)", () -> {
                f.startRegistry();
                return null;
            });
            f.flink = progress.step("Flink session cluster: JobManager + TaskManager",
                    () -> unchecked(() -> FlinkCluster.start(flinkLib(home), work, webPort)));
            progress.say("Flink Web UI at %s", f.flink.webUrl());
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", f.bootstrap(),
                    "--schema-registry", f.registryUrl()));
            args.addAll(jobArgs);
            f.jobId = progress.step("flink run " + home.relativize(jobJar(home)),
                    () -> unchecked(() -> f.flink.submit(jobJar(home), args)));
            f.awaitJob("RUNNING", 60_000);
            progress.say("job %s RUNNING", f.jobId);
            progress.step("collector (own JVM, java -jar funnel-collector.jar)", () -> {
                f.startCollector();
                return null;
            });
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String registryUrl() {
        return "http://127.0.0.1:" + registryPort + EmbeddedRegistry.CCOMPAT_PATH;
    }

    /** The registry, at the same port and with its schemas in a file: a second call is a restart. */
    void startRegistry() {
        registry = EmbeddedRegistry.start(registryPort, work, work.resolve("registry-data"));
    }

    void stopRegistry() {
        registry.close();
    }

    FlinkCluster flink() {
        return flink;
    }

    String jobId() {
        return jobId;
    }

    String jobState() {
        return flink.jobState(jobId);
    }

    void awaitJob(String state, long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!jobState().equals(state)) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("job " + jobId + " is " + jobState() + ", not " + state);
            }
            sleep(200);
        }
    }

    /** Waits until the job has been restored from a checkpoint after `afterMs` and its tasks run again. */
    void awaitRestore(long afterMs, long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        while (flink.lastRestoreMs(jobId) < afterMs || !jobState().equals("RUNNING") || !flink.tasksRunning(jobId)) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("job " + jobId + " not restored within " + timeoutMs + " ms; it is "
                        + jobState());
            }
            sleep(200);
        }
    }

    /** The broker, at the same ports and data dir every time: a second call is a restart. */
    void startBroker() {
        kafka = KafkaServerMain.launch(work, kafkaPort, controllerPort, work.resolve("kafka-data"));
    }

    boolean brokerAlive() {
        return kafka.process().alive();
    }

    /** How the broker ended: its exit status, and its log's last ERROR or FATAL line if it wrote one. */
    String brokerLastWords() {
        List<String> lines = kafka.process().logTail(400).lines().filter(l -> l.contains("ERROR") || l.contains("FATAL")).toList();
        return "exit status " + kafka.process().exitStatus() + (lines.isEmpty() ? "" : ", " + lines.get(lines.size() - 1));
    }

    /** Stops the broker cleanly (SIGTERM); its data stays for startBroker(). */
    void stopBroker() {
        kafka.process().close();
    }

    /** The collector as the systemd unit runs it; waits until its programs are attached. */
    void startCollector() {
        List<String> cmd = new ArrayList<>(List.of(FlinkJvm.java()));
        cmd.addAll(CollectorJvm.FLAGS);
        cmd.addAll(List.of("-jar", collectorJar(home).toString(), "--sink", "kafka",
                "--set", "kafka.bootstrap.servers=" + bootstrap(), "--set", "schema.registry.url=" + registryUrl(),
                "--set", "metrics.port=0",
                // Not request and answer, so never timed as requests: the broker's and its controller's
                // long-poll fetches (answered after fetch.max.wait.ms), and Flink's RPC messages.
                "--set", "slow.request.ignore.ports=" + kafkaPort + "," + controllerPort + "," + flink.rpcPort()));
        Path log = work.resolve("collector-" + ++collectorRuns + ".log");
        collector = ChildProcess.start("collector", cmd, Map.of(), log);
        collector.awaitReady(() -> unchecked(() -> Files.readString(log)).contains("attached"), 60_000);
    }

    /**
     * The alert consumer as a user runs it (`funnel alerts --group G --json`), its own process,
     * printing to work/alerts-N.log; a second call after a kill is its restart in the same group.
     */
    ChildProcess startAlertConsumer(String group) {
        List<String> cmd = List.of(FlinkJvm.java(), "-Xmx128m", "-XX:+UseSerialGC", "-jar",
                home.resolve("alerts/target/funnel-alerts.jar").toString(), "--bootstrap-servers", bootstrap(),
                "--schema-registry", registryUrl(), "--group", group, "--from-beginning", "--json");
        return ChildProcess.start("alert consumer", cmd, Map.of(), work.resolve("alerts-" + ++consumerRuns + ".log"));
    }

    /**
     * Starts the collector as systemd's Restart=always with RestartSec=5 would: a start that
     * fails (the registry away: it registers its schema first) is tried again 5 s later.
     * Returns how many starts failed.
     */
    int superviseCollector(long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        for (int failed = 0; ; failed++) {
            try {
                startCollector();
                return failed;
            } catch (IllegalStateException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                sleep(5_000);
            }
        }
    }

    /** The collector's last start log (its own words on why it stopped, if it did). */
    Path collectorLog() {
        return work.resolve("collector-" + collectorRuns + ".log");
    }

    /** Stops the collector as systemd stop would (SIGTERM: it flushes what it holds). */
    void stopCollector() {
        collector.close();
    }

    /** kill -9 of the collector: what it held in memory (ring, backlog) is gone. */
    void killCollector() {
        collector.kill();
    }

    @Override
    public void close() {
        Parts.closeAll("the fleet", collector, flink, registry, kafka == null ? null : kafka.process());
    }

    static Path jobJar(Path home) {
        return home.resolve("flink-job/target/funnel-flink-job.jar");
    }

    static Path collectorJar(Path home) {
        return home.resolve("collector/target/funnel-collector.jar");
    }

    static Path flinkLib(Path home) {
        return home.resolve("flink-dist/target/flink/lib");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    static <T> T unchecked(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
