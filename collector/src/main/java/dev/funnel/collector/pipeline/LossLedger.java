package dev.funnel.collector.pipeline;

import dev.funnel.collector.bpf.EmitStats;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every event the collector knows it lost, by where it was lost, cumulative since start.
 * The kernel's counts are read from its maps when asked; the others are counted here.
 * Thread-safe.
 */
public final class LossLedger {
    /** Cumulative counts at one moment. */
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

    private volatile Supplier<EmitStats> kernel = () -> EmitStats.EMPTY;
    private volatile LongSupplier decodeLost = () -> 0;
    private final LongAdder queueDropped = new LongAdder();
    private final LongAdder kafkaFailed = new LongAdder();

    /** Where the kernel-side and decode counts come from, once the source runs. */
    public void attach(KernelSource source) {
        kernel = source::emitStats;
        decodeLost = source::malformed;
    }

    public void queueDropped(long events) {
        queueDropped.add(events);
    }

    public void kafkaFailed(long events) {
        kafkaFailed.add(events);
    }

    /** Reads the kernel's counters once (one map lookup per call). */
    public Snapshot snapshot() {
        EmitStats k = kernel.get();
        return new Snapshot(k.totalDroppedEvents(), k.totalUntracked(), decodeLost.getAsLong(), queueDropped.sum(),
                kafkaFailed.sum());
    }
}
