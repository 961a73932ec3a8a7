package dev.funnel.collector.cli;

import dev.funnel.collector.Collector;
import dev.funnel.collector.StartupException;
import dev.funnel.collector.bpf.BpfException;
import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.config.ConfigException;
import dev.funnel.collector.metrics.PrometheusEndpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code funnel collector [--config FILE] [--sink stdout|kafka] [--set key=value]... [--duration S]}.
 * Runs until Ctrl-C (or SIGTERM, or --duration), then detaches, delivers what was drained and
 * prints a per-stage counter summary on stderr. Exit status: 0 done, 1 could not run (the
 * message says why), 2 a bad option or config key (named).
 */
@Command(name = "funnel collector", mixinStandardHelpOptions = true,
        description = "The edge collector: kernel events, filtered and batched, with context, to stdout or Kafka.")
public final class CollectorMain {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (collector/funnel-collector.properties lists every key).")
    Path config;

    @Option(names = "--sink", paramLabel = "stdout|kafka", description = "Shorthand for --set sink=...")
    String sink;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one config key; wins over the file.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: until Ctrl-C).")
    long durationSeconds;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CollectorMain cmd = new CollectorMain();
        CommandLine cli = new CommandLine(cmd).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true));
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
                cli.usage(out);
                return 0;
            }
            Map<String, String> overrides = new LinkedHashMap<>(cmd.sets);
            if (cmd.sink != null) {
                overrides.put("sink", cmd.sink);
            }
            CollectorConfig config = CollectorConfig.of(cmd.config, overrides);
            if (!BpfSupport.isAvailable()) {
                err.println("funnel collector: eBPF is not available here: " + BpfSupport.unavailabilityCause());
                return 1;
            }
            return runUntilStopped(config, cmd.durationSeconds, out, err);
        } catch (CommandLine.ParameterException e) {
            err.println("funnel collector: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (ConfigException e) {
            err.println("funnel collector: " + e.getMessage());
            return 2;
        } catch (BpfException | StartupException e) {
            err.println("funnel collector: " + e.getMessage());
            return 1;
        }
    }

    private static int runUntilStopped(CollectorConfig config, long durationSeconds, PrintStream out,
            PrintStream err) {
        Collector c = Collector.start(config, Sinks.of(config, out));
        PrometheusEndpoint metrics = startMetrics(c, config, err);
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) { // Ctrl-C and the main thread may race here
                c.close();
                if (metrics != null) {
                    metrics.close();
                }
                Summary.print(c.stats(), err);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "funnel-shutdown"));
        PauseSignals.install(c, err);
        err.printf("funnel collector: attached (%s), sink %s; Ctrl-C to stop%n", String.join("; ", c.hooks()),
                config.string("sink"));
        long deadline = durationSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds)
                : Long.MAX_VALUE;
        try {
            while (System.nanoTime() < deadline && c.failure() == null && !stopped.get()) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = c.failure();
        if (failure != null) {
            err.println("funnel collector: stopped on an error: " + failure);
        }
        stop.run();
        return failure == null ? 0 : 1;
    }

    private static PrometheusEndpoint startMetrics(Collector c, CollectorConfig config, PrintStream err) {
        int port = config.integer("metrics.port");
        if (port == 0) {
            return null;
        }
        String address = config.string("metrics.address");
        try {
            PrometheusEndpoint m = new PrometheusEndpoint(c::stats, address, port);
            err.printf("funnel collector: metrics on http://%s:%d/metrics%n", address, m.port());
            return m;
        } catch (IOException e) {
            c.close();
            throw new StartupException("metrics endpoint on " + address + ":" + port + ": " + e.getMessage()
                    + " (set metrics.port to another port, or 0 to turn it off)", e);
        }
    }
}
