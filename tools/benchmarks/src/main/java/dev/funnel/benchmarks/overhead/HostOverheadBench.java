package dev.funnel.benchmarks.overhead;

import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.cli.CollectorJvm;
import dev.funnel.embedded.EmbeddedKafka;
import dev.funnel.embedded.EmbeddedRegistry;
import dev.funnel.schema.wire.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bench/host-overhead.sh: what the collector's kernel programs cost the workloads they watch.
 * Each workload runs alone and with the collector attached, in pairs whose order alternates so
 * drift hits both sides; the figure is the workload's own throughput. The collector is its own
 * JVM with the systemd unit's flags, delivering to a real broker through a real registry,
 * started once per workload and warmed up first ({@value #COLLECTOR_WARMUP_S} s), then one discarded
 * run of the workload (its first run can be far off the rest): "alone" is
 * that same collector paused (SIGUSR1: every program detached), "with" is it resumed
 * (SIGUSR2). A steady workload (redis, whose own count of commands processed can be read at
 * any moment) is measured in pairs of seconds instead, its client running throughout and the
 * collector switched under it: PAIRS x SECONDS pairs of 1 s, where this machine's drift (a 4 s
 * run moves several percent against the next) hits both sides alike. So both sides have the same warm JVM beside them, and what differs is what the
 * kernel programs and the events they send cost; a collector started per run would instead
 * charge its JIT warm-up (about 3 s of CPU in its first 10 s) to the workload. Then, with the
 * kernel's per-program accounting on (kernel.bpf_stats_enabled, which adds a clock read or two
 * per run, so never during the pairs), one more run each for the run count and ns per run of
 * every Funnel program, and the collector process's own CPU: the accounted cost, which this
 * machine's noise does not move the way it moves a throughput ratio. Beside Funnel's programs
 * in that run, an empty program on each of their hooks (bpf/src/baseline/empty_hooks.bpf.c):
 * the accounting's floor, its own clock reads, which a program's ns per run includes.
 *
 * <pre>HostOverheadBench OUT_PREFIX PAIRS SECONDS [COLLECTOR_SET...]</pre> writes OUT_PREFIX.csv
 * (every run), OUT_PREFIX-programs.csv (per program and workload). Needs root.
 */
public final class HostOverheadBench {
    /** How long a freshly started collector runs before the first pair: attached, JIT warm. */
    static final int COLLECTOR_WARMUP_S = 30;
    /** The programs CSV's row for the collector process's own CPU (no run count). */
    static final String COLLECTOR_ROW = "collector process";
    /** After a pause or resume, before the measured run starts. */
    static final int SETTLE_MS = 1000;
    /** Steady workloads: one side of a pair, its settling after the switch, the client's warm-up. */
    static final int STEADY_PHASE_MS = 1000;
    static final int STEADY_SETTLE_MS = 300;
    static final int STEADY_WARMUP_MS = 3000;
    /** Funnel's program -> the empty program on its hook (empty_hooks.bpf.c). */
    static final Map<String, String> FLOOR_OF = Map.of(
            "tcp_state", "empty_tcp_state", "request_end", "empty_send", "request_end_tcp", "empty_tcp_send",
            "handle_fork", "empty_fork", "handle_exec", "empty_exec", "handle_exit", "empty_exit");

