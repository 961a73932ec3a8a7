package dev.funnel.job;

import dev.funnel.job.detect.Detectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.ForkStorm;
import dev.funnel.job.detect.ShortLivedFlood;
import dev.funnel.job.detect.FdBurst;
import dev.funnel.job.detect.ConnectionBurst;
import dev.funnel.job.detect.LostVisibility;
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
        assertEquals("PID 100 (/usr/bin/worker) forked 2000 times in 1 s (threshold 50), container abababababab,"
                + " parent 1, host web-1", a.summary);
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
        ev.add(sim.fdBurst(10_000, 10_900, 700, "/usr/bin/mandb", 1900));   // under 5000
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
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ev.add(sim.childExit(i * 10, 50_000 + i, 200, "/bin/sh", 5));
        }
        ev.add(sim.shortExitBurst(90, 400, 50_100, 200, "/bin/sh", 45)); // 8 + 45 >= 50
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
        AlertRecord a = alerts.get(0);
        assertEquals(ShortLivedFlood.NAME, a.detector);
        assertEquals(200, a.pid, "about the parent");
        assertEquals("/bin/sh", a.exe);
        assertEquals(53.0, a.observed);
        assertTrue(a.summary.startsWith("PID 200 (/bin/sh) spawned 53 short-lived children"), a.summary);
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
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(2, alerts.size(), alerts.toString());
        assertTrue(alerts.stream().anyMatch(a -> a.detector.equals(FdBurst.NAME) && a.observed == 5200));
        assertTrue(alerts.stream().anyMatch(a -> a.detector.equals(ConnectionBurst.NAME)
                && "10.0.0.5".equals(a.attributes.get("destination"))));
    }

    @Test
    void aLossyWindowRaisesItsOwnAlertAndStampsTheOthers() throws Exception {
        List<EventBatch> in = new ArrayList<>();
        List<Event> storm = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            storm.add(sim.fork(i * 5, 100, WORKER, 60_000 + i));
        }
        in.add(sim.batch(storm.subList(0, 50)));
        in.add(sim.batch(storm.subList(50, 100), 700)); // the collector lost 700 events meanwhile
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
        List<Event> ev = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double t = i * 2.0; // 500 forks/s for 6 s; every child exits 1 ms later
            ev.add(sim.fork(t, 100, WORKER, 70_000 + i));
            ev.add(sim.childExit(t + 1, 70_000 + i, 100, WORKER, 1));
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), "fork storm, flood and sustained rate describe one incident: " + alerts);
        assertEquals(ForkStorm.NAME, alerts.get(0).detector, "the storm is the alert, the flood its symptom");
    }

    @Test
    void aStormLastingAMinuteIsStillOneIncident() throws Exception {
        List<Event> ev = new ArrayList<>();
        for (int s = 0; s < 90; s++) {
            ev.add(sim.forkBurst(s * 1000, s * 1000 + 999, 100, WORKER, 100)); // 100/s for 90 s
        }
        List<AlertRecord> alerts = JobTestKit.alerts(Detectors.defaultRules(), batches(ev));
        assertEquals(1, alerts.size(), alerts.toString());
    }
}
