package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Incremental window aggregation into WindowStats, or a subclass that remembers more (CpuStats):
 * O(1) state per key and window, whatever the window holds.
 */
public final class StatsAggregate<S extends WindowStats> implements AggregateFunction<EventRecord, S, S> {
    private final SerializableSupplier<S> fresh;

    public StatsAggregate(SerializableSupplier<S> fresh) {
        this.fresh = fresh;
    }

    /** Counts into plain WindowStats. */
    public static StatsAggregate<WindowStats> counts() {
        return new StatsAggregate<>(WindowStats::new);
    }

    @Override
    public S createAccumulator() {
        return fresh.get();
    }

    @Override
    public S add(EventRecord e, S acc) {
        acc.add(e);
        return acc;
    }

    @Override
    public S getResult(S acc) {
        return acc;
    }

    @Override
    public S merge(S a, S b) {
        a.add(b);
        return a;
    }
}
