package dev.funnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.AlertWatch;
import dev.funnel.alerts.Escalations;
import dev.funnel.alerts.JobProgress;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.local.EmbeddedFunnel;
import dev.funnel.job.detect.Detectors;
import dev.funnel.job.rules.Rule;
import dev.funnel.schema.Alert;
import dev.funnel.schema.AlertAttributes;
import dev.funnel.workloads.ContainerScope;
import dev.funnel.workloads.Workloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded default end to end on the real kernel, exactly as `funnel demo` runs it: real
 * KRaft broker, real registry, the job on a Flink mini cluster, the collector on this kernel,
 * alerts read back by a plain consumer. Each test waits for what it depends on (event time,
 * a checkpoint, the consumer) rather than a fixed time, and looks only at its own alerts, so
 * they run in any order.
 */
@Timeout(600)
class EndToEndIT {
    static final Path ROOT = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "..")).toAbsolutePath().normalize();
    /** The longest window of the default fork/fd/request rules (10 s), the incident grouper's longest hold (2 s),
     *  1 s of slack (high_cpu's 60 s window is waited for by its own test). */
    static final long LONGEST_WINDOW_MS = 13_000;
    static EmbeddedFunnel funnel;
    static AlertWatch alerts;
    static JobProgress job;
    static OutcomeWatch outcomes;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireBpf();
        Path work = Files.createTempDirectory("funnel-e2e-");
        funnel = EmbeddedFunnel.start(new EmbeddedFunnel.Settings(0, 0, 0, 0, "", "", work),
                new Progress("e2e", System.err));
        alerts = new AlertWatch(funnel.bootstrapServers(), funnel.registryUrl());
        outcomes = new OutcomeWatch(funnel.bootstrapServers(), funnel.registryUrl());
        job = new JobProgress(funnel.flink().webUrl(), funnel.flink().job().getJobID().toHexString(),
                funnel.bootstrapServers());
        // Event time moves once the empty events partition has been idle long enough (5 s).
        job.awaitEventTime(System.currentTimeMillis(), 60_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (outcomes != null) {
            outcomes.close();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (funnel != null) {
            funnel.close();
        }
    }

    @Test
    void theWebUiItPrintsShowsTheRunningJob() throws Exception {
        String url = funnel.flink().webUrl();
        assertTrue(!url.endsWith(":0"), "a port people can open: " + url);
        HttpResponse<String> jobs = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/jobs/overview")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, jobs.statusCode());
        assertTrue(jobs.body().contains("\"state\":\"RUNNING\""), jobs.body());
    }

    @Test
    void aParallelBuildAndAPackageInstallGiveNoAlert() throws Exception {
        long fromNs = System.currentTimeMillis() * 1_000_000L;
        System.out.println("benign: " + BenignWorkloads.parallelBuild(ROOT, Files.createTempDirectory("funnel-build-")));
        System.out.println("benign: " + BenignWorkloads.packageInstall());
        long toMs = System.currentTimeMillis();
        job.awaitAlertsUpTo(toMs, LONGEST_WINDOW_MS, alerts, 90_000);
        List<AlertWatch.Seen> raised = alerts.all().stream().filter(s -> s.alert().getFirstEventNs() >= fromNs
                && s.alert().getFirstEventNs() <= toMs * 1_000_000L).toList();
        raised.forEach(s -> System.out.println("unexpected: " + AlertFormat.human(s.alert())));
        assertEquals(List.of(), raised.stream().map(s -> s.alert().getSummary()).toList(), "no alert for benign work");
        assertEquals(0, funnel.collector().stats().loss().total(), "and nothing was lost");
    }

    @Test
    void aForkStormGivesOneIncidentWithContextWithinFiveSeconds() throws Exception {
        long startMs = System.currentTimeMillis();
        long pid = KernelTests.runWorkload("forks", "10000");
        long endMs = System.currentTimeMillis();
        AlertWatch.Seen first = alerts.await(a -> a.getPid() == pid, 30_000)
                .orElseThrow(() -> new AssertionError("no alert about the storm's pid " + pid + " in 30 s; saw " + alerts.all()));
        job.awaitAlertsUpTo(endMs, LONGEST_WINDOW_MS, alerts, 90_000); // a second alert would be readable by now
        List<Alert> aboutStorm = alerts.all().stream().map(AlertWatch.Seen::alert).filter(a -> a.getPid() == pid).toList();
        aboutStorm.forEach(a -> System.out.println(AlertFormat.human(a)));
        long stormToAlert = first.arrivedMs() - startMs;
        System.out.printf("latency: storm start -> alert readable %d ms; first kernel event in the window -> alert %d ms%n",
                stormToAlert, first.kernelToAlertMs());

        // One incident: one alert, or (a storm that ramps up slowly crosses short_lived_flood's
        // notify before fork_storm's kill) one alert and the escalation fork_storm heads.
        assertEquals(List.of(first.alert()), Escalations.firstOfEachIncident(aboutStorm, x -> x),
                "one incident for the storm, escalations aside: " + aboutStorm);
        List<Alert> storms = aboutStorm.stream().filter(x -> x.getDetector().toString().equals("fork_storm")).toList();
        assertEquals(1, storms.size(), "one alert headed by fork_storm: " + aboutStorm);
        Alert a = storms.get(0);
        String escalates = a.getAttributes().get(AlertAttributes.ESCALATES);
        assertTrue(a.equals(first.alert()) || first.alert().getAlertId().equals(escalates),
                "fork_storm's alert is the first or escalates it: " + a);
        // Up to four detectors see this storm; people get the findings in the incident's alerts, each once.
        List<String> findings = aboutStorm.stream().flatMap(x -> detectors(x).stream()).toList();
        assertEquals("fork_storm", detectors(a).get(0), "the headline's finding first: " + detectors(a));
        assertEquals(findings.size(), Set.copyOf(findings).size(), "each finding once: " + findings);
        StormFindings expected = StormFindings.of(a.getObserved());
        assertTrue(findings.containsAll(expected.must()) && expected.may().containsAll(findings),
                "the findings of one incident: " + findings + ", expected " + expected);
        assertEquals(funnel.collector().host().hostName(), a.getHost());
        assertTrue(a.getExe() != null && a.getExe().endsWith("/funnel-workload"), "exe: " + a.getExe());
        assertEquals(ProcessHandle.current().pid(), a.getPpid(), "parent: this test's JVM");
        assertNotNull(a.getCgroupPath(), "cgroup context");
        assertTrue(a.getObserved() > 50, "observed " + a.getObserved());
        assertEquals(0, a.getLostEventsInWindow());
        assertTrue(stormToAlert <= 5_000, "alert readable " + stormToAlert + " ms after the storm started");
        // The shipped rules say kill, in dry-run: the alert says so, and the collector checks and reports, touching nothing.
        assertEquals("dry_run", String.valueOf(a.getAttributes().get(AlertAttributes.ACTION_DECISION)),
                "decision: " + a.getAttributes());
        String actionId = "act/" + a.getAlertId();
        dev.funnel.schema.ActionOutcome would = outcomes.await(o -> o.getActionId().toString().equals(actionId), 20_000)
                .orElseThrow(() -> new AssertionError("no outcome for " + actionId + "; saw " + outcomes.all()));
        System.out.println(AlertFormat.outcome(would));
        assertTrue(List.of("dry_run", "target_gone").contains(would.getOutcome().toString()),
                "dry-run touches nothing (the storm may be over by then): " + would);
    }

    /**
     * The findings the storm's alert must list, and may, from the forks its headline counted.
     * fork_storm's alert goes out when its first window over the threshold closes, with the
     * findings made by then (or, when short_lived_flood's alert went out first, it escalates
     * that one, which lists the earlier findings); later ones join the incident as suppressed.
     * A storm that ramps up on a slow machine crosses fork_storm's 200 in a window of 211 forks
     * (CI, 2026-12-02), on a fast one in a window of 5,600. The others count the same forks
     * against their own thresholds: short_lived_flood 250 children within 2 s,
     * sustained_fork_rate 50/s over 5 s (250 forks), fork_bomb 400 in the session's 1 s window.
     * Each must be listed when the headline's window alone crosses it. short_lived_flood and
     * sustained_fork_rate may be listed below that (their windows also hold the forks of the
     * seconds before); fork_bomb's window is the headline's own, so it may not be when the
     * headline is under 400. Each count comes in records of its own, and a record counts in the
     * window of its last fork: up to one flush interval's forks (250 ms) fall into the next window
     * in one count and not in another, so "crosses" allows that share either way.
     */
    record StormFindings(double headlineForks, Set<String> must, Set<String> may) {
        static StormFindings of(double headlineForks) {
            var rules = Detectors.defaultRules();
            Rule bomb = rules.get("fork_bomb");
            Rule sustained = rules.get("sustained_fork_rate");
            double edge = CollectorConfig.defaults().kernel().flushNs() / 1e6 / bomb.windowMs(); // share of a window
            Map<String, Double> crossesAbove = Map.of(
                    "fork_bomb", bomb.threshold(),
                    "short_lived_flood", rules.get("short_lived_flood").number("children") - 1, // fires at that many
                    "sustained_fork_rate", sustained.threshold() * sustained.windowMs() / 1000.0);
            Set<String> must = new HashSet<>(List.of("fork_storm"));
            Set<String> may = new HashSet<>(List.of("fork_storm", "short_lived_flood", "sustained_fork_rate"));
            crossesAbove.forEach((detector, above) -> {
                if (headlineForks * (1 - edge) > above) {
                    must.add(detector);
                }
            });
            if (headlineForks * (1 + edge) > bomb.threshold()) {
                may.add("fork_bomb");
            }
            return new StormFindings(headlineForks, must, may);
        }
    }

    /**
     * stress-ng's clone stressor trips several detectors (the worker's sustained fork rate, its
     * short-lived children, the session's fork count) on processes of one tree: the stress-ng
     * main process, the stressor's parent and its worker. People must get one incident for it,
     * listing the findings, not one alert per detector or per process (an escalation aside: on
     * CI's fresh machine it made 286 short-lived children in 2 s, short_lived_flood notified, and
     * fork_storm's kill escalated that alert 4 s later). Here the stressor makes about
     * 100 clones/s of which about half are processes (the rest threads, not forks): 54-71 forks/s
     * per 5 s window in four runs inside this JVM's load, just over the sustained-rate threshold
     * (50/s). So it runs 20 s (three whole windows; one over the threshold is enough) at nice
     * -10, so that the pipeline in this JVM slows it as little as possible. By 2026-12-03 it
     * forked faster here (150 clones/s): short_lived_flood, sustained_fork_rate and fork_storm's
     * escalation, one incident.
     */
    @Test
    void stressNgCloneGivesOneIncidentListingEachFinding() throws Exception {
        KernelTests.requireCommand("stress-ng");
        long fromNs = System.currentTimeMillis() * 1_000_000L;
        Process stress = new ProcessBuilder("nice", "-n", "-10", "stress-ng", "--clone", "1", "--timeout", "20s", "--metrics")
                .redirectErrorStream(true).start();
        String report;
        try {
            report = new String(stress.getInputStream().readAllBytes());
            assertEquals(0, stress.waitFor(), "stress-ng --clone exit status: " + report);
        } finally {
            stress.destroyForcibly();
        }
        report.lines().filter(l -> l.contains(" clone ")).forEach(l -> System.out.println("stress-ng: " + l));
        long endMs = System.currentTimeMillis();
        // Every process of the tree runs /usr/bin/stress-ng, and nothing else here does.
        java.util.function.Predicate<Alert> aboutTree = a -> a.getExe() != null && a.getExe().endsWith("/stress-ng")
                && a.getFirstEventNs() >= fromNs;
        AlertWatch.Seen first = alerts.await(aboutTree, 30_000)
                .orElseThrow(() -> new AssertionError("no alert about stress-ng --clone in 30 s; saw " + alerts.all()));
        job.awaitAlertsUpTo(endMs, LONGEST_WINDOW_MS, alerts, 90_000);
        List<Alert> about = alerts.all().stream().map(AlertWatch.Seen::alert).filter(aboutTree).toList();
        System.out.println(AlertFormat.human(first.alert()));

        assertEquals(List.of(first.alert()), Escalations.firstOfEachIncident(about, x -> x),
                "one incident for one stress-ng --clone, escalations aside: " + about);
        for (Alert a : about) {
            assertEquals(a.getDetector().toString(), detectors(a).get(0), "the headline's finding first: " + detectors(a));
        }
        List<String> detectors = about.stream().flatMap(a -> detectors(a).stream()).toList();
        assertTrue(List.of("fork_storm", "sustained_fork_rate", "short_lived_flood", "fork_bomb").containsAll(detectors),
                "spawn-family findings only: " + detectors);
        System.out.println("findings: " + detectors);
    }

    @Test
    void aWorkerBurningACoreInAContainerGivesOneHighCpuAlertNamingItsFunction() throws Exception {
        // The default rule: 0.8 of a core over a 60 s window sliding by 10 s; 75 s of spinning
        // fills at least one window whatever the phase.
        try (ContainerScope scope = ContainerScope.create()) {
            Process worker = scope.start(List.of(Workloads.binary().toString(), "spin", "75"));
            long pid = worker.pid();
            AlertWatch.Seen first = alerts.await(a -> a.getPid() == pid, 150_000)
                    .orElseThrow(() -> new AssertionError("no alert about the worker " + pid + " in 150 s; saw " + alerts.all()));
            assertEquals(0, worker.waitFor(), new String(worker.getInputStream().readAllBytes()));
            job.awaitAlertsUpTo(System.currentTimeMillis(), LONGEST_WINDOW_MS, alerts, 90_000);
            List<Alert> about = alerts.all().stream().map(AlertWatch.Seen::alert).filter(a -> a.getPid() == pid).toList();
            System.out.println(AlertFormat.human(first.alert()));

            assertEquals(1, about.size(), "one alert for one runaway worker: " + about);
            Alert a = first.alert();
            assertEquals("high_cpu", a.getDetector());
            assertEquals(scope.id(), a.getContainerId());
            assertTrue(a.getExe() != null && a.getExe().endsWith("/funnel-workload"), "exe: " + a.getExe());
            assertEquals(ProcessHandle.current().pid(), a.getPpid(), "parent: this test's JVM");
            assertEquals("handle_batch (funnel-workload)", a.getAttributes().get("function"));
            assertTrue(a.getSummary().startsWith("High CPU in container " + scope.id().substring(0, 12) + ", process "),
                    a.getSummary());
            assertTrue(a.getSummary().contains(", function handle_batch (funnel-workload) ("), a.getSummary());
            assertTrue(a.getObserved() >= 80, "observed " + a.getObserved() + " % of a core");
        }
    }

    /** The detectors of an alert's findings, in the alert's order (the headline's first). */
    static List<String> detectors(Alert a) {
        return a.getFindings().stream().map(f -> f.getDetector().toString()).toList();
    }
}
