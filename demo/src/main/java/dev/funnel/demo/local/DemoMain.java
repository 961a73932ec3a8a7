package dev.funnel.demo.local;

import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.alerts.AlertFormat;
import dev.funnel.schema.Alert;
import dev.funnel.alerts.TopicReader;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.cli.ShutdownHooks;
import dev.funnel.embedded.Ports;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code funnel demo}: the whole funnel on this host (see {@link EmbeddedFunnel}), printing
 * alerts as they arrive until Ctrl-C, which stops every part and leaves no process behind.
 */
@Command(name = "demo", description = "Broker, registry, Flink (Web UI), collector on this host; prints alerts.")
public final class DemoMain implements Callable<Integer> {
    @Option(names = "--web-port", defaultValue = "8081", description = "Flink Web UI (0: any free). Default: ${DEFAULT-VALUE}.")
    int webPort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8085", description = "Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Option(names = "--metrics-port", defaultValue = "9464", description = "Collector metrics (0: none). Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = "--rules", defaultValue = "", paramLabel = "FILE", description = "Rules YAML over the defaults.")
    String rules;

    @Option(names = "--collector-config", defaultValue = "", paramLabel = "FILE", description = "Collector properties.")
    String collectorConfig;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS", description = "Stop after this long (0: at Ctrl-C).")
    long duration;

    @Option(names = "--json", description = "Alerts as JSON lines.")
    boolean json;

    private final PrintStream out;
    private final PrintStream err;

    public DemoMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Path work = workDir();
        System.setProperty("log.file", work.resolve("flink.log").toString()); // before anything logs
        Progress progress = new Progress("funnel demo", err);
        if (!BpfSupport.isAvailable()) {
            err.println("funnel demo: the collector cannot load its eBPF programs here: " + BpfSupport.unavailabilityCause());
            return 1;
        }
        Map<String, Integer> ports = Map.of("web-port", webPort, "kafka-port", kafkaPort, "registry-port", registryPort,
                "metrics-port", metricsPort);
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            if (p.getValue() != 0 && Ports.listening(p.getValue())) {
                err.printf("funnel demo: port %d is taken; pick another with --%s%n", p.getValue(), p.getKey());
                return 1;
            }
        }
        progress.say("logs in %s", work);
        EmbeddedFunnel.Settings s = new EmbeddedFunnel.Settings(kafkaPort, registryPort, webPort, metricsPort, rules,
                collectorConfig, work);
        EmbeddedFunnel funnel = EmbeddedFunnel.start(s, progress);
        TopicReader<Alert> reader = TopicReader.alerts(funnel.bootstrapServers(), funnel.registryUrl(), Topics.ALERTS, "", true);
        CountDownLatch done = new CountDownLatch(1);
        Thread printer = new Thread(() -> {
            try {
                reader.run(a -> {
                    out.println(json ? AlertFormat.json(a) : AlertFormat.human(a));
                    out.flush();
                }, bad -> err.println("funnel demo: skipped a record that is not an alert: " + bad));
            } finally {
                reader.close();
                done.countDown();
            }
        }, "funnel-alert-printer");
        printer.start();
        Runnable stop = () -> {
            progress.say("stopping ...");
            reader.stop();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            funnel.close();
            progress.say("stopped");
        };
        Thread hook = new Thread(stop, "funnel-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        progress.say("ready in %.0f s. Alerts print here. In another terminal: bin/funnel stress fork-storm"
                + " (bin/funnel stress --help lists the others). Ctrl-C stops everything.", progress.elapsedSeconds());
        long seconds = duration;
        try {
            if (seconds > 0) {
                done.await(seconds, TimeUnit.SECONDS);
            } else {
                done.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ShutdownHooks.remove(hook)) {
            stop.run();
        }
        return 0;
    }

    static Path workDir() {
        try {
            return Files.createTempDirectory("funnel-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
