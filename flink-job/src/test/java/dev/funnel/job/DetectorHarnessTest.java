package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.DetectorInputs;
import dev.funnel.job.detect.Detectors;
import dev.funnel.job.detect.FdBurst;
import dev.funnel.job.detect.ForkPanes;
import dev.funnel.job.detect.ForkStorm;
import dev.funnel.job.detect.HighCpu;
import dev.funnel.job.detect.ShortLivedFlood;
import dev.funnel.job.detect.SustainedForkRate;
import dev.funnel.job.detect.incident.IncidentGrouper;
import dev.funnel.job.detect.ForkBomb;
import dev.funnel.job.detect.CrashLoop;
import dev.funnel.job.detect.window.CpuStats;
import dev.funnel.job.detect.window.LateEvents;
import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rules;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Each detector's stateful operator alone, as the job builds it: the right output, late
 * events to the side output, and no keyed state or timer left once the window (or incident)
 * is over, so state does not grow with the number of processes ever seen.
 */
class DetectorHarnessTest {
    final Rules rules = Detectors.defaultRules();

    static EventRecord event(Kind kind, int pid, long ms, int count) {
        EventRecord e = new EventRecord();
        e.host = "h";
        e.bootId = "b";
        e.kind = kind;
        e.pid = pid;
        e.startNs = 1000 + pid;
        e.ppid = 1;
        e.parentStartNs = 1;
        e.exe = "/usr/bin/x";
        e.timeNs = ms * 1_000_000L;
        e.firstNs = e.timeNs;
        e.count = count;
        e.lifetimeNs = 1_000_000L;
        e.destination = "10.0.0.1";
        return e;
    }

