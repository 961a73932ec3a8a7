package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Incremental window aggregation into WindowStats: O(1) state per key and window. */
public final class StatsAggregate implements AggregateFunction<EventRecord, WindowStats, WindowStats> {
    @Override
    public WindowStats createAccumulator() {
        return new WindowStats();
    }

    @Override
    public WindowStats add(EventRecord e, WindowStats acc) {
        acc.add(e);
        return acc;
    }

    @Override
    public WindowStats getResult(WindowStats acc) {
        return acc;
    }

    @Override
    public WindowStats merge(WindowStats a, WindowStats b) {
        a.add(b);
        return a;
    }
}
