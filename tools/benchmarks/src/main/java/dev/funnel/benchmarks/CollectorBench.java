package dev.funnel.benchmarks;

import dev.funnel.workloads.Workloads;
import dev.funnel.collector.cli.CollectorJvm;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.embedded.Ports;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * bench/collector.sh: the collector's own CPU (share of one core) and memory while it delivers
 * known event rates to a real Kafka broker through a real registry. The collector runs as its
 * own JVM with the systemd unit's flags, so its /proc/PID/stat is its cost alone. Load: one
 * process calling getppid() at paced rates, phase after phase, each call one 72-byte record
 * from the probe sensor (the other sensors stay on, as in production), so every record
 * crosses the kernel boundary, is drained, decoded, enriched (a process-cache hit),
 * Avro-encoded and sent. A warm-up phase at the highest rate comes first (120 s, or
 * -Dfunnel.bench.warmup=S): the figures are a long-running daemon's, not its first minute's
 * (class loading, JIT compilation). Give the rates highest first, so the idle baseline is
 * measured last, when no compilation is left.
 *
 * <pre>CollectorBench OUT.csv SECONDS RATE...</pre> One line per rate; rate 0 is the idle
 * baseline. Extra collector JVM flags: -Dfunnel.bench.jvm="...". Needs root.
 */
public final class CollectorBench {
    static final int WARMUP_S = Integer.getInteger("funnel.bench.warmup", 120);
    /** Seconds left out at each phase boundary, so a window holds one rate only. */
    static final int SETTLE_S = 2;
    static final long TICKS_PER_S = 100; // USER_HZ

