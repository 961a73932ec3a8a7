package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.rules.Rules;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Every enabled detector over the event stream, then one alert per incident. Each detector
 * only sees the events it needs (a chained filter before its keyBy), so an event crosses the
 * network once per detector that wants it, not once per detector.
 */
public final class Detectors {
    /** Late events of every window and of CEP. */
    public static final OutputTag<EventRecord> LATE = new OutputTag<>("late-events") {};

    private Detectors() {}

    /** The alerts, and the late events (counted). */
    public record Result(DataStream<AlertRecord> alerts, DataStream<EventRecord> late) {}

    public static Result build(DataStream<EventRecord> events, DataStream<BatchInfo> batches, Rules rules) {
        List<DataStream<AlertRecord>> candidates = new ArrayList<>();
        List<DataStream<EventRecord>> late = new ArrayList<>();
        if (rules.enabled(Rules.FORK_STORM) || rules.enabled(Rules.SUSTAINED_FORK_RATE)) {
            SingleOutputStreamOperator<WindowStats> panes = ForkDetectors.panes(events, rules);
            late.add(panes.getSideOutput(LATE));
            if (rules.enabled(Rules.FORK_STORM)) {
                candidates.add(ForkDetectors.storm(panes, rules));
            }
            if (rules.enabled(Rules.SUSTAINED_FORK_RATE)) {
                candidates.add(ForkDetectors.sustained(panes, rules));
            }
        }
        if (rules.enabled(Rules.SHORT_LIVED_FLOOD)) {
            SingleOutputStreamOperator<AlertRecord> flood = FloodDetector.build(events, rules);
            candidates.add(flood);
            late.add(flood.getSideOutput(LATE));
        }
        List<Detected> windowed = new ArrayList<>();
        if (rules.enabled(Rules.SLOW_REQUESTS)) {
            windowed.add(BurstDetectors.slowRequests(events, rules));
        }
        if (rules.enabled(Rules.FD_BURST)) {
            windowed.add(BurstDetectors.fdBurst(events, rules));
        }
        if (rules.enabled(Rules.CONNECTION_BURST)) {
            windowed.add(BurstDetectors.connectionBurst(events, rules));
        }
        for (Detected d : windowed) {
            candidates.add(d.alerts());
            late.add(d.late());
        }
        if (rules.enabled(Rules.LOST_VISIBILITY)) {
            candidates.add(LostVisibility.build(batches, rules));
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("every detector is disabled in the rules");
        }
        DataStream<AlertRecord> alerts = union(candidates)
                .keyBy(AlertDeduplicator::key, Types.STRING)
                .process(new AlertDeduplicator(holdMs(rules))).name("one alert per incident").uid("dedup");
        DataStream<EventRecord> lateEvents = late.isEmpty() ? null
                : union(late).process(new LateEvents()).name("late events (counted)").uid("late-events");
        return new Result(alerts, lateEvents);
    }

    /**
     * How long a lower-priority candidate waits past its window for a better one: the fork
     * storm's window, the longest a priority-1 spawn candidate can end after a flood match
     * about the same burst.
     */
    static long holdMs(Rules rules) {
        return rules.enabled(Rules.FORK_STORM) ? rules.get(Rules.FORK_STORM).windowMs : 0;
    }

    @SafeVarargs
    private static <T> DataStream<T> union(List<DataStream<T>> streams, DataStream<T>... none) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(none));
    }
}
