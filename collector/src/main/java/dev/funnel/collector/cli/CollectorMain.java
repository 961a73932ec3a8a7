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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code funnel collector [--config FILE] [--sink stdout|kafka] [--set key=value]... [--duration S]}.
 * Runs until Ctrl-C (or SIGTERM, or --duration), then detaches, delivers what was drained and
 * prints a per-stage counter summary on stderr.
 */
public final class CollectorMain {
    private CollectorMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        Map<String, String> sets = new LinkedHashMap<>();
        long durationSeconds = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--config" -> file = Path.of(value(args, ++i, a));
                    case "--sink" -> sets.put("sink", value(args, ++i, a));
                    case "--set" -> {
                        String kv = value(args, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new ConfigException("--set takes key=value, not '" + kv + "'");
                        }
                        sets.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--duration" -> durationSeconds = Long.parseLong(value(args, ++i, a));
                    case "-h", "--help" -> {
                        out.println("usage: funnel collector [--config FILE] [--sink stdout|kafka]"
                                + " [--set key=value]... [--duration SECONDS]");
                        return 0;
                    }
                    default -> throw new ConfigException("unknown option " + a + " (see --help)");
                }
            }
            CollectorConfig config = CollectorConfig.of(file, sets);
            if (!BpfSupport.isAvailable()) {
                err.println("funnel collector: eBPF is not available here: " + BpfSupport.unavailabilityCause());
                return 1;
            }
            return runUntilStopped(config, durationSeconds, out, err);
        } catch (ConfigException | NumberFormatException e) {
            err.println("funnel collector: " + e.getMessage());
            return 2;
        } catch (BpfException | StartupException e) {
            err.println("funnel collector: " + e.getMessage());
            return 1;
        }
    }

    private static int runUntilStopped(CollectorConfig config, long durationSeconds, PrintStream out,
            PrintStream err) {
        Collector c = Collector.start(config, self -> Sinks.create(self, out, err));
        PrometheusEndpoint metrics = startMetrics(c, err);
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) { // Ctrl-C and the main thread may race here
                c.close();
                if (metrics != null) {
                    metrics.close();
                }
                Summary.print(c, err);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "funnel-shutdown"));
        err.printf("funnel collector: attached (%s), sink %s; Ctrl-C to stop%n",
                config.string("sensors"), config.string("sink"));
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

    private static PrometheusEndpoint startMetrics(Collector c, PrintStream err) {
        int port = c.config().integer("metrics.port");
        if (port == 0) {
            return null;
        }
        String address = c.config().string("metrics.address");
        try {
            PrometheusEndpoint m = new PrometheusEndpoint(c, address, port);
            err.printf("funnel collector: metrics on http://%s:%d/metrics%n", address, m.port());
            return m;
        } catch (IOException e) {
            c.close();
            throw new StartupException("metrics endpoint on " + address + ":" + port + ": " + e.getMessage()
                    + " (set metrics.port to another port, or 0 to turn it off)", e);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new ConfigException(option + " needs a value");
        }
        return args[i];
    }
}
