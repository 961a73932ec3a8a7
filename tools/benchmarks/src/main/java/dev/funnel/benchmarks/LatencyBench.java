package dev.funnel.benchmarks;

import dev.funnel.alerts.AlertWatch;
import dev.funnel.workloads.Workloads;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.local.EmbeddedFunnel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/latency.sh: kernel event to readable alert, end to end on this kernel, as the demo runs
 * it (collector, KRaft broker, registry, the job on a mini cluster, a plain alert consumer).
 * Each round is a 10,000-fork storm from a new process (a new incident), then a pause so the
 * rounds do not overlap. Per round: from the storm's start (wall clock before the fork()s)
 * and from the first kernel event behind the alert, to the moment the consumer could read it.
 *
 * <pre>LatencyBench OUT.csv ROUNDS</pre> Needs root.
 */
public final class LatencyBench {
    private LatencyBench() {}

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("funnel-latency-");
        List<String> lines = new ArrayList<>(List.of("round,storm_to_alert_ms,kernel_event_to_alert_ms,detector"));
        try (EmbeddedFunnel funnel = EmbeddedFunnel.start(new EmbeddedFunnel.Settings(0, 0, 0, 0, "", "", work),
                new Progress("latency bench", System.err));
                AlertWatch alerts = new AlertWatch(funnel.bootstrapServers(), funnel.registryUrl())) {
            Thread.sleep(6_000); // the empty partition goes idle: event time moves
            System.out.printf("%6s %16s %22s  %s%n", "round", "storm->alert ms", "kernel event->alert ms", "detector");
            for (int r = 1; r <= rounds; r++) {
                long start = System.currentTimeMillis();
                Process p = new ProcessBuilder(Workloads.binary().toString(), "forks", "10000")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long pid = p.pid();
                p.waitFor();
                AlertWatch.Seen seen = alerts.await(a -> a.getPid() == pid, 30_000)
                        .orElseThrow(() -> new IllegalStateException("no alert for the storm of pid " + pid));
                long stormMs = seen.arrivedMs() - start;
                System.out.printf("%6d %16d %22d  %s%n", r, stormMs, seen.kernelToAlertMs(), seen.alert().getDetector());
                lines.add(r + "," + stormMs + "," + seen.kernelToAlertMs() + "," + seen.alert().getDetector());
                Thread.sleep(3_000);
            }
        }
        Files.write(csv, lines);
    }
}
