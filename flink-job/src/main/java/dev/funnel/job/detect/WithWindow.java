package dev.funnel.job.detect;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps the aggregated stats with their key and window. */
public final class WithWindow extends ProcessWindowFunction<WindowStats, WindowStats, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<WindowStats> in, Collector<WindowStats> out) {
        for (WindowStats s : in) {
            s.key = key;
            s.windowStartMs = ctx.window().getStart();
            s.windowEndMs = ctx.window().getEnd();
            out.collect(s);
        }
    }
}