    private HostOverheadBench() {}

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        int pairs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        List<String> sets = List.of(args).subList(3, args.length);
        Path home = Path.of(System.getProperty("funnel.home", ".")).toAbsolutePath();
        Path jar = home.resolve("collector/target/funnel-collector.jar");
        Path work = Files.createTempDirectory("funnel-overhead-");
        List<Workload> all = List.of(
                Workload.stressNg("get", 0.95), Workload.stressNg("open", 0.95), Workload.stressNg("fork", 0.98),
                Workload.stressNg("sock", 0.98),
                // Unix-domain sockets (socketpair streams): no Funnel program has anything to do
                // there, so all they can pay is a hook's dispatch (slow_request's send hook, where
                // it is sock_send_length). stress-ng --sock --sock-domain unix asks for IPPROTO_TCP
                // on a unix socket and fails (stress-ng 0.15).
                Workload.stressNg("sockpair", 0.98),
                Workload.stressNg("cpu", 0.98),
                Workload.redis(true, 0.98), Workload.redis(false, 0.98), Workload.wrk(0.98),
                Workload.build(List.of(home.resolve("collector/src/main/c/native_bpf.c"),
                        home.resolve("tools/workloads/src/main/c/funnel_workload.c")), 0.98));
        // WORKLOADS=redis,sock (bench/host-overhead.sh): only the workloads whose names contain one of these.
        String only = System.getenv().getOrDefault("WORKLOADS", "");
        List<Workload> workloads = all.stream()
                .filter(w -> only.isBlank() || java.util.Arrays.stream(only.split(",")).anyMatch(o -> w.name.contains(o.trim())))
                .toList();
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("WORKLOADS=" + only + " names none of: "
                    + all.stream().map(w -> w.name).toList());
        }
        List<String> runs = new ArrayList<>(List.of("workload,metric,target,pair,order,alone,with,ratio"));
        List<String> programs = new ArrayList<>(List.of(
                "workload,program,runs,runs_per_s,ns_per_run,cpu_ms_per_s,empty_ns_per_run"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0); EmbeddedRegistry registry = EmbeddedRegistry.start(0, work)) {
            kafka.createTopics(2, Topics.EVENTS);
            CollectorProcess collector = new CollectorProcess(jar, kafka.bootstrapServers(), registry.url(), sets, work);
            for (Workload w : workloads) {
                w.setUp(work);
                collector.start();
                try {
                    List<double[]> measured = w instanceof Workload.Steady steady
                            ? steadyPairs(w, steady, pairs * seconds, collector)
                            : pairs(w, pairs, seconds, work, collector);
                    List<Double> ratios = new ArrayList<>();
                    for (int p = 0; p < measured.size(); p++) {
                        double alone = measured.get(p)[0];
                        double with = measured.get(p)[1];
                        ratios.add(with / alone);
                        runs.add(String.format("\"%s\",%s,%.2f,%d,%s,%.1f,%.1f,%.4f", w.name, w.metric, w.target, p,
                                sides(p)[0] == 0 ? "alone-first" : "with-first", alone, with, with / alone));
                    }
                    Collections.sort(ratios);
                    System.err.printf("host overhead: %-32s median %.3f (%.3f-%.3f)%n", w.name, median(ratios),
                            ratios.get(0), ratios.get(ratios.size() - 1));
                    programs.addAll(programCosts(w, seconds, work, collector));
                } finally {
                    collector.stop();
                    w.tearDown();
                }
            }
        }
        Files.write(Path.of(prefix + ".csv"), runs);
        Files.write(Path.of(prefix + "-programs.csv"), programs);
    }

    /** A pair's sides in the order they run: 0 (alone) first in even pairs, 1 (with) first in odd ones. */
    static int[] sides(int pair) {
        return pair % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
    }

    /** Alternating pairs of whole runs ({alone, with} each), after one run thrown away. */
    static List<double[]> pairs(Workload w, int pairs, int seconds, Path work, CollectorProcess collector)
            throws Exception {
        // One run thrown away first: a workload's first run can be far off the rest
        // (stress-ng --open's first ran 6-8x faster than the ones after it, its files
        // not yet in the dentry cache's steady state), and it would land on one side.
        collector.pause(SETTLE_MS);
        System.err.printf("host overhead: %-32s warm-up run (discarded): %.0f %s%n", w.name,
                w.run(seconds, work), w.metric);
        List<double[]> out = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            double[] pair = new double[2];
            for (int side : sides(p)) {
                collector.switchTo(side, SETTLE_MS);
                pair[side] = w.run(seconds, work);
            }
            out.add(pair);
            System.err.printf("host overhead: %-32s pair %d/%d: alone %.0f, with %.0f %s: %.3f%n", w.name,
                    p + 1, pairs, pair[0], pair[1], w.metric, pair[1] / pair[0]);
        }
        return out;
    }

    /**
     * Alternating pairs of seconds ({alone, with} each) of a steady workload: its client runs
     * throughout, and the collector is switched off and on under it; each side is the server's
     * own count over STEADY_PHASE_MS after STEADY_SETTLE_MS. The client starts while the
     * collector runs, so a keep-alive client's connections are timed, as they would be on a host
     * where the collector was there first.
     */
    static List<double[]> steadyPairs(Workload w, Workload.Steady steady, int pairs, CollectorProcess collector)
            throws Exception {
        collector.resume(STEADY_SETTLE_MS);
        steady.startClient();
        List<double[]> out = new ArrayList<>();
        try {
            Thread.sleep(STEADY_WARMUP_MS);
            for (int p = 0; p < pairs; p++) {
                double[] pair = new double[2];
                for (int side : sides(p)) {
                    collector.switchTo(side, STEADY_SETTLE_MS);
                    long c0 = steady.count();
                    long t0 = System.nanoTime();
                    Thread.sleep(STEADY_PHASE_MS);
                    long c1 = steady.count();
                    pair[side] = (c1 - c0) / ((System.nanoTime() - t0) / 1e9);
                }
                out.add(pair);
                if ((p + 1) % 8 == 0 || p + 1 == pairs) {
                    System.err.printf("host overhead: %-32s steady pair %d/%d: alone %.0f, with %.0f %s: %.3f%n",
                            w.name, p + 1, pairs, pair[0], pair[1], w.metric, pair[1] / pair[0]);
                }
            }
        } finally {
            steady.stopClient();
        }
        return out;
    }

    /**
     * One run with the kernel's per-program accounting on: runs and ns per run of each Funnel
     * program, and of the empty program on its hook (attached for this run only).
     */
    static List<String> programCosts(Workload w, int seconds, Path work, CollectorProcess collector) throws Exception {
        List<String> out = new ArrayList<>();
        String before = sysctl("kernel.bpf_stats_enabled", "1");
        try (BpfObject empty = BpfObject.openEmbedded(BpfObject.EMPTY_HOOKS, "funnel_floor")) {
            empty.load();
            empty.programs().forEach(p -> empty.attach(p.name()));
            collector.resume(SETTLE_MS);
            Map<String, long[]> s0 = BpfStats.read();
            long cpu0 = collector.cpuNanos();
            long t0 = System.nanoTime();
            w.run(seconds, work);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long cpu1 = collector.cpuNanos();
            Map<String, long[]> s1 = BpfStats.read();
            for (Map.Entry<String, long[]> e : s1.entrySet()) {
                long[] delta = delta(s0, e.getKey(), s1);
                if (delta[0] > 0 && !FLOOR_OF.containsValue(e.getKey())) {
                    long[] floor = FLOOR_OF.containsKey(e.getKey()) ? delta(s0, FLOOR_OF.get(e.getKey()), s1) : new long[2];
                    out.add(String.format("\"%s\",%s,%d,%.0f,%.1f,%.2f,%s", w.name, e.getKey(), delta[0],
                            delta[0] / elapsed, (double) delta[1] / delta[0], delta[1] / elapsed / 1e6,
                            floor[0] > 0 ? String.format("%.1f", (double) floor[1] / floor[0]) : ""));
                }
            }
            // The collector's own threads (drain, enrichment, Kafka producer): user + system time.
            out.add(String.format("\"%s\",%s,,,,%.2f,", w.name, COLLECTOR_ROW, (cpu1 - cpu0) / elapsed / 1e6));
        } finally {
            sysctl("kernel.bpf_stats_enabled", before);
        }
        return out;
    }

    /** {runs, ns} of one program between two readings (zeros if it never ran). */
    private static long[] delta(Map<String, long[]> before, String program, Map<String, long[]> after) {
        long[] a = before.getOrDefault(program, new long[2]);
        long[] b = after.getOrDefault(program, new long[2]);
        return new long[] {b[0] - a[0], b[1] - a[1]};
    }

    /** Sets a sysctl; returns its value before. */
    static String sysctl(String key, String value) throws IOException {
        Path p = Path.of("/proc/sys/" + key.replace('.', '/'));
        String old = Files.readString(p).trim();
        Files.writeString(p, value);
        return old;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The collector as its own process, the way the systemd unit runs it. */
    static final class CollectorProcess {
        private final List<String> cmd = new ArrayList<>();
        private final Path log;
        private Process process;

        CollectorProcess(Path jar, String bootstrap, String registry, List<String> sets, Path work) {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(CollectorJvm.FLAGS);
            cmd.addAll(List.of("-jar", jar.toString(), "--sink", "kafka", "--set", "kafka.bootstrap.servers=" + bootstrap,
                    "--set", "schema.registry.url=" + registry, "--set", "metrics.port=0",
                    "--set", "slow.request.ignore.ports=" + bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
            for (String s : sets) {
                cmd.addAll(List.of("--set", s));
            }
            this.log = work.resolve("collector.log");
        }

        private boolean paused;

        void start() throws IOException, InterruptedException {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            paused = false;
            awaitLog("attached", 1);
            Thread.sleep(COLLECTOR_WARMUP_S * 1000L);
        }

        /** Side 0 of a pair: paused (the workload alone); side 1: resumed (with the collector). */
        void switchTo(int side, int settleMs) throws IOException, InterruptedException {
            if (side == 0) {
                pause(settleMs);
            } else {
                resume(settleMs);
            }
        }

        void pause(int settleMs) throws IOException, InterruptedException {
            signal("USR1", "paused", true, settleMs);
        }

        void resume(int settleMs) throws IOException, InterruptedException {
            signal("USR2", "resumed", false, settleMs);
        }

        /** Sends the signal unless already in that state, waits for the collector to say so, settles. */
        private void signal(String sig, String says, boolean pausedAfter, int settleMs)
                throws IOException, InterruptedException {
            if (paused == pausedAfter) {
                return;
            }
            long count = Files.readString(log).split("funnel collector: " + says, -1).length;
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
            awaitLog("funnel collector: " + says, count);
            paused = pausedAfter;
            Thread.sleep(settleMs);
        }

        /** Waits until the log holds text at least `times` times (it may be there from before). */
        private void awaitLog(String text, long times) throws IOException, InterruptedException {
            long end = System.currentTimeMillis() + 60_000;
            while (Files.readString(log).split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
                if (!process.isAlive() || System.currentTimeMillis() > end) {
                    throw new IllegalStateException("the collector did not say '" + text + "': " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }

        /** CPU time (user + system, all threads) the collector process has used so far, in ns. */
        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
