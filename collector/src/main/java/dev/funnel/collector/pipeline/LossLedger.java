package dev.funnel.collector.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * Every event the collector knows it lost, by where it was lost, cumulative since start.
 * Each stage writes its own part as its data passes (the source's counters arrive with its
 * data, the backlog and the sink count their own drops) and whoever reports loss reads a
 * {@link #snapshot}: plain memory, never a call back up into the kernel.
 *
 * <p>Thread-safe: the source's part is written by the drain thread, the backlog's by the
 * drain thread, Kafka's by producer callbacks; snapshots are taken anywhere.
 */
public final class LossLedger {
    /** Cumulative counts at one moment, in events. */
    public record Snapshot(long kernelDropped, long kernelUntracked, long decodeLost, long queueDropped,
            long kafkaFailed) {
        public long total() {
            return kernelDropped + kernelUntracked + decodeLost + queueDropped + kafkaFailed;
        }

        public Snapshot minus(Snapshot o) {
            return new Snapshot(kernelDropped - o.kernelDropped, kernelUntracked - o.kernelUntracked,
                    decodeLost - o.decodeLost, queueDropped - o.queueDropped, kafkaFailed - o.kafkaFailed);
        }
    }

    public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0);

    private volatile SourceCounters source = SourceCounters.NONE;
    private final LongAdder queueDropped = new LongAdder();
    private final LongAdder kafkaFailed = new LongAdder();

    /** The source's cumulative counters, as they last arrived (they replace the previous ones). */
    public void source(SourceCounters counters) {
        source = counters;
    }

    public void queueDropped(long events) {
        queueDropped.add(events);
    }

    public void kafkaFailed(long events) {
        kafkaFailed.add(events);
    }

    public Snapshot snapshot() {
        SourceCounters s = source;
        return new Snapshot(s.kernel().totalDroppedEvents(), s.kernel().totalUntracked(), s.malformed(),
                queueDropped.sum(), kafkaFailed.sum());
    }
}
