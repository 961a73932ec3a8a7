package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Events that arrived after the watermark had passed their windows: every windowed detector
 * sends them to {@link #TAG}; the job counts them here (metric lateEvents, in kernel events)
 * and hands them on for whoever wants them; detections miss them.
 */
public final class LateEvents extends ProcessFunction<EventRecord, EventRecord> {
    /** The side output every window and CEP operator sends its late events to. */
    public static final OutputTag<EventRecord> TAG = new OutputTag<>("late-events") {};

    private transient Counter late;
    private transient Counter lateRecords;

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
        lateRecords = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public void processElement(EventRecord e, Context ctx, Collector<EventRecord> out) {
        late.inc(e.count);
        lateRecords.inc();
        out.collect(e);
    }
}
