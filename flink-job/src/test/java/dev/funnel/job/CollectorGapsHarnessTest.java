package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.job.detect.CollectorGaps;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * collector_gaps on the operator itself: a restart, a sequence gap and a silence each raise one
 * lost_visibility alert with the unseen span; a silence and the restart that ends it are one gap;
 * and a job restored after downtime does not blame the hosts for its own absence.
 */
class CollectorGapsHarnessTest {
    static final long SILENCE_MS = 5_000;

    static KeyedOneInputStreamOperatorTestHarness<String, BatchInfo, AlertRecord> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CollectorGaps.Tracker(SILENCE_MS, 300_000)), b -> b.host, Types.STRING);
    }

    /** A batch of run `run` (its start, wall-clock ns), closed at createdMs. */
    static StreamRecord<BatchInfo> batch(long run, long seq, long createdMs) {
        BatchInfo b = new BatchInfo();
        b.host = "h";
        b.bootId = "boot";
        b.run = run;
        b.seq = seq;
        b.createdNs = createdMs * 1_000_000L;
        return new StreamRecord<>(b, createdMs);
    }

    /** The causes of the lost_visibility alerts (not their visibility_restored ends). */
    static List<String> causes(KeyedOneInputStreamOperatorTestHarness<String, BatchInfo, AlertRecord> h) {
        return h.extractOutputValues().stream().filter(a -> !a.detector.equals(CollectorGaps.RESTORED))
                .map(a -> a.attributes.get("cause")).toList();
    }

    @Test
    void aRestartIsOneGapFromTheOldRunsLastBatchToTheNewRunsStart() throws Exception {
        var h = harness();
        h.open();
        h.processElement(batch(1_000_000L, 0, 1_000));
        h.processElement(batch(1_000_000L, 1, 1_500));
        h.processElement(batch(8_000_000_000L, 0, 8_100)); // new run, started at 8 s
        List<AlertRecord> out = h.extractOutputValues();
        assertEquals(List.of("restart"), causes(h));
        assertEquals(1_500_000_000L, out.get(0).windowStartNs, "unseen from the old run's last batch");
        assertEquals(8_000_000_000L, out.get(0).windowEndNs, "to the new run's start");
        h.processElement(batch(1_000_000L, 2, 1_600)); // the old run's straggler: no second alert
        assertEquals(1, h.extractOutputValues().size());
        h.close();
    }

    @Test
    void aSequenceGapNamesTheMissingBatches() throws Exception {
        var h = harness();
        h.open();
        h.processElement(batch(1, 0, 1_000));
        h.processElement(batch(1, 3, 2_500));
        assertEquals(List.of("sequence"), causes(h));
        assertEquals(1.5, h.extractOutputValues().get(0).observed, 1e-9, "1.5 s unseen");
        h.close();
    }

    @Test
    void aSilenceIsReportedOnceAndTheRestartThatEndsItIsTheSameGap() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(0);
        h.processElement(batch(1, 0, 1_000));
        h.setProcessingTime(SILENCE_MS);
        assertEquals(List.of("silence"), causes(h));
        h.setProcessingTime(60_000);
        h.processElement(batch(2, 0, 61_000)); // the collector is back, as a new run
        assertEquals(List.of("silence"), causes(h), "one alert per gap");
        h.setProcessingTime(60_000 + SILENCE_MS);
        assertEquals(List.of("silence", "silence"), causes(h), "a new silence is a new gap");
        h.close();
    }

    @Test
    void theEndOfASilenceGivesTheWholeSpanOnce() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(0);
        h.processElement(batch(1, 0, 1_000));
        h.setProcessingTime(SILENCE_MS);
        AlertRecord silence = h.extractOutputValues().get(0);
        assertEquals(4.0, silence.observed, 1e-9, "the silence alert knows only the span so far");
        h.setProcessingTime(41_000);
        h.processElement(batch(1, 1, 41_000)); // the same run resumes (a broker was away)
        h.processElement(batch(1, 2, 41_500));
        List<AlertRecord> restored = h.extractOutputValues().stream()
                .filter(a -> a.detector.equals(CollectorGaps.RESTORED)).toList();
        assertEquals(1, restored.size(), "one per silence");
        assertEquals(1_000_000_000L, restored.get(0).windowStartNs);
        assertEquals(41_000_000_000L, restored.get(0).windowEndNs);
        assertEquals(40.0, restored.get(0).observed, 1e-9, "the whole gap");
        assertEquals("41000", restored.get(0).attributes.get("waited_ms"), "the job waited from its arrival at 0");
        assertEquals(List.of("silence"), causes(h), "still one lost_visibility for the gap");
        h.close();
    }

    @Test
    void aRestoredJobGivesEveryHostAFullSilenceBeforeBlamingIt() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(0);
        h.processElement(batch(1, 0, 1_000));
        h.setProcessingTime(2_000);
        OperatorSubtaskState snapshot = h.snapshot(1, 2_000);
        h.close();

        // The job comes back 30 s later (a TaskManager was lost): the silence timer is overdue.
        var restored = harness();
        restored.initializeState(snapshot);
        restored.open();
        restored.setProcessingTime(30_000);
        assertEquals(List.of(), causes(restored), "the job was away, not the host");
        restored.processElement(batch(1, 1, 1_500)); // the host's batches, replayed from Kafka
        restored.setProcessingTime(30_000 + SILENCE_MS - 1);
        assertEquals(List.of(), causes(restored));
        restored.setProcessingTime(30_000 + SILENCE_MS); // and now the host really is silent
        assertEquals(List.of("silence"), causes(restored));
        restored.close();

        // Restored, and the source reads nothing for a while: no blame until it reads, or until the grace is over.
        var quiet = harness();
        quiet.initializeState(snapshot);
        quiet.open();
        quiet.setProcessingTime(30_000);
        quiet.setProcessingTime(30_000 + SILENCE_MS + 5_000);
        assertEquals(List.of(), causes(quiet), "the job's source has not read yet");
        quiet.setProcessingTime(30_000 + CollectorGaps.RESTORE_GRACE_MS + SILENCE_MS);
        assertEquals(List.of("silence"), causes(quiet), "nothing at all came: the host is unseen");
        quiet.close();
    }

    @Test
    void aTimerThatRunsLateBecauseTheTaskStalledWaitsForTheQueuedBatches() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(0);
        h.processElement(batch(1, 0, 1_000));
        h.setProcessingTime(20_000); // the task was stalled 20 s: its timer (due at 5 s) runs 15 s late
        assertEquals(List.of(), causes(h), "a late timer judges nothing");
        h.processElement(batch(1, 1, 1_500)); // the batches queued behind it
        h.setProcessingTime(20_000 + SILENCE_MS);
        assertEquals(List.of("silence"), causes(h), "then a silence on time is the host's");
        h.close();
    }
}
