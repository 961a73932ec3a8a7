package dev.funnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.AlertWatch;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.local.EmbeddedFunnel;
import dev.funnel.schema.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded default end to end on the real kernel, exactly as `funnel demo` runs it: real
 * KRaft broker, real registry, the job on a Flink mini cluster, the collector on this kernel,
 * alerts read back by a plain consumer. Benign work first (nothing may fire), then a storm.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    static final Path ROOT = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "..")).toAbsolutePath().normalize();
    static EmbeddedFunnel funnel;
    static AlertWatch alerts;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireBpf();
        Path work = Files.createTempDirectory("funnel-e2e-");
        funnel = EmbeddedFunnel.start(new EmbeddedFunnel.Settings(0, 0, 0, 0, "", "", work),
                new Progress("e2e", System.err));
        alerts = new AlertWatch(funnel.bootstrapServers(), funnel.registryUrl());
        Thread.sleep(6_000); // past the idleness of the empty partition: event time is moving
    }

    @AfterAll
    static void stop() throws Exception {
        if (alerts != null) {
            alerts.close();
        }
        if (funnel != null) {
            funnel.close();
        }
    }

    @Test
    @Order(0)
    void theWebUiItPrintsShowsTheRunningJob() throws Exception {
        String url = funnel.flink().webUrl();
        assertTrue(!url.endsWith(":0"), "a port people can open: " + url);
        HttpResponse<String> jobs = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/jobs/overview")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, jobs.statusCode());
        assertTrue(jobs.body().contains("\"state\":\"RUNNING\""), jobs.body());
    }

    @Test
    @Order(1)
    void aParallelBuildAndAPackageInstallGiveNoAlert() throws Exception {
        int before = alerts.all().size();
        System.out.println("benign: " + BenignWorkloads.parallelBuild(ROOT, Files.createTempDirectory("funnel-build-")));
        System.out.println("benign: " + BenignWorkloads.packageInstall());
        // Every window those ran in has closed and its alerts would be committed by now:
        // window 1 s + out-of-orderness + a checkpoint, with room to spare; 10 s for the
        // slow-request window.
        Thread.sleep(12_000);
        List<AlertWatch.Seen> raised = alerts.all().subList(before, alerts.all().size());
        raised.forEach(s -> System.out.println("unexpected: " + AlertFormat.human(s.alert())));
        assertEquals(List.of(), raised.stream().map(s -> s.alert().getSummary()).toList(), "no alert for benign work");
        assertEquals(0, funnel.collector().stats().loss().total(), "and nothing was lost");
    }

    @Test
    @Order(2)
    void aForkStormGivesExactlyOneAlertWithContextWithinFiveSeconds() throws Exception {
        long startMs = System.currentTimeMillis();
        long pid = KernelTests.runWorkload("forks", "10000");
        AlertWatch.Seen first = alerts.await(a -> a.getPid() == pid, 30_000)
                .orElseThrow(() -> new AssertionError("no alert about the storm's pid " + pid + " in 30 s; saw " + alerts.all()));
        Thread.sleep(8_000); // a second alert for the same storm would be committed by now
        List<Alert> aboutStorm = alerts.all().stream().map(AlertWatch.Seen::alert).filter(a -> a.getPid() == pid).toList();
        System.out.println(AlertFormat.human(first.alert()));
        long stormToAlert = first.arrivedMs() - startMs;
        System.out.printf("latency: storm start -> alert readable %d ms; first kernel event in the window -> alert %d ms%n",
                stormToAlert, first.kernelToAlertMs());

        assertEquals(1, aboutStorm.size(), "exactly one alert for the storm: " + aboutStorm);
        Alert a = first.alert();
        assertEquals("fork_storm", a.getDetector());
        assertEquals(funnel.collector().host().hostName(), a.getHost());
        assertTrue(a.getExe() != null && a.getExe().endsWith("/funnel-workload"), "exe: " + a.getExe());
        assertEquals(ProcessHandle.current().pid(), a.getPpid(), "parent: this test's JVM");
        assertNotNull(a.getCgroupPath(), "cgroup context");
        assertTrue(a.getObserved() > 50, "observed " + a.getObserved());
        assertEquals(0, a.getLostEventsInWindow());
        assertTrue(stormToAlert <= 5_000, "alert readable " + stormToAlert + " ms after the storm started");
    }
}
