package dev.funnel.collector.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.event.RecordLayout;
import org.junit.jupiter.api.Test;

/** Each stage's losses land in their own column, and the source's arrive as cumulative counts. */
public class LossLedgerTest {
    public static SourceCounters source(long droppedEvents, long untracked, long malformed) {
        long[] raw = new long[RecordLayout.TYPE_MAX * RecordLayout.STAT_MAX];
        raw[RecordLayout.TYPE_BURST * RecordLayout.STAT_MAX + RecordLayout.STAT_DROPPED_EVENTS] = droppedEvents;
        raw[RecordLayout.TYPE_FORK * RecordLayout.STAT_MAX + RecordLayout.STAT_UNTRACKED] = untracked;
        return new SourceCounters(new EmitStats(raw), malformed);
    }

    @Test
    void everyStageHasItsColumnAndTheSourceReplacesItsCumulativeCounts() {
        LossLedger ledger = new LossLedger();
        assertEquals(LossLedger.ZERO, ledger.snapshot());
        ledger.source(source(40, 2, 1));
        ledger.queueDropped(5);
        ledger.kafkaFailed(7);
        LossLedger.Snapshot first = ledger.snapshot();
        assertEquals(new LossLedger.Snapshot(40, 2, 1, 5, 7), first);
        assertEquals(55, first.total());

        ledger.source(source(100, 2, 1)); // cumulative: replaces, never adds
        ledger.queueDropped(1);
        LossLedger.Snapshot second = ledger.snapshot();
        assertEquals(new LossLedger.Snapshot(60, 0, 0, 1, 0), second.minus(first), "what the next batch reports");
        assertEquals(116, second.total());
    }
}
