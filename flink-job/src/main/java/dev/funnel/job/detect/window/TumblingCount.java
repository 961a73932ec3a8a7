package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;
import java.time.Duration;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The shape most detectors start with: pick the events (a filter chained before the keyBy, so
 * an event only crosses the network for detectors that want it), keep only the context the
 * alert will use, key them, and count them per event-time tumbling window, incrementally
 * (O(1) state per key and window). Late events go to {@link LateEvents#TAG}.
 *
 * <p>Operators are named "NAME: events", "NAME: context", "NAME: window", with uids from NAME.
 */
public final class TumblingCount {
    private TumblingCount() {}

    public static SingleOutputStreamOperator<WindowStats> of(String name, DataStream<EventRecord> events, long windowMs,
            FilterFunction<EventRecord> select, MapFunction<EventRecord, EventRecord> project,
            KeySelector<EventRecord, String> key) {
        return events.filter(select).name(name + ": events").uid(name + "-select")
                .map(project).name(name + ": context").uid(name + "-project")
                .keyBy(key, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMs)))
                .sideOutputLateData(LateEvents.TAG)
                .aggregate(StatsAggregate.counts(), new StampWindow<WindowStats>(), Types.POJO(WindowStats.class),
                        Types.POJO(WindowStats.class), Types.POJO(WindowStats.class)) // generic: erased, so stated
                .name(name + ": window").uid(name + "-window");
    }
}
