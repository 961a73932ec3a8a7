package dev.funnel.job.detect;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums per-pane stats into a sliding window's stats: one update per pane, not per event. */
public final class PaneAggregate implements AggregateFunction<WindowStats, WindowStats, WindowStats> {
    @Override
    public WindowStats createAccumulator() {
        return new WindowStats();
    }

    @Override
    public WindowStats add(WindowStats pane, WindowStats acc) {
        acc.add(pane);
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
