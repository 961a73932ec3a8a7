package dev.funnel.job;

import dev.funnel.job.detect.Detectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.ForkStorm;
import dev.funnel.job.detect.HighCpu;
import dev.funnel.job.detect.ShortLivedFlood;
import dev.funnel.job.detect.FdBurst;
import dev.funnel.job.detect.ConnectionBurst;
import dev.funnel.job.detect.LostVisibility;
import dev.funnel.job.detect.ForkBomb;
import dev.funnel.job.detect.CrashLoop;
import dev.funnel.job.detect.FdExhaustion;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.rules.Rules;
import dev.funnel.workloads.synthetic.SyntheticEvents;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every detector on the real pipeline (MiniCluster), fed with what collectors would send. */
class DetectorsPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    static final String WORKER = "/usr/bin/worker";
    final SyntheticEvents sim = new SyntheticEvents("web-1", 1_795_000_000_000_000_000L);

    /** Chops events into batches of 500, as a collector would. */
    List<EventBatch> batches(List<Event> events) {
        List<EventBatch> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 500) {
            out.add(sim.batch(events.subList(i, Math.min(events.size(), i + 500))));
        }
        return out;
    }

    @Test
    void tenThousandForkEventsOfOneStormGiveExactlyOneAlert() throws Exception {
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ev.add(sim.fork(i * 0.5, 100, WORKER, 20_000 + i)); // 2,000 forks/s for 5 s
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        AlertRecord a = alerts.get(0);
        assertEquals(ForkStorm.NAME, a.detector);
        assertEquals(100, a.pid);
        assertEquals(2000.0, a.observed);
        assertEquals(0, a.lostEventsInWindow);
        assertEquals("PID 100 (/usr/bin/worker) forked 2000 times in 1 s (threshold 200), container abababababab,"
                + " parent 1, host web-1; same incident: sustained_fork_rate on PID 100", a.summary,
                "each other detector named once, the headline's own later windows not at all");
        assertEquals(List.of(ForkStorm.NAME, "sustained_fork_rate"), a.findings.stream().map(f -> f.detector).toList());
    }

    @Test
    void aWorkerBurningACoreForMinutesIsOneHighCpuAlertNamingItsFunction() throws Exception {
        List<Event> ev = new ArrayList<>();
        for (int s = 1; s <= 180; s++) {
            ev.add(sim.cpuProfile(s * 1000.0, 100, WORKER, "handle_batch", 48)); // 98% of a core for 3 minutes
            if (s <= 20) {
                ev.add(sim.cpuProfile(s * 1000.0, 200, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "ggc_internal_alloc", 49));
            }
        }
        List<EventBatch> batches = new ArrayList<>();
        for (Event e : ev) {
            batches.add(sim.batch(List.of(e))); // one profile per collector interval
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches);
        assertEquals(1, alerts.size(), "one incident, and the 20 s compile stays under the window's share: " + alerts);
        AlertRecord a = alerts.get(0);
        assertEquals(HighCpu.NAME, a.detector);
        assertEquals(100, a.pid);
        assertEquals(42, a.ppid);
        // The first window at the threshold (0.8) is [-10 s, 50 s): the first 49 profiles of 48
        // samples (44 of them in handle_batch) against 49 Hz x 60 s.
        assertEquals("High CPU in container abababababab, process /usr/bin/worker (PID 100), function handle_batch"
                + " (worker) (92% of samples), parent PID 42: 80% of a core over 60 s, host web-1", a.summary);
        assertEquals(80.0, a.observed, "percent of a core");
        assertEquals(80.0, a.threshold);
        assertEquals("a process kept a core busy for 60 s: 80% of a core, 1x the threshold of 80%; the busiest benign"
                + " workload measured reached 30%", a.why);
        assertEquals("handle_batch (worker)", a.attributes.get("function"));
        assertEquals("handle_batch (worker) 92%", a.attributes.get("frame_1"));
        assertEquals("__memcpy_avx_unaligned (libc.so.6) 8%", a.attributes.get("frame_2"));
        assertEquals("handle_batch (worker) < main (worker)", a.attributes.get("stack"));
    }

    @Test
    void aStormAggregatedByTheKernelGivesOneAlertToo() throws Exception {
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ev.add(sim.fork(i, 100, WORKER, 30_000 + i));
        }
        for (int s = 0; s < 10; s++) {
            ev.add(sim.forkBurst(s * 1000 + 8, s * 1000 + 999, 100, WORKER, 900));
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(ForkStorm.NAME, alerts.get(0).detector);
        assertEquals(908.0, alerts.get(0).observed, "8 singles + the burst in the first second");
        assertEquals("__libc_fork (libc.so.6) < spawn_worker (worker) < main (worker)", alerts.get(0).attributes.get("stack"),
                "the call site the kernel captured as the key turned hot");
    }

    @Test
    void aBenignMixGivesNoAlert() throws Exception {
        List<Event> ev = new ArrayList<>();
        // A parallel build: make forks a compiler every 200 ms; each lives 1.5-3 s.
        for (int i = 0; i < 150; i++) {
            double t = i * 200;
            ev.add(sim.fork(t, 500, "/usr/bin/make", 40_000 + i));
            ev.add(sim.exec(t + 1, 40_000 + i, 500, "/usr/bin/cc1"));
            ev.add(sim.childExit(t + 2500, 40_000 + i, 500, "/usr/bin/make", 1500 + (i % 3) * 700));
        }
        ev.add(sim.slowRequest(3_000, 600, "/usr/bin/python3", 700, 8080)); // one slow request is not an incident
        ev.add(sim.slowRequest(9_000, 600, "/usr/bin/python3", 650, 8080));
        ev.add(sim.fdBurst(10_000, 10_900, 700, "/usr/bin/mandb", 1900));   // fd_burst is off by default
        // make -j2 as measured here: ~12 short-lived compilers a second (25 per 2 s).
        for (int i = 0; i < 40; i++) {
            ev.add(sim.childExit(20_000 + i * 80, 41_000 + i, 501, "/usr/bin/make", 150));
        }
        ev.add(sim.connectBurst(12_000, 12_900, 800, "/usr/bin/curl", 60, "10.0.0.5"));
        ev.add(sim.connectBurst(12_000, 12_900, 800, "/usr/bin/curl", 60, "10.0.0.6"));
        ev.sort((a, b) -> Long.compare(a.getTimeNs(), b.getTimeNs()));
        assertEquals(List.of(), JobTestKit.alerts(Detectors.defaultRules(), batches(ev)));
    }

    @Test
    void shortLivedChildrenFloodFiresOnCountsIncludingKernelBursts() throws Exception {
        int children = Detectors.defaultRules().get(ShortLivedFlood.NAME).count("children");
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ev.add(sim.childExit(i * 10, 50_000 + i, 200, "/bin/sh", 5));
        }
        ev.add(sim.shortExitBurst(90, 400, 50_100, 200, "/bin/sh", children - 5)); // 8 singles + the burst: 3 over
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        AlertRecord a = alerts.get(0);
        assertEquals(ShortLivedFlood.NAME, a.detector);
        assertEquals(200, a.pid, "about the parent");
        assertEquals("/bin/sh", a.exe);
        assertEquals(children + 3.0, a.observed);
        assertTrue(a.summary.startsWith("PID 200 (/bin/sh) spawned " + (children + 3) + " short-lived children"), a.summary);
    }

    @Test
    void slowRequestsReportCountAndWorstLatency() throws Exception {
        List<Event> ev = new ArrayList<>();
        double[] ms = {620, 700, 950, 540};
        for (int i = 0; i < ms.length; i++) {
            ev.add(sim.slowRequest(1000 + i * 2000, 300, "/usr/bin/python3", ms[i], 8080));
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("950", alerts.get(0).attributes.get("worst_latency_ms"));
        assertEquals(3.0, alerts.get(0).threshold, "fires at min_count requests");
        assertEquals("500", alerts.get(0).attributes.get("latency_threshold_ms"));
        assertTrue(alerts.get(0).summary.contains("answered 4 requests slower than 500 ms in 10 s, worst 950 ms, on port 8080"),
                alerts.get(0).summary);
    }

    @Test
    void fdAndConnectionBurstsFireOverTheirThresholds() throws Exception {
        List<Event> ev = new ArrayList<>();
        ev.add(sim.fdBurst(100, 500, 700, "/usr/bin/find", 2600));
        ev.add(sim.fdBurst(500, 900, 700, "/usr/bin/find", 2600)); // 5200 in one window
        ev.add(sim.connectBurst(1000, 1900, 800, "/usr/bin/curl", 150, "10.0.0.5"));
        // fd_burst is off by default (its hook costs every open on the host); a user turns it on
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.parse("fd_burst:\n  enabled: true\n  threshold: 5000\n", "test"),
                batches(ev));
        assertEquals(2, alerts.size(), alerts.toString());
        assertTrue(alerts.stream().anyMatch(a -> a.detector.equals(FdBurst.NAME) && a.observed == 5200));
        assertTrue(alerts.stream().anyMatch(a -> a.detector.equals(ConnectionBurst.NAME)
                && "10.0.0.5".equals(a.attributes.get("destination"))));
    }

    @Test
    void aLossyWindowRaisesItsOwnAlertAndStampsTheOthers() throws Exception {
        List<EventBatch> in = new ArrayList<>();
        List<Event> storm = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            storm.add(sim.fork(i * 2, 100, WORKER, 60_000 + i));
        }
        in.add(sim.batch(storm.subList(0, 200)));
        in.add(sim.batch(storm.subList(200, 400), 700)); // the collector lost 700 events meanwhile
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), in);
        AlertRecord lost = alerts.stream().filter(a -> a.detector.equals(LostVisibility.NAME)).findFirst().orElseThrow();
        assertEquals(700, lost.lostEventsInWindow);
        assertTrue(lost.summary.startsWith("host web-1 lost 700 events in 10 s"), lost.summary);
        AlertRecord storms = alerts.stream().filter(a -> a.detector.equals(ForkStorm.NAME)).findFirst().orElseThrow();
        assertEquals(700, storms.lostEventsInWindow, "the storm's window was lossy, and says so");
        assertTrue(storms.summary.contains("700 events lost in this window"), storms.summary);
    }

    @Test
    void aStormWhoseChildrenDieYoungIsOneIncidentNotThree() throws Exception {
        // 500 forks/s for 6 s, every child exiting 1 ms later, in the shape the kernel sends
        // them: 8 singles, then every 250 ms the counts of forks and of short-lived exits.
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ev.add(sim.fork(i * 2.0, 100, WORKER, 70_000 + i));
            ev.add(sim.childExit(i * 2.0 + 1, 70_000 + i, 100, WORKER, 1));
        }
        for (int q = 0; q < 24; q++) {
            double from = Math.max(16, q * 250);
            int n = q == 0 ? 125 - 8 : 125;
            ev.add(sim.forkBurst(from, q * 250 + 249, 100, WORKER, n));
            ev.add(sim.shortExitBurst(from + 1, q * 250 + 249.5, 71_000 + q, 100, WORKER, n));
        }
        ev.sort((a, b) -> Long.compare(a.getTimeNs(), b.getTimeNs()));
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), "fork storm, flood and sustained rate describe one incident: " + alerts);
        assertEquals(ForkStorm.NAME, alerts.get(0).detector, "the storm is the alert, the flood its symptom");
    }

    @Test
    void aStormLastingAMinuteIsStillOneIncident() throws Exception {
        List<Event> ev = new ArrayList<>();
        for (int s = 0; s < 90; s++) {
            ev.add(sim.forkBurst(s * 1000, s * 1000 + 999, 100, WORKER, 300)); // 300/s for 90 s
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
    }

    @Test
    void aForkBombSpreadOverItsTreeIsOneAlertAboutTheSession() throws Exception {
        // 3 s of a bomb: its session forks 3x the threshold a second, no process more than twice.
        int perSecond = (int) (3 * Detectors.defaultRules().get(ForkBomb.NAME).threshold());
        List<Event> ev = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            for (int q = 0; q < 4; q++) { // the kernel sends the session's count every 250 ms
                double from = s * 1000 + q * 250;
                ev.add(sim.groupForkBurst(from, from + 249, 90_000 + s * 10 + q, 90_000 + s * 10 + q - 1, "/usr/bin/bash",
                        4242, perSecond / 4));
            }
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        AlertRecord a = alerts.get(0);
        assertEquals(ForkBomb.NAME, a.detector);
        assertEquals("4242", a.attributes.get("session"));
        assertEquals("/usr/bin/bash", a.exe);
        assertTrue(a.why != null && a.why.contains("fork bomb"), a.why);
    }

    @Test
    void oneProcessStormingIsAForkStormEvenThoughItsSessionCountsTheSameForks() throws Exception {
        int perSecond = (int) (2 * Detectors.defaultRules().get(ForkBomb.NAME).threshold());
        List<Event> ev = new ArrayList<>();
        for (int s = 0; s < 2; s++) { // the kernel counts the same forks per process and per session
            ev.add(sim.forkBurst(s * 1000, s * 1000 + 999, 100, WORKER, perSecond));
            ev.add(sim.groupForkBurst(s * 1000, s * 1000 + 999, 100, 1, WORKER, 4242, perSecond));
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(ForkStorm.NAME, alerts.get(0).detector, "about the process, the session's count listed");
        assertTrue(alerts.get(0).findings.stream().anyMatch(f -> f.detector.equals(ForkBomb.NAME)), alerts.get(0).summary);
    }

    @Test
    void aCrashLoopIsCaughtFromSinglesAndKernelCountsAlike() throws Exception {
        int failures = Detectors.defaultRules().get(CrashLoop.NAME).count("failures");
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ev.add(sim.childCrash(i * 50, 95_000 + i, 300, "/usr/sbin/supervisor", 5, 11));
        }
        ev.add(sim.failedChildrenBurst(500, 3_000, 95_100, 300, "/usr/sbin/supervisor", failures - 8));
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(List.of(CrashLoop.NAME), alerts.stream().map(a -> a.detector).toList(), alerts.toString());
        assertEquals(300, alerts.get(0).pid, "about the parent that keeps respawning");
        assertEquals((double) failures, alerts.get(0).observed);
    }

    @Test
    void anExitOutOfDescriptorsIsFdExhaustionAndABusyButHealthyOneIsNot() throws Exception {
        List<Event> ev = new ArrayList<>();
        ev.add(sim.exitHolding(100, 600, "/usr/bin/python3.11", 1024, 1024));
        ev.add(sim.exitHolding(200, 601, "/usr/sbin/nginx", 700, 1024));     // busy, not exhausted
        ev.add(sim.exitHolding(300, 602, "/usr/bin/leaky", 200, 200));       // a limit too small to judge
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(FdExhaustion.NAME, alerts.get(0).detector);
        assertEquals(600, alerts.get(0).pid);
        assertEquals("1024", alerts.get(0).attributes.get("open_fds"));
    }

    @Test
    void aStormOnAWorkerAndAFloodOnItsParentAreOneAlertListingBoth() throws Exception {
        // stress-ng --clone: the worker (pid 101, child of 100) forks a storm; its parent 100
        // loses short-lived children (other workers) at the same time.
        double storm = 4 * Detectors.defaultRules().get(ForkStorm.NAME).threshold();
        int children = Detectors.defaultRules().get(ShortLivedFlood.NAME).count("children");
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < (int) storm; i++) {
            ev.add(sim.fork(i * 1000.0 / storm, 101, "/usr/bin/stress-ng", 96_000 + i));
        }
        for (int i = 0; i < children * 2; i++) {
            ev.add(sim.childExit(i * 1000.0 / (children * 2), 97_000 + i, 100, "/usr/bin/stress-ng", 2));
        }
        ev.sort((a, b) -> Long.compare(a.getTimeNs(), b.getTimeNs()));
        List<EventBatch> in = batches(ev);
        // the storm's process descends from the flood's parent: make the worker a child of 100
        for (EventBatch b : in) {
            for (var c : b.getProcesses()) {
                if (c.getPid() == 101) {
                    c.setPpid(100);
                    c.getParent().setPid(100);
                    c.getParent().setStartBootNs(SyntheticEvents.startOf(100));
                }
            }
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), in);
        assertEquals(1, alerts.size(), "one incident: " + alerts);
        assertEquals(ForkStorm.NAME, alerts.get(0).detector);
        assertTrue(alerts.get(0).findings.stream().anyMatch(f -> f.detector.equals(ShortLivedFlood.NAME) && f.pid == 100),
                alerts.get(0).findings.stream().map(f -> f.detector + "/" + f.pid).toList().toString());
    }
}
