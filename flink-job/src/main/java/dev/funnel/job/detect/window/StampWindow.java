package dev.funnel.job.detect.window;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps a window's aggregate with its key and bounds, whatever the aggregate is. */
public final class StampWindow<T extends Windowed> extends ProcessWindowFunction<T, T, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<T> in, Collector<T> out) {
        for (T s : in) {
            s.window(key, ctx.window().getStart(), ctx.window().getEnd());
            out.collect(s);
        }
    }
}
