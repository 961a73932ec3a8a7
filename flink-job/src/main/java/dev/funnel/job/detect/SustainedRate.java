package dev.funnel.job.detect;

import dev.funnel.job.detect.window.WindowStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The sustained fork rate over sliding windows of windowMs every slideMs, fed with a process's
 * fork panes (its forks per fork_storm window, which arrive in event-time order). A window's
 * sum only grows when a pane of its process arrives, so the one window worth checking is the
 * first that pane completes (ending at the next slide boundary): it is checked as the pane
 * arrives. That finds every window over the rate, like a sliding window operator would, at a
 * tenth of its cost: no window state or timer per (process, window), just the process's panes
 * of the last windowMs and one cleanup timer per pane. A window checked before its last pane
 * arrived is checked again with it; the deduplicator folds such repeats into one incident.
 *
 * <p>State per process: the panes that can still be in a window; cleared by the timer once the
 * process has had no pane for a whole window.
 */
public final class SustainedRate extends KeyedProcessFunction<String, WindowStats, WindowStats> {
    private final long windowMs;
    private final long slideMs;
    private final double perSecond;
    private transient ListState<WindowStats> panes;

    /** Fires on windows whose forks per second are above perSecond. */
    public SustainedRate(long windowMs, long slideMs, double perSecond) {
        this.windowMs = windowMs;
        this.slideMs = slideMs;
        this.perSecond = perSecond;
    }

    @Override
    public void open(OpenContext ctx) {
        panes = getRuntimeContext().getListState(new ListStateDescriptor<>("panes", Types.POJO(WindowStats.class)));
    }

    @Override
    public void processElement(WindowStats pane, Context ctx, Collector<WindowStats> out) throws Exception {
        long end = Math.floorDiv(pane.windowEndMs + slideMs - 1, slideMs) * slideMs;
        long start = end - windowMs;
        List<WindowStats> keep = new ArrayList<>();
        WindowStats sum = new WindowStats();
        for (WindowStats p : panes.get()) {
            if (p.windowStartMs >= start) { // still inside this window or a later one
                keep.add(p);
                sum.add(p);
            }
        }
        keep.add(pane);
        sum.add(pane);
        panes.update(keep);
        ctx.timerService().registerEventTimeTimer(pane.windowEndMs + windowMs - 1);
        if (sum.count / (windowMs / 1000.0) > perSecond) {
            sum.key = ctx.getCurrentKey();
            sum.windowStartMs = start;
            sum.windowEndMs = end;
            out.collect(sum);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowStats> out) throws Exception {
        long lastEnd = Long.MIN_VALUE;
        for (WindowStats p : panes.get()) {
            lastEnd = Math.max(lastEnd, p.windowEndMs);
        }
        if (lastEnd + windowMs - 1 <= timestamp) {
            panes.clear(); // quiet for a whole window: no window can hold its panes any more
        }
    }
}
