package dev.funnel.benchmarks.fleet;

import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.TopicReader;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.cli.ShutdownHooks;
import dev.funnel.workloads.stress.Scenario;
import dev.funnel.schema.Alert;
import dev.funnel.schema.wire.Topics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code funnel fleet}: the fleet deployment on one machine, every part its own process, to prove
 * the path people deploy: a Kafka broker, the schema registry, a standalone Flink session
 * cluster (JobManager + TaskManager from Maven jars), the job jar submitted with {@code flink
 * run}, the collector jar as the systemd unit runs it. Then a fork storm, and the alert read back
 * with the alert consumer. Exit 0 when exactly one fork_storm alert arrived; everything stops.
 */
@Command(name = "funnel fleet", mixinStandardHelpOptions = true,
        description = "The fleet path on this host, every part its own process; exits 0 on exactly one fork_storm alert.")
public final class FleetMain implements Callable<Integer> {
    @Option(names = "--web-port", defaultValue = "0", description = "Flink Web UI (0: any free port).")
    int webPort;

    @Option(names = "--timeout", defaultValue = "90", paramLabel = "SECONDS", description = "How long to wait for the alert.")
    int timeoutSeconds;

    @Option(names = "--keep", description = "Leave the cluster running after the check, until Ctrl-C.")
    boolean keep;

    private final PrintStream out;
    private final PrintStream err;

    FleetMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new FleetMain(out, err)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).setExecutionExceptionHandler((e, c, parsed) -> {
                    err.println("funnel fleet: " + e.getMessage());
                    return 1;
                }).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Path home = home();
        List<Path> missing = Fleet.missing(home);
        if (!missing.isEmpty()) {
            err.println("funnel fleet: " + missing.get(0) + " is missing (bin/funnel build)");
            return 1;
        }
        Progress progress = new Progress("funnel fleet", err);
        Path work = Files.createTempDirectory("funnel-fleet-");
        progress.say("logs in %s", work);
        List<AutoCloseable> parts = new ArrayList<>();
        Thread hook = new Thread(() -> stopAll(parts), "funnel-fleet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Fleet fleet = Fleet.start(home, work, progress, webPort,
                    List.of("--checkpoint-interval", "1s", "--starting-offsets", "earliest"));
            parts.add(fleet);
            List<Alert> alerts = new CopyOnWriteArrayList<>();
            TopicReader<Alert> reader = TopicReader.alerts(fleet.bootstrap(), fleet.registryUrl(), Topics.ALERTS, "", true);
            Thread t = new Thread(() -> reader.run(alerts::add, bad -> err.println("funnel fleet: bad alert: " + bad)),
                    "fleet-alerts");
            t.start();
            parts.add(() -> {
                reader.stop();
                t.join(5000);
                reader.close();
            });
            progress.say("fork storm: %s", Scenario.FORK_STORM.run());
            long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
            while (alerts.stream().noneMatch(a -> a.getDetector().equals("fork_storm"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(5000); // a duplicate would show within the next checkpoints
            alerts.forEach(a -> out.println(AlertFormat.human(a)));
            long storms = alerts.stream().filter(a -> a.getDetector().equals("fork_storm")).count();
            progress.say("%d fork_storm alert(s), %d alert(s) in all; job %s", storms, alerts.size(), fleet.jobState());
            if (keep) {
                progress.say("--keep: running until Ctrl-C");
                Thread.currentThread().join();
            }
            return storms == 1 ? 0 : 1;
        } finally {
            if (ShutdownHooks.remove(hook)) {
                stopAll(parts);
            }
        }
    }

    /** Reverse start order: alert reader, then the fleet's parts. */
    private static void stopAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("funnel fleet: while stopping: " + e);
            }
        }
        parts.clear();
    }

    /** The project root: bin/funnel passes it; tests run from a module directory. */
    static Path home() {
        String h = System.getProperty("funnel.home", System.getenv("FUNNEL_BUILD_ROOT"));
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }
}
