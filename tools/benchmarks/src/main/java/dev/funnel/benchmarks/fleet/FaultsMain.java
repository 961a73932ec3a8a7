package dev.funnel.benchmarks.fleet;

import dev.funnel.alerts.Escalations;
import dev.funnel.alerts.TopicReader;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.demo.cli.Progress;
import dev.funnel.embedded.ChildProcess;
import dev.funnel.schema.Alert;
import dev.funnel.schema.AlertAttributes;
import dev.funnel.schema.wire.Topics;
import dev.funnel.workloads.Workloads;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/faults.sh: faults on the fleet path, every part its own process ({@link Fleet}). For each
 * fault, a fork storm (one process, about 1,000 forks/s for 6 s: five times the fork_storm
 * threshold) with the fault injected 2 s into it; then the alerts that arrive are checked. A
 * fault must end in the storm's alert or a lost_visibility alert whose unseen span covers the
 * fault, never neither, and no alert may arrive twice. The alerts are read the way a user's alert
 * consumer reads them: one consumer group with committed offsets, read_committed, across every
 * fault (the broker fault stops it from under the consumer too). The faults: see bench/faults.sh.
 *
 * <p>Writes PREFIX.csv (one row per fault) and prints the table. Needs root (the collector).
 */
@Command(name = "funnel faults", mixinStandardHelpOptions = true,
        description = "Faults on the fleet path: each must end in the storm's alert or a lost_visibility alert, never twice.")
public final class FaultsMain implements Callable<Integer> {
    /** Forks of the storm, one every FORK_EVERY_MS: about 1,000 forks/s for 6 s. */
    static final String STORM_FORKS = "6000";
    static final String FORK_EVERY_MS = "1";
    /** When in the storm the fault hits, ms. */
    static final long FAULT_AT_MS = 2_000;
    /** How long after recovery an alert may take to arrive; then how long to watch for a duplicate. */
    static final long ALERT_WAIT_MS = 90_000;
    static final long DUPLICATE_WATCH_MS = 10_000;
    /** The size of the broker's own disk (a tmpfs) when disk-full runs: a run writes about 2 MiB. */
    static final int BROKER_DISK_MB = 64;

    @Option(names = "--faults", split = ",",
            defaultValue = "none,collector-kill,taskmanager-kill,jobmanager-kill,broker-stop,disk-full,registry-stop,alert-consumer-kill",
            description = "Which, in order: ${DEFAULT-VALUE}.")
    List<String> faults;

    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Results: PREFIX.csv.")
    Path out;

    @Option(names = "--broker-down", defaultValue = "30", paramLabel = "SECONDS", description = "How long the broker is stopped.")
    int brokerDownSeconds;