    /** The test harness around the operator that made stream (taken from the job's own graph). */
    @SuppressWarnings("unchecked")
    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness(
            SingleOutputStreamOperator<OUT> stream, KeySelector<IN, String> key) throws Exception {
        OneInputTransformation<IN, OUT> t = (OneInputTransformation<IN, OUT>) stream.getTransformation();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), key, Types.STRING);
        h.open();
        return h;
    }

    /** The harness around the operator `steps` transformations above stream (a window before filter/map). */
    @SuppressWarnings("unchecked")
    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harnessAbove(
            DataStream<?> stream, int steps, KeySelector<IN, String> key) throws Exception {
        Transformation<?> t = stream.getTransformation();
        for (int i = 0; i < steps; i++) {
            t = t.getInputs().get(0);
        }
        var h = new KeyedOneInputStreamOperatorTestHarness<>(((OneInputTransformation<IN, OUT>) t).getOperatorFactory(),
                key, Types.STRING);
        h.open();
        return h;
    }

    /** The detectors' inputs over a placeholder stream: only the graph they build is used. */
    DetectorInputs inputs() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return new DetectorInputs(env.fromData(event(Kind.FORK, 1, 0, 1)), env.fromData(new dev.funnel.job.model.BatchInfo()),
                rules);
    }

    @Test
    void forkPanesCountPerWindowSendLateEventsAsideAndClearState() throws Exception {
        var h = DetectorHarnessTest.<EventRecord, WindowStats>harness(ForkPanes.of(inputs()),
                EventRecord::processKey);
        for (int i = 0; i < 60; i++) {
            h.processElement(new StreamRecord<>(event(Kind.FORK, 7, 10 + i * 10, 1), 10 + i * 10));
        }
        h.processElement(new StreamRecord<>(event(Kind.FORK_BURST, 7, 900, 40), 900)); // a burst counts 40
        assertEquals(1, h.numKeyedStateEntries(), "one open window");
        assertEquals(1, h.numEventTimeTimers());
        h.processWatermark(999);
        List<WindowStats> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(100, out.get(0).count);
        assertEquals(0, h.numKeyedStateEntries(), "window state cleared when it fired");
        assertEquals(0, h.numEventTimeTimers());
        h.processElement(new StreamRecord<>(event(Kind.FORK, 7, 500, 1), 500)); // behind the watermark
        assertEquals(1, h.getSideOutput(LateEvents.TAG).size(), "late event to the side output");
        assertEquals(0, h.numKeyedStateEntries());
        h.close();
    }

    @Test
    void sustainedRateSumsPanesOverItsWindowsAndForgetsAQuietProcess() throws Exception {
        // sustained = rate -> map: the rate is one step up.
        var h = DetectorHarnessTest.<WindowStats, WindowStats>harnessAbove(
                new SustainedForkRate().build(inputs(), rules.get(SustainedForkRate.NAME)), 1, s -> s.key);
        // 75 forks a second for 12 s (over 50/s), one pane a second, in order as the pane operator emits them.
        for (int s = 0; s < 12; s++) {
            h.processElement(new StreamRecord<>(pane(s, 75), s * 1000L + 999));
            h.processWatermark(s * 1000L + 999);
        }
        List<WindowStats> out = h.extractOutputValues();
        assertEquals(List.of(4_000L, 5_000L, 6_000L, 7_000L, 8_000L, 9_000L, 10_000L, 11_000L, 12_000L),
                out.stream().map(w -> w.windowEndMs).toList(),
                "a 5 s window passes 50/s once it holds 4 seconds of 75 (300 forks), as a sliding window operator would");
        assertEquals(300, out.get(0).count);
        assertEquals(-1_000, out.get(0).windowStartMs);
        assertEquals(375, out.get(1).count, "the full window [0, 5 s)");
        assertEquals(1, h.numKeyedStateEntries(), "one process: its panes of the last window");
        // A slower process (40/s) never fires, however long it goes on.
        for (int s = 20; s < 40; s++) {
            h.processElement(new StreamRecord<>(pane(s, 40), s * 1000L + 999));
        }
        assertEquals(9, h.extractOutputValues().size());
        // Quiet for a whole window after its last pane: state and timers are gone.
        h.processWatermark(60_000);
        assertEquals(0, h.numKeyedStateEntries(), "panes cleared");
        assertEquals(0, h.numEventTimeTimers(), "timers cleared");
        h.close();
    }

    static WindowStats pane(int second, int forks) {
        WindowStats p = new WindowStats();
        p.key = "h/7@1007";
        p.windowStartMs = second * 1000L;
        p.windowEndMs = second * 1000L + 1000;
        p.add(event(Kind.FORK_BURST, 7, second * 1000L + 500, forks));
        return p;
    }

    @Test
    void aBurstDetectorWindowFiresOnceAndForgetsTheKey() throws Exception {
        // alerts() is window -> filter -> map: the window is two steps up.
        var h = DetectorHarnessTest.<EventRecord, WindowStats>harnessAbove(new FdBurst().build(inputs(), rules.get(FdBurst.NAME)),
                2, EventRecord::processKey);
        h.processElement(new StreamRecord<>(event(Kind.FD_OPEN_BURST, 9, 100, 150), 100));
        h.processElement(new StreamRecord<>(event(Kind.FD_OPEN_BURST, 9, 800, 150), 800));
        h.processWatermark(999);
        assertEquals(300, h.extractOutputValues().get(0).count);
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        h.close();
    }

    /** A CPU profile: samples at 49 Hz over the second before ms, all in function hot. */
    static EventRecord profile(int pid, long ms, int samples, String hot) {
        EventRecord e = event(Kind.CPU_PROFILE, pid, ms, samples);
        e.sampleHz = 49;
        e.durationNs = 1_000_000_000L;
        e.frames = new String[] {hot};
        e.frameSamples = new int[] {samples};
        e.hotStack = hot + " < main (x)";
        return e;
    }

    @Test
    void highCpuSumsSamplesOverSlidingWindowsIgnoresAShortBurstAndForgetsTheProcess() throws Exception {
        var rule = rules.get(HighCpu.NAME);
        long windowMs = rule.windowMs();
        long slideMs = rule.durationMs("slide");
        // window -> filter -> map: the window operator is two steps up.
        var h = DetectorHarnessTest.<EventRecord, CpuStats>harnessAbove(new HighCpu().build(inputs(), rule), 2,
                EventRecord::processKey);
        // Process 7: a whole core for a whole window; process 8: a core for a third of it (a build step).
        for (long ms = 1_000; ms <= windowMs; ms += 1_000) {
            h.processElement(new StreamRecord<>(profile(7, ms - 1, 49, "handle_batch (worker)"), ms - 1));
            if (ms <= windowMs / 3) {
                h.processElement(new StreamRecord<>(profile(8, ms - 1, 49, "cc1 (cc1)"), ms - 1));
            }
        }
        h.processWatermark(windowMs - 1);
        List<CpuStats> full = h.extractOutputValues().stream().filter(s -> s.windowEndMs == windowMs).toList();
        CpuStats seven = full.stream().filter(s -> s.key.equals("h/7@1007")).findFirst().orElseThrow();
        CpuStats eight = full.stream().filter(s -> s.key.equals("h/8@1008")).findFirst().orElseThrow();
        assertEquals(1.0, seven.coreShare(), 1e-9);
        assertEquals(List.of("handle_batch (worker)"), List.of(seven.frames));
        assertEquals(49L * windowMs / 1000, seven.frameSamples[0]);
        assertEquals(1.0 / 3, eight.coreShare(), 1e-9);
        assertTrue(eight.coreShare() < rule.threshold(), "a short busy burst stays under the window's share");
        // Every window that could hold a profile closes: no state or timer is left.
        h.processWatermark(2 * windowMs + slideMs);
        assertEquals(0, h.numKeyedStateEntries(), "window state cleared");
        assertEquals(0, h.numEventTimeTimers(), "timers cleared");
        h.close();
    }

    @Test
    void floodPatternMatchesOutOfOrderInputAndForgetsIt() throws Exception {
        var h = DetectorHarnessTest.<EventRecord, AlertRecord>harness(new ShortLivedFlood().build(inputs(), rules.get(ShortLivedFlood.NAME)),
                EventRecord::spawnerKey);
        // As many short-lived children of parent 1 (the spawner) as the rule asks for, arriving
        // shuffled within 1 s.
        int children = rules.get(ShortLivedFlood.NAME).count("children");
        List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, children).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(7));
        for (int i : order) {
            EventRecord e = event(Kind.EXIT, 100 + i, 100 + i * 900L / children, 1);
            h.processElement(new StreamRecord<>(e, e.timeMs()));
        }
        assertEquals(0, h.extractOutputValues().size(), "CEP waits for the watermark to order events");
        h.processWatermark(2_000);
        List<AlertRecord> out = h.extractOutputValues();
        assertEquals(1, out.size(), "one match for the " + children + " children, in event-time order: " + out);
        assertEquals((double) children, out.get(0).observed);
        assertEquals(1, out.get(0).pid, "about the parent");
        h.processElement(new StreamRecord<>(event(Kind.EXIT, 500, 100, 1), 100)); // far behind the watermark
        assertEquals(1, h.getSideOutput(LateEvents.TAG).size(), "late to the side output");
        h.processWatermark(10_000);
        assertEquals(0, h.numEventTimeTimers(), "no timers left once every partial match is gone");
        h.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> grouper(long holdMs) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord>(
                new KeyedProcessOperator<>(new IncidentGrouper(java.util.Map.of("spawn", holdMs),
                        Detectors.actions(Detectors.defaultRules()))), IncidentGrouper::key,
                Types.STRING);
        h.open();
        return h;
    }

    @Test
    void aFloodOnTheParentAndAStormOnItsChildAreOneIncidentWithBothFindings() throws Exception {
        var h = grouper(1_000);
        // stress-ng --clone: the CEP flood about the parent (pid 7) ends at its last exit
        // (39.697 s); the fork storm about its worker (pid 8, child of 7) at the next full second.
        h.processElement(new StreamRecord<>(candidate(ShortLivedFlood.NAME, 2, 7, 1, 38_886, 39_697), 39_696));
        h.processWatermark(39_700);
        assertEquals(List.of(), h.extractOutputValues(), "the flood is held for a better finding");
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 8, 7, 39_000, 40_000), 39_999));
        h.processWatermark(40_000);
        List<AlertRecord> out = h.extractOutputValues();
        assertEquals(List.of(ForkStorm.NAME), out.stream().map(a -> a.detector).toList(), "one alert, the storm");
        assertEquals(List.of(ForkStorm.NAME, ShortLivedFlood.NAME), out.get(0).findings.stream().map(f -> f.detector).toList(),
                "listing both findings, the headline first");
        assertTrue(out.get(0).summary.contains("same incident: short_lived_flood on PID 7"), out.get(0).summary);
        h.processWatermark(41_000);
        assertEquals(1, h.extractOutputValues().size());
        h.close();
    }

    @Test
    void aStormThatRampsUpSlowlyEscalatesItsNotifyOnlyAlertOnceToTheStormsAction() throws Exception {
        var h = grouper(1_000);
        // A slow machine's storm: the flood of short-lived children (notify) is found first and
        // its hold runs out before the worker's rate crosses fork_storm's threshold (kill).
        h.processElement(new StreamRecord<>(candidate(ShortLivedFlood.NAME, 2, 7, 1, 38_886, 39_697), 39_696));
        h.processWatermark(40_700);
        assertEquals(List.of(ShortLivedFlood.NAME), h.extractOutputValues().stream().map(a -> a.detector).toList());
        String first = h.extractOutputValues().get(0).alertId;
        // The same incident goes on: a finding that would get the same action adds nothing.
        h.processElement(new StreamRecord<>(candidate(SustainedForkRate.NAME, 3, 8, 7, 36_000, 41_000), 40_999));
        h.processWatermark(41_000);
        assertEquals(1, h.extractOutputValues().size(), "a notify finding after a notify alert is suppressed");
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 8, 7, 41_000, 42_000), 41_999));
        h.processWatermark(41_998);
        assertEquals(1, h.extractOutputValues().size(), "due when its own window has closed");
        h.processWatermark(42_000);
        List<AlertRecord> out = h.extractOutputValues();
        assertEquals(List.of(ShortLivedFlood.NAME, ForkStorm.NAME), out.stream().map(a -> a.detector).toList(),
                "the storm's finding raises its own alert, so its kill is decided");
        assertEquals(first, out.get(1).attributes.get("escalates"));
        assertTrue(out.get(1).summary.endsWith("escalates alert " + first + " (short_lived_flood on PID 7)"), out.get(1).summary);
        assertEquals(List.of(ForkStorm.NAME), out.get(1).findings.stream().map(f -> f.detector).toList());
        // The storm goes on, and its session crosses fork_bomb's count (freeze, milder than kill): one escalation.
        for (long s = 42; s < 50; s++) {
            h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 8, 7, s * 1000, s * 1000 + 1000), s * 1000 + 999));
            h.processElement(new StreamRecord<>(sessionBomb(8, s * 1000, s * 1000 + 1000), s * 1000 + 999));
            h.processWatermark(s * 1000 + 999);
        }
        assertEquals(2, h.extractOutputValues().size(), "at most one alert per stronger action");
        h.processWatermark(200_000);
        assertEquals(0, h.numKeyedStateEntries(), "state cleared once quiet");
        assertEquals(0, h.numEventTimeTimers(), "timers cleared");
        h.close();
    }

    @Test
    void unrelatedProcessesAreSeparateIncidentsEvenUnderOneInit() throws Exception {
        var h = grouper(1_000);
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 20, 1, 0, 1_000), 999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 30, 1, 0, 1_000), 999));
        h.processWatermark(1_000);
        assertEquals(List.of(20, 30), h.extractOutputValues().stream().map(a -> a.pid).sorted().toList());
        h.close();
    }

    @Test
    void siblingsJoinWhileTheyTouchInTimeButAHogAMinuteAfterAStormIsItsOwnIncident() throws Exception {
        var h = grouper(0);
        // Two children of one shell (pid 5) storming in the same second: one incident.
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 20, 5, 0, 1_000), 999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 21, 5, 0, 1_000), 999));
        h.processWatermark(1_000);
        assertEquals(1, h.extractOutputValues().size(), "siblings at the same moment");
        // 70 s later, within the storm's cooldown, a third child of the shell keeps a core busy:
        // another incident, not a suppressed finding of the storm's.
        AlertRecord hog = candidate(HighCpu.NAME, 1, 22, 5, 10_000, 70_000);
        hog.family = HighCpu.NAME;
        h.processElement(new StreamRecord<>(hog, 69_999));
        h.processWatermark(70_000);
        assertEquals(List.of(ForkStorm.NAME, HighCpu.NAME), h.extractOutputValues().stream().map(a -> a.detector).toList());
        // The storm's parent (the shell) itself found later: still the storm's incident.
        h.processElement(new StreamRecord<>(candidate(ShortLivedFlood.NAME, 2, 5, 1, 69_000, 70_500), 70_499));
        h.processWatermark(72_000);
        assertEquals(2, h.extractOutputValues().size(), "a finding about an incident's parent joins it");
        h.close();
    }

    @Test
    void aScopeJoinsFindingsOnlyWhileTheyTouchInTime() throws Exception {
        var h = grouper(1_000);
        // A fork bomb in its cgroup (the session's count, last forker 40) and, inside it, a bash
        // whose children fail (crash_loop about 41, not a relative of 40): one incident.
        AlertRecord bomb = candidate(ForkBomb.NAME, 1, 40, 39, 5_000, 6_000);
        bomb.relatedKeys.add("session:/pod/4242");
        bomb.cgroupPath = "/pod";
        AlertRecord failing = candidate(CrashLoop.NAME, 1, 41, 38, 0, 10_000);
        failing.cgroupPath = "/pod";
        h.processElement(new StreamRecord<>(bomb, 5_999));
        h.processElement(new StreamRecord<>(failing, 9_999));
        h.processWatermark(10_000);
        assertEquals(List.of(ForkBomb.NAME), h.extractOutputValues().stream().map(a -> a.detector).toList());
        assertEquals(2, h.extractOutputValues().get(0).findings.size(), "both findings listed");
        // 20 s later another shell of the session starts a storm: same cgroup and session, a new incident.
        AlertRecord again = candidate(ForkStorm.NAME, 1, 50, 49, 30_000, 31_000);
        again.cgroupPath = "/pod";
        h.processElement(new StreamRecord<>(again, 30_999));
        AlertRecord bombAgain = candidate(ForkBomb.NAME, 1, 50, 49, 30_000, 31_000);
        bombAgain.relatedKeys.add("session:/pod/4242");
        bombAgain.cgroupPath = "/pod";
        h.processElement(new StreamRecord<>(bombAgain, 30_999));
        h.processWatermark(31_000);
        assertEquals(List.of(ForkBomb.NAME, ForkStorm.NAME), h.extractOutputValues().stream().map(a -> a.detector).toList(),
                "a second alert, headed by the storm of the one process");
        h.close();
    }

    @Test
    void twoProgramsStormingOneAfterTheOtherInTheRootCgroupAreTwoIncidents() throws Exception {
        var h = grouper(1_000);
        // A host without systemd: every process is in "/". One storm, then seconds later (its
        // sustained-rate windows still touching) another program's, unrelated: two alerts, so
        // the second is not hidden (and remediation gets to answer it too).
        AlertRecord first = candidate(SustainedForkRate.NAME, 2, 60, 59, 1_000, 6_000);
        first.cgroupPath = "/";
        AlertRecord second = candidate(ForkStorm.NAME, 1, 70, 69, 6_000, 7_000);
        second.cgroupPath = "/";
        h.processElement(new StreamRecord<>(first, 5_999));
        h.processElement(new StreamRecord<>(second, 6_999));
        h.processWatermark(9_000);
        assertEquals(List.of(60, 70), h.extractOutputValues().stream().map(a -> a.pid).sorted().toList());
        h.close();
    }

    @Test
    void aForkBombThatStallsAndForksOnIsOneIncident() throws Exception {
        var h = grouper(1_000);
        // The bomb fills its cgroup's pids.max, stalls, and forks on as children die: its session
        // count crosses the threshold again 3 s later, the last forker another orphan under init.
        AlertRecord first = candidate(ForkBomb.NAME, 1, 60, 1, 13_000, 14_000);
        first.subjectKey = "h/session:/bomb/7155";
        first.relatedKeys.add("session:/bomb/7155");
        h.processElement(new StreamRecord<>(first, 13_999));
        h.processWatermark(14_000);
        AlertRecord later = candidate(ForkBomb.NAME, 1, 90, 1, 16_000, 17_000);
        later.subjectKey = "h/session:/bomb/7155";
        later.relatedKeys.add("session:/bomb/7155");
        h.processElement(new StreamRecord<>(later, 16_999));
        h.processWatermark(17_000);
        assertEquals(1, h.extractOutputValues().size(), "one alert for one bomb: " + h.extractOutputValues());
        // Another session's bomb in the same second is its own incident.
        AlertRecord other = candidate(ForkBomb.NAME, 1, 95, 1, 16_000, 17_000);
        other.subjectKey = "h/session:/other/8000";
        other.relatedKeys.add("session:/other/8000");
        h.processElement(new StreamRecord<>(other, 16_999));
        h.processWatermark(18_000);
        assertEquals(2, h.extractOutputValues().size());
        h.close();
    }

    @Test
    void aSecondStormFromTheSameShellIsItsOwnIncidentWhicheverFindingComesFirst() throws Exception {
        var h = grouper(1_000);
        // Storm one: one process forking fast, so its session's count crosses fork_bomb's too.
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 10, 5, 1_000, 2_000), 1_999));
        h.processElement(new StreamRecord<>(sessionBomb(10, 1_000, 2_000), 1_999));
        h.processWatermark(2_000);
        assertEquals(List.of(10), h.extractOutputValues().stream().map(a -> a.pid).toList());
        // Storm two, another process of the same shell 25 s later, within the first incident's
        // cooldown; its session finding arrives first, as it may after a restore or a backlog.
        h.processElement(new StreamRecord<>(sessionBomb(20, 26_000, 27_000), 26_999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 20, 5, 26_000, 27_000), 26_999));
        h.processWatermark(27_000);
        assertEquals(List.of(10, 20), h.extractOutputValues().stream().map(a -> a.pid).toList(),
                "the second storm raised its own alert: " + h.extractOutputValues());
        h.close();
    }

    @Test
    void aStormFromTheSameShellSecondsAfterAnotherRaisesItsOwnAlert() throws Exception {
        var h = grouper(1_000);
        // The faults bench's TaskManager kill, as its events showed: storm one (pid 10) forked from
        // 305 s to 311 s, its session over fork_bomb's count in its last second, and
        // sustained_fork_rate's 5 s windows still found it until 316 s.
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 10, 5, 306_000, 307_000), 306_999));
        h.processWatermark(307_000);
        h.processElement(new StreamRecord<>(sessionBomb(10, 310_000, 311_000), 310_999));
        for (long end = 312_000; end <= 316_000; end += 1_000) {
            h.processElement(new StreamRecord<>(candidate(SustainedForkRate.NAME, 3, 10, 5, end - 5_000, end), end - 1));
        }
        h.processWatermark(316_000);
        assertEquals(List.of(10), h.extractOutputValues().stream().map(a -> a.pid).toList());
        // Storm two (pid 20, the same shell) from 321 s; after the restore its session finding
        // reached the grouper before its fork_storm finding. It is 11 s after the session's last
        // one: its own incident, listing both.
        h.processElement(new StreamRecord<>(sessionBomb(20, 322_000, 323_000), 322_999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 20, 5, 322_000, 323_000), 322_999));
        h.processWatermark(323_000);
        List<AlertRecord> out = h.extractOutputValues();
        assertEquals(List.of(10, 20), out.stream().map(a -> a.pid).toList(), "the second storm's own alert: " + out);
        assertEquals(List.of(ForkStorm.NAME, ForkBomb.NAME), out.get(1).findings.stream().map(f -> f.detector).toList());
        // Storm three 4 s after storm two's session finding: the session going on is storm two's
        // incident, but storm three's own process is not, so its kill is still decided.
        h.processElement(new StreamRecord<>(sessionBomb(30, 327_000, 328_000), 327_999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 30, 5, 327_000, 328_000), 327_999));
        h.processWatermark(328_000);
        assertEquals(List.of(10, 20, 30), h.extractOutputValues().stream().map(a -> a.pid).toList());
        assertEquals(List.of(ForkStorm.NAME), h.extractOutputValues().get(2).findings.stream().map(f -> f.detector).toList(),
                "the session finding went to storm two's incident, suppressed");
        h.processWatermark(1_000_000);
        assertEquals(0, h.numKeyedStateEntries(), "state cleared once quiet");
        h.close();
    }

    /** A fork_bomb finding about session 5 (the shell both storms ran from), last forker pid. */
    static AlertRecord sessionBomb(int pid, long startMs, long endMs) {
        AlertRecord a = candidate(ForkBomb.NAME, 1, pid, 5, startMs, endMs);
        a.subjectKey = "h/session:/shell/5";
        a.relatedKeys.add("session:/shell/5");
        return a;
    }

    static AlertRecord candidate(String detector, int priority, int pid, int ppid, long startMs, long endMs) {
        AlertRecord a = new AlertRecord();
        a.alertId = detector + "/h/" + pid + "/" + startMs;
        a.detector = detector;
        a.family = "spawn";
        a.host = "h";
        a.pid = pid;
        a.startBootNs = 1000 + pid;
        a.ppid = ppid;
        a.parentStartNs = 1000 + ppid;
        a.subjectKey = "h/" + pid + "@" + (1000 + pid);
        a.priority = priority;
        a.windowStartNs = startMs * 1_000_000L;
        a.windowEndNs = endMs * 1_000_000L;
        a.cooldownMs = 60_000;
        a.summary = detector + " on " + pid;
        return a;
    }

    @Test
    void anIncidentThatGoesOnIsOneAlertAndIsForgottenOnceQuiet() throws Exception {
        var h = grouper(0);
        // Two detectors about the same process in the same second: the higher priority is the headline.
        h.processElement(new StreamRecord<>(candidate(SustainedForkRate.NAME, 3, 7, 1, -9_000, 1_000), 999));
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 7, 1, 0, 1_000), 999));
        h.processWatermark(999);
        assertEquals(List.of(ForkStorm.NAME), h.extractOutputValues().stream().map(a -> a.detector).toList());
        // The storm goes on for 30 s: one incident.
        for (long s = 1; s <= 30; s++) {
            h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 7, 1, s * 1000, s * 1000 + 1000), s * 1000 + 999));
            h.processWatermark(s * 1000 + 999);
        }
        assertEquals(1, h.extractOutputValues().size(), "still the same incident");
        assertTrue(h.numKeyedStateEntries() > 0);
        // Quiet for the cooldown after the last window (31 s + 60 s): everything is forgotten.
        h.processWatermark(91_000);
        assertEquals(0, h.numKeyedStateEntries(), "state cleared");
        assertEquals(0, h.numEventTimeTimers(), "timers cleared");
        // A new storm is a new incident.
        h.processElement(new StreamRecord<>(candidate(ForkStorm.NAME, 1, 7, 1, 120_000, 121_000), 120_999));
        h.processWatermark(121_000);
        assertEquals(2, h.extractOutputValues().size());
        h.close();
    }
}
