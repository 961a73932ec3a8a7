package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.Rules;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * Fork storm and sustained fork rate. Both rest on one per-process count of forks per
 * fork_storm window (the "panes"): the storm fires on a pane above its threshold, and the
 * sustained rate sums a process's panes over its sliding windows (SustainedRate), so each
 * fork updates one window state, not window/slide of them. A burst record counts for all the
 * forks it aggregates.
 */
public final class ForkDetectors {
    private ForkDetectors() {}

    public static SingleOutputStreamOperator<WindowStats> panes(DataStream<EventRecord> events, Rules rules) {
        Rule storm = rules.get(Rules.FORK_STORM);
        return events
                .filter(e -> e.kind == Kind.FORK || e.kind == Kind.FORK_BURST).name("forks").uid("filter-forks")
                .map(EventRecord::forProcessAlerts).name("forks: context of the forker").uid("project-forks")
                .keyBy(EventRecord::processKey, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(storm.windowMs)))
                .sideOutputLateData(Detectors.LATE)
                .aggregate(new StatsAggregate(), new WithWindow())
                .name("forks per process per window").uid("fork-panes");
    }

    public static DataStream<AlertRecord> storm(DataStream<WindowStats> panes, Rules rules) {
        Rule r = rules.get(Rules.FORK_STORM);
        return panes.filter(s -> s.count > r.threshold).name("over fork storm threshold").uid("fork-storm-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(Rules.FORK_STORM, Alerts.SPAWN_FAMILY, 1, r, s, false, s.count, "forks");
                    a.summary = Alerts.who(a) + " forked " + s.count + " times in " + Alerts.seconds(r.windowMs)
                            + " (threshold " + Alerts.num(r.threshold) + ")" + Alerts.context(a);
                    return a;
                }).returns(AlertRecord.class).name("fork storm").uid("fork-storm");
    }

    public static SingleOutputStreamOperator<AlertRecord> sustained(DataStream<WindowStats> panes, Rules rules) {
        Rule r = rules.get(Rules.SUSTAINED_FORK_RATE);
        double seconds = r.windowMs / 1000.0;
        return panes.keyBy(s -> s.key, Types.STRING)
                .process(new SustainedRate(r.windowMs, r.slideMs, r.threshold), Types.POJO(WindowStats.class))
                .name("fork rate over sliding windows").uid("fork-rate-window")
                .map(s -> {
                    double rate = s.count / seconds;
                    AlertRecord a = Alerts.of(Rules.SUSTAINED_FORK_RATE, Alerts.SPAWN_FAMILY, 3, r, s, false, rate,
                            "forks/s");
                    a.summary = Alerts.who(a) + " forked " + Alerts.num(rate) + " times per second over "
                            + Alerts.seconds(r.windowMs) + " (threshold " + Alerts.num(r.threshold) + "/s)"
                            + Alerts.context(a);
                    return a;
                }).returns(AlertRecord.class).name("sustained fork rate").uid("sustained-fork-rate");
    }
}
