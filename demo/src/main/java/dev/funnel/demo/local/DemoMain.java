package dev.funnel.demo.local;

import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.AlertReader;
import dev.funnel.alerts.Options;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.cli.ShutdownHooks;
import dev.funnel.embedded.Ports;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code funnel demo}: the whole funnel on this host (see {@link EmbeddedFunnel}), printing
 * alerts as they arrive until Ctrl-C, which stops every part and leaves no process behind.
 */
public final class DemoMain {
    public static final String USAGE = "usage: funnel demo [--web-port 8081] [--kafka-port 9092] [--registry-port 8085]"
            + " [--metrics-port 9464] [--rules FILE] [--collector-config FILE] [--duration SECONDS] [--json]";

    private DemoMain() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("web-port", "8081");
        d.put("kafka-port", "9092");
        d.put("registry-port", "8085");
        d.put("metrics-port", "9464");
        d.put("rules", "");
        d.put("collector-config", "");
        d.put("duration", "0"); // seconds; 0: until Ctrl-C
        Options o = Options.parse(args, d, Set.of("json"));
        Path work = workDir();
        System.setProperty("log.file", work.resolve("flink.log").toString()); // before anything logs
        Progress progress = new Progress("funnel demo", err);
        if (!BpfSupport.isAvailable()) {
            err.println("funnel demo: the collector cannot load its eBPF programs here: " + BpfSupport.unavailabilityCause());
            return 1;
        }
        for (String port : new String[] {"web-port", "kafka-port", "registry-port", "metrics-port"}) {
            int p = o.integer(port);
            if (p != 0 && Ports.listening(p)) {
                err.printf("funnel demo: port %d is taken; pick another with --%s%n", p, port);
                return 1;
            }
        }
        progress.say("logs in %s", work);
        EmbeddedFunnel.Settings s = new EmbeddedFunnel.Settings(o.integer("kafka-port"), o.integer("registry-port"),
                o.integer("web-port"), o.integer("metrics-port"), o.get("rules"), o.get("collector-config"), work);
        EmbeddedFunnel funnel = EmbeddedFunnel.start(s, progress);
        AlertReader reader = new AlertReader(funnel.bootstrapServers(), funnel.registryUrl(), Topics.ALERTS, "", true);
        CountDownLatch done = new CountDownLatch(1);
        Thread printer = new Thread(() -> {
            try {
                reader.run(a -> {
                    out.println(o.flag("json") ? AlertFormat.json(a) : AlertFormat.human(a));
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
                + " (or: job-flood, slow-http, fd-burst, connect-burst). Ctrl-C stops everything.", progress.elapsedSeconds());
        long seconds = o.integer("duration");
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
