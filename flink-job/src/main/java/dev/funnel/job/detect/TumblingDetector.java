package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.rules.Rule;
import java.time.Duration;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The shape most detectors share: pick the events, key them, count them in an event-time
 * tumbling window, keep the windows over the rule, describe each as a candidate alert.
 */
public final class TumblingDetector {
    private TumblingDetector() {}

    public static Detected build(String name, DataStream<EventRecord> events, Rule rule,
            FilterFunction<EventRecord> select, KeySelector<EventRecord, String> key,
            FilterFunction<WindowStats> fires, MapFunction<WindowStats, AlertRecord> describe) {
        SingleOutputStreamOperator<WindowStats> windows = events.filter(select).name(name + ": events").uid(name + "-select")
                .map(EventRecord::forProcessAlerts).name(name + ": context of the process").uid(name + "-project")
                .keyBy(key, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(rule.windowMs)))
                .sideOutputLateData(Detectors.LATE)
                .aggregate(new StatsAggregate(), new WithWindow()).name(name + ": window").uid(name + "-window");
        DataStream<AlertRecord> alerts = windows.filter(fires).name(name + ": over threshold").uid(name + "-filter")
                .map(describe).returns(AlertRecord.class).name(name).uid(name);
        return new Detected(alerts, windows.getSideOutput(Detectors.LATE));
    }
}