    @Option(names = "--registry-down", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long the schema registry is stopped.")
    int registryDownSeconds;

    @Option(names = "--collector-down", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long after its kill the collector is started again (systemd's RestartSec).")
    int collectorDownSeconds;

    private final PrintStream err;
    /** This host's name, as its collector puts it on its batches and the job on its alerts. */
    static final String HOST = HostInfo.current().hostName();
    /** Whether the fault being run made a schema change (registry-stop), whose alert it then also needs. */
    private boolean schemaChange;
    private final List<Received> alerts = new CopyOnWriteArrayList<>();
    /** The user's alert consumer, its own process through every fault; restarted by alert-consumer-kill. */
    private ChildProcess consumer;
    static final String CONSUMER_GROUP = "funnel-faults-consumer";
    private static final Pattern ALERT_ID = Pattern.compile("\"alert_id\":\"([^\"]+)\"");

    FaultsMain(PrintStream err) {
        this.err = err;
    }

    /** An alert as the consumer got it, with when (wall-clock ms). */
    record Received(long atMs, Alert alert) {}

    /** What one fault ended in. Times in ms from the fault; -1: never. */
    record Outcome(String fault, String storm, long stormAlertMs, String visibility, long visibilityAlertMs,
            double unseenSeconds, int duplicates, long recoveredMs, String jobState, boolean needsAlert,
            boolean newSchemaMissed) {
        boolean ok() {
            return (!needsAlert || stormAlertMs >= 0 || visibilityAlertMs >= 0) && duplicates == 0 && !newSchemaMissed;
        }

        String csv() {
            return String.join(",", fault, storm, Long.toString(stormAlertMs), visibility, Long.toString(visibilityAlertMs),
                    String.format("%.1f", unseenSeconds), Integer.toString(duplicates), Long.toString(recoveredMs),
                    jobState, ok() ? "ok" : "FAIL");
        }
    }

    static final String CSV_HEADER = "fault,storm_alert,storm_alert_ms,visibility_alert,visibility_alert_ms,"
            + "unseen_s,duplicates,recovered_ms,job_state,outcome";

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    public static int run(String[] args, PrintStream err) {
        return new CommandLine(new FaultsMain(err)).setOut(new PrintWriter(System.out, true))
                .setErr(new PrintWriter(err, true)).setExecutionExceptionHandler((e, c, parsed) -> {
                    err.println("funnel faults: " + e);
                    return 1;
                }).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Path home = FleetMain.home();
        List<Path> missing = Fleet.missing(home);
        if (!missing.isEmpty()) {
            err.println("funnel faults: " + missing.get(0) + " is missing (bin/funnel build)");
            return 1;
        }
        Progress progress = new Progress("funnel faults", err);
        Path work = Files.createTempDirectory("funnel-faults-");
        progress.say("logs in %s", work);
        List<Outcome> outcomes = new ArrayList<>();
        Path brokerData = work.resolve("kafka-data");
        if (faults.contains("disk-full")) {
            // The broker's data on a filesystem of its own, so that filling it fills nothing else.
            Files.createDirectories(brokerData);
            sh("mount", "-t", "tmpfs", "-o", "size=" + BROKER_DISK_MB + "m", "funnel-faults-kafka", brokerData.toString());
        }
        try (Fleet fleet = Fleet.start(home, work, progress, 0,
                List.of("--checkpoint-interval", "1s", "--starting-offsets", "earliest"))) {
            TopicReader<Alert> reader = TopicReader.alerts(fleet.bootstrap(), fleet.registryUrl(), Topics.ALERTS,
                    "funnel-faults", true);
            Thread t = new Thread(() -> reader.run(a -> alerts.add(new Received(System.currentTimeMillis(), a)),
                    bad -> err.println("funnel faults: bad alert: " + bad)), "faults-alerts");
            t.start();
            consumer = fleet.startAlertConsumer(CONSUMER_GROUP);
            try {
                for (String fault : faults) {
                    Outcome o = inject(fault, fleet, progress);
                    outcomes.add(o);
                    progress.say("%s: %s", fault, o);
                    Files.write(Path.of(out + ".csv"), csv(outcomes));
                }
                outcomes.add(consumerOutcome(work));
                Files.write(Path.of(out + ".csv"), csv(outcomes));
            } finally {
                consumer.close();
                reader.stop();
                t.join(5000);
                reader.close();
            }
        } finally {
            if (faults.contains("disk-full")) {
                sh("umount", "-l", brokerData.toString());
            }
        }
        err.println();
        err.println("| fault | storm alert | after (s) | lost_visibility | after (s) | unseen span (s) | duplicates | first alert (s) | job | outcome |");
        err.println("|---|---|---:|---|---:|---:|---:|---:|---|---|");
        for (Outcome o : outcomes) {
            err.printf("| %s | %s | %s | %s | %s | %.1f | %d | %s | %s | %s |%n", o.fault(), o.storm(), secs(o.stormAlertMs()),
                    o.visibility(), secs(o.visibilityAlertMs()), o.unseenSeconds(), o.duplicates(), secs(o.recoveredMs()),
                    o.jobState(), o.ok() ? "ok" : "FAIL");
        }
        return outcomes.stream().allMatch(Outcome::ok) ? 0 : 1;
    }

    /** One storm with one fault 2 s into it, and what the alerts say about it. */
    Outcome inject(String fault, Fleet fleet, Progress progress) throws Exception {
        int seen = alerts.size();
        schemaChange = false;
        long stormStart = System.currentTimeMillis();
        CompletableFuture<Workloads.Result> storm = CompletableFuture.supplyAsync(() -> {
            try {
                return Workloads.run("forks", STORM_FORKS, "0", FORK_EVERY_MS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(FAULT_AT_MS);
        long faultAt = System.currentTimeMillis();
        progress.say("%s: injected %.1f s into the storm", fault, (faultAt - stormStart) / 1e3);
        switch (fault) {
            case "none" -> { }
            case "collector-kill" -> {
                fleet.killCollector();
                Thread.sleep(collectorDownSeconds * 1000L);
                fleet.startCollector();
            }
            case "taskmanager-kill" -> {
                fleet.flink().killTaskManager();
                fleet.flink().replaceTaskManager();
                // The JobManager notices the loss at its heartbeat timeout (10 s here), then restores the job.
                fleet.awaitRestore(faultAt, 120_000);
            }
            case "jobmanager-kill" -> {
                // A supervisor starts a new one at once; the job comes back only through high
                // availability (ZooKeeper + checkpoint storage, see FlinkCluster).
                fleet.flink().killJobManager();
                fleet.flink().replaceJobManager();
                fleet.awaitRestore(faultAt, 180_000);
            }
            case "alert-consumer-kill" -> {
                // Killed right after it printed the storm's alert, before any periodic commit could run.
                long end = System.currentTimeMillis() + ALERT_WAIT_MS;
                int printed = printedIds(fleet.work).size();
                while (printedIds(fleet.work).size() == printed && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                Thread.sleep(500);
                consumer.kill();
                Thread.sleep(2_000);
                consumer = fleet.startAlertConsumer(CONSUMER_GROUP);
            }
            case "registry-stop" -> {
                // A new collector run (an upgrade, a reboot) while the registry is away: it must
                // register its schema before it can send, so systemd's restarts fail until it is back.
                // Meanwhile a second host comes up with a newer collector, a new schema (UpgradedHost).
                UpgradedHost upgraded = new UpgradedHost(fleet.bootstrap(), fleet.registryUrl());
                int captured = upgraded.capture(HOST, stormStart);
                CompletableFuture<Integer> upgrade = CompletableFuture.supplyAsync(() -> {
                    try {
                        return upgraded.sendWhenRegistered(registryDownSeconds * 1000L + 120_000);
                    } catch (Exception e) {
                        throw new IllegalStateException("the upgraded host: " + e, e);
                    }
                });
                fleet.stopRegistry();
                fleet.stopCollector();
                long back = System.currentTimeMillis() + registryDownSeconds * 1000L;
                try {
                    fleet.startCollector();
                    progress.say("%s: the collector started without the registry", fault);
                } catch (IllegalStateException e) {
                    progress.say("%s: the collector could not start: %s", fault, lastLine(fleet.collectorLog()));
                }
                Thread.sleep(Math.max(0, back - System.currentTimeMillis()));
                fleet.startRegistry();
                int failed = fleet.superviseCollector(120_000);
                progress.say("%s: registry back; the collector attached after %d more failed start(s)", fault, failed);
                progress.say("%s: host %s%s (new schema, %d captured storm batches) registered and sent after %d failed"
                        + " attempt(s)", fault, UpgradedHost.PREFIX, HOST, captured, upgrade.get());
                schemaChange = true;
            }
            case "disk-full" -> {
                // Every byte of the broker's disk taken (another tenant, a runaway log): its next
                // write fails. Then, as an operator would, space is freed and the broker started again.
                Path filler = fleet.work.resolve("kafka-data/filler");
                long filled = fill(filler);
                long until = System.currentTimeMillis() + brokerDownSeconds * 1000L;
                while (fleet.brokerAlive() && System.currentTimeMillis() < until) {
                    Thread.sleep(200);
                }
                progress.say("%s: %d MiB written to fill the disk; the broker %s", fault, filled >> 20,
                        fleet.brokerAlive() ? "still runs after " + brokerDownSeconds + " s"
                                : "stopped itself after " + String.format("%.1f s", (System.currentTimeMillis() - faultAt) / 1e3)
                                        + ": " + fleet.brokerLastWords());
                Thread.sleep(Math.max(0, until - System.currentTimeMillis()));
                Files.delete(filler);
                fleet.stopBroker();
                fleet.startBroker();
            }
            case "broker-stop" -> {
                fleet.stopBroker();
                Thread.sleep(brokerDownSeconds * 1000L);
                fleet.startBroker();
            }
            default -> throw new IllegalArgumentException("unknown fault '" + fault
                    + "' (none, collector-kill, taskmanager-kill, jobmanager-kill, broker-stop, disk-full, registry-stop, alert-consumer-kill)");
        }
        long recoveredAt = System.currentTimeMillis();
        long stormPid = storm.get().pid();
        progress.say("%s: recovered after %.1f s; storm pid %d done; waiting for its alert", fault,
                (recoveredAt - faultAt) / 1e3, stormPid);
        long deadline = recoveredAt + ALERT_WAIT_MS;
        while (System.currentTimeMillis() < deadline && stormAlert(seen, stormPid) == null
                && visibilityAlert(seen, faultAt) == null) {
            Thread.sleep(200);
        }
        // A storm alert may follow a visibility alert (or the other way round): give both time.
        Thread.sleep(DUPLICATE_WATCH_MS);
        for (Received r : alerts.subList(seen, alerts.size())) {
            progress.say("%s: alert %+.1f s after the fault: %s (pid %d) %s", fault, (r.atMs() - faultAt) / 1e3,
                    r.alert().getDetector(), r.alert().getPid(), r.alert().getSummary());
        }
        Received s = stormAlert(seen, stormPid);
        Received v = visibilityAlert(seen, faultAt);
        // The schema change: the upgraded host's replayed storm must alert too (same pid, its own host).
        Received u = !schemaChange ? null : alerts.subList(seen, alerts.size()).stream()
                .filter(r -> r.alert().getPid() == stormPid && r.alert().getHost().startsWith(UpgradedHost.PREFIX))
                .findFirst().orElse(null);
        String stormText = (s == null ? "none" : s.alert().getDetector())
                + (schemaChange ? "; new-schema host: " + (u == null ? "none" : u.alert().getDetector()) : "");
        long first = Math.min(s == null ? Long.MAX_VALUE : s.atMs(), v == null ? Long.MAX_VALUE : v.atMs());
        // The gap's whole span: from its visibility_restored end when the host was seen again, else what is known.
        Received end = coveringAlert(seen, faultAt, "visibility_restored");
        Received span = end != null ? end : v;
        double unseen = span == null || !span.alert().getUnit().equals("s unseen") ? 0 : span.alert().getObserved();
        return new Outcome(fault, stormText, s == null ? -1 : s.atMs() - faultAt,
                v == null ? "none" : v.alert().getAttributes().getOrDefault(AlertAttributes.CAUSE, "loss"),
                v == null ? -1 : v.atMs() - faultAt, unseen, duplicates(seen, stormPid),
                first == Long.MAX_VALUE ? -1 : first - faultAt, fleet.jobState(), true, schemaChange && u == null);
    }

    /**
     * The alert consumer's row: through every fault (and its own kill), did it print each alert
     * the job committed exactly once? Duplicates: ids printed twice; missing: committed, never printed.
     */
    private Outcome consumerOutcome(Path work) throws Exception {
        Thread.sleep(3_000); // the last alert's way to the consumer
        List<String> printed = printedIds(work);
        long twice = printed.size() - printed.stream().distinct().count();
        long missing = alerts.stream().map(r -> r.alert().getAlertId()).distinct().filter(id -> !printed.contains(id)).count();
        return new Outcome("alert consumer (its own process; through every fault above)", "printed " + printed.size(), -1,
                "missing " + missing, -1, 0, (int) twice + (int) missing, -1, consumer.alive() ? "running" : "exited", false, false);
    }

    /** Every alert id the consumer processes printed, in order, across their restarts. */
    private static List<String> printedIds(Path work) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> logs = Files.list(work)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("alerts-\\d+\\.log")).sorted().toList()) {
                for (String line : Files.readAllLines(log)) {
                    Matcher m = ALERT_ID.matcher(line);
                    if (line.startsWith("{") && m.find()) {
                        ids.add(m.group(1));
                    }
                }
            }
        }
        return ids;
    }

    /** Writes zeros to `file` until its filesystem is full; returns the bytes written. */
    static long fill(Path file) throws java.io.IOException {
        long written = 0;
        java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(1 << 20);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            while (true) {
                zeros.clear();
                written += ch.write(zeros);
            }
        } catch (java.io.IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out.trim());
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

    /** The first alert since index `from` about the storm's process on this host. */
    private Received stormAlert(int from, long pid) {
        return alerts.subList(from, alerts.size()).stream().filter(r -> isStorm(r, pid)).findFirst().orElse(null);
    }

    private static boolean isStorm(Received r, long pid) {
        return r.alert().getPid() == pid && r.alert().getHost().equals(HOST);
    }

    /** The first lost_visibility alert since `from` whose unseen span holds the fault's instant. */
    private Received visibilityAlert(int from, long faultAtMs) {
        return coveringAlert(from, faultAtMs, "lost_visibility");
    }

    /** The first alert of this detector since `from` whose window holds the fault's instant (±1 s). */
    private Received coveringAlert(int from, long faultAtMs, String detector) {
        long at = faultAtMs * 1_000_000L;
        return alerts.subList(from, alerts.size()).stream()
                .filter(r -> r.alert().getDetector().equals(detector))
                .filter(r -> r.alert().getWindowStartNs() <= at + 1_000_000_000L && r.alert().getWindowEndNs() >= at - 1_000_000_000L)
                .findFirst().orElse(null);
    }

    /**
     * Alerts that came twice (the same alert id), and storm alerts beyond the first. An
     * escalation (a stronger action's finding after a notify-only alert: attribute escalates,
     * naming an alert seen) is the same incident's, not a repeat: a fault that hides the storm's
     * first second can leave short_lived_flood to cross before fork_storm does.
     */
    private int duplicates(int from, long pid) {
        Map<String, Integer> ids = new HashMap<>();
        for (Received r : alerts) {
            ids.merge(r.alert().getAlertId(), 1, Integer::sum);
        }
        int twice = (int) alerts.subList(from, alerts.size()).stream().filter(r -> ids.get(r.alert().getAlertId()) > 1).count();
        long storms = alerts.subList(from, alerts.size()).stream().filter(r -> isStorm(r, pid))
                .filter(r -> !Escalations.ofOneOf(r.alert(), ids.keySet())).count();
        return twice + (int) Math.max(0, storms - 1);
    }

    private static List<String> csv(List<Outcome> outcomes) {
        List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
        outcomes.forEach(o -> lines.add(o.csv()));
        return lines;
    }

    private static String secs(long ms) {
        return ms < 0 ? "-" : String.format("%.1f", ms / 1e3);
    }
}