    private CollectorBench() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<Integer> rates = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            rates.add(Integer.parseInt(args[i]));
        }
        Path jar = Path.of(System.getProperty("funnel.home", ".")).resolve("collector/target/funnel-collector.jar");
        Path work = Files.createTempDirectory("funnel-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0);
                EmbeddedRegistry registry = EmbeddedRegistry.start(0, work)) {
            kafka.createTopics(2, Topics.EVENTS);
            List<Result> results = run(jar, kafka.bootstrapServers(), registry.url(), rates, seconds, work);
            List<String> lines = new ArrayList<>();
            lines.add("rate,achieved_per_s,cpu_pct_of_core,cpu_pct_without_jit,us_per_event_without_jit,rss_mb,"
                    + "peak_rss_mb,emitted,delivered,lost");
            System.out.printf("%8s %10s %10s %10s %10s %8s %8s%n", "rate/s", "delivered", "cpu %core", "w/o JIT %",
                    "µs/event", "RSS MB", "peak MB");
            for (Result r : results) {
                System.out.printf("%8d %10.0f %10.2f %10.2f %10.2f %8.0f %8.0f%n", r.rate, r.achieved, r.cpuPct, r.workPct,
                        r.usPerEvent, r.rssMb, r.peakRssMb);
                lines.add(String.format("%d,%.0f,%.3f,%.3f,%.3f,%.0f,%.0f,%d,%d,%d", r.rate, r.achieved, r.cpuPct,
                        r.workPct, r.usPerEvent, r.rssMb, r.peakRssMb, r.emitted, r.delivered, r.lost));
            }
            Files.write(csv, lines);
        }
    }

    /** emitted, delivered, lost: the whole run's (probe records, all events, all losses). */
    /** cpuPct: every thread; workPct and usPerEvent: without the JIT compiler threads. */
    record Result(int rate, double achieved, double cpuPct, double workPct, double usPerEvent, double rssMb,
            double peakRssMb, long emitted, long delivered, long lost) {}

    static List<Result> run(Path jar, String bootstrap, String registry, List<Integer> rates, int seconds, Path work)
            throws Exception {
        int top = rates.stream().max(Integer::compare).orElse(0);
        List<String> load = new ArrayList<>(List.of(Workloads.binary().toString(), "paced",
                Integer.toString(top), Integer.toString(WARMUP_S)));
        for (int rate : rates) {
            load.addAll(List.of(Integer.toString(rate), Integer.toString(seconds + 2 * SETTLE_S)));
        }
        Process loader = new ProcessBuilder(load).start();
        int metrics = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(CollectorJvm.FLAGS); // the systemd unit's
        String extra = System.getProperty("funnel.bench.jvm", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "--sink", "kafka", "--set", "kafka.bootstrap.servers=" + bootstrap,
                "--set", "schema.registry.url=" + registry, "--set", "probe.pid=" + loader.pid(),
                "--set", "metrics.port=" + metrics));
        for (String set : System.getProperty("funnel.bench.set", "").split(",")) {
            if (!set.isBlank()) {
                cmd.addAll(List.of("--set", set.trim())); // e.g. kafka.compression=lz4
            }
        }
        Path log = work.resolve("collector.log");
        Process collector = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<Result> results = new ArrayList<>();
        try {
            awaitLog(log, "attached", 60);
            long start = System.nanoTime();
            try (OutputStream go = loader.getOutputStream()) {
                go.write('g');
            }
            long phaseStart = start + WARMUP_S * 1_000_000_000L;
            System.err.printf("collector bench: warm-up at %d/s for %d s ...%n", top, WARMUP_S);
            for (int rate : rates) {
                System.err.printf("collector bench: %d events/s for %d s ...%n", rate, seconds);
                sleepUntil(phaseStart + SETTLE_S * 1_000_000_000L);
                long delivered0 = scrape(metrics, "funnel_delivered_events_total"); // outside the window
                long cpu0 = cpuTicks(collector.pid());
                Map<String, Long> threads0 = threadTicks(collector.pid());
                long t0 = System.nanoTime();
                sleepUntil(t0 + seconds * 1_000_000_000L);
                long cpu1 = cpuTicks(collector.pid());
                Map<String, Long> threads1 = threadTicks(collector.pid());
                System.err.println("  where the CPU went (ticks of 10 ms): " + busiest(threads0, threads1));
                double jitS = (jitTicks(threads1) - jitTicks(threads0)) / (double) TICKS_PER_S;
                long delivered1 = scrape(metrics, "funnel_delivered_events_total");
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double cpuS = (cpu1 - cpu0) / (double) TICKS_PER_S;
                double events = delivered1 - delivered0;
                results.add(new Result(rate, events / elapsed, 100 * cpuS / elapsed, 100 * (cpuS - jitS) / elapsed,
                        events > 0 ? (cpuS - jitS) * 1e6 / events : 0, status(collector.pid(), "VmRSS") / 1024.0,
                        status(collector.pid(), "VmHWM") / 1024.0, 0, 0, 0));
                phaseStart += (seconds + 2L * SETTLE_S) * 1_000_000_000L;
            }
            if (!loader.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the load did not finish");
            }
            Thread.sleep(1500); // the last batches reach Kafka (linger 500 ms, flush 250 ms)
            long emitted = scrapeLabelled(metrics, "funnel_kernel_records_attempted_total", "probe");
            long delivered = scrape(metrics, "funnel_delivered_events_total");
            long lost = scrape(metrics, "funnel_lost_events_total");
            List<Result> withTotals = new ArrayList<>();
            for (Result r : results) {
                withTotals.add(new Result(r.rate, r.achieved, r.cpuPct, r.workPct, r.usPerEvent, r.rssMb, r.peakRssMb,
                        emitted, delivered, lost));
            }
            System.err.printf("collector bench: %d probe records emitted, %d events delivered, %d lost%n", emitted,
                    delivered, lost);
            return withTotals;
        } finally {
            collector.destroy();
            collector.waitFor(30, TimeUnit.SECONDS);
            loader.destroyForcibly();
        }
    }

    /** utime + stime per thread name (threads of one name summed), in USER_HZ ticks. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> t = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+$", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    t.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return t;
    }

    /** The JIT compiler threads' ticks: a cost of the first minutes, not of each event. */
    static long jitTicks(Map<String, Long> threads) {
        return threads.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static String busiest(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long ms = (nanoTime - System.nanoTime()) / 1_000_000L;
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    static void awaitLog(Path log, String text, int seconds) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!Files.readString(log).contains(text)) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("the collector did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** utime + stime of pid, in USER_HZ ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A "VmRSS:   1234 kB" line of /proc/PID/status, in kB. */
    static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static String metricsText(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of every sample of a metric. */
    static long scrape(int port, String name) throws IOException, InterruptedException {
        long sum = 0;
        Matcher m = Pattern.compile("^" + name + "(\\{[^}]*})? (\\d+)$", Pattern.MULTILINE).matcher(metricsText(port));
        while (m.find()) {
            sum += Long.parseLong(m.group(2));
        }
        return sum;
    }

    static long scrapeLabelled(int port, String name, String type) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("^" + name + "\\{type=\"" + type + "\"} (\\d+)$", Pattern.MULTILINE).matcher(metricsText(port));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
