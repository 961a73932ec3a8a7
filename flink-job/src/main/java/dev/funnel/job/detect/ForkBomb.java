package dev.funnel.job.detect;

import dev.funnel.job.detect.window.TumblingCount;
import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * fork_bomb: more than `threshold` new processes within one `window` anywhere in one session
 * of one cgroup (the kernel counts forks per session and cgroup). A fork bomb spreads its forks
 * over the whole tree, two per process, so no process ever crosses fork_storm's per-process
 * threshold: the storm is in the group. The alert is about the group's last forker (its exe,
 * parent and cgroup), and names the session.
 */
public final class ForkBomb implements Detector {
    public static final String NAME = "fork_bomb";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("threshold"), RuleKey.window("window"),
                RuleKey.number("benign_peak"));
    }

    @Override
    public String family() {
        return Alerts.SPAWN_FAMILY;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double threshold = r.threshold();
        long windowMs = r.windowMs();
        SingleOutputStreamOperator<WindowStats> windows = TumblingCount.of(NAME, in.events(), windowMs,
                e -> e.kind == Kind.GROUP_FORK_BURST, EventRecord::forProcessAlerts, EventRecord::groupKey);
        in.countLate(windows);
        return windows.filter(s -> s.count > threshold).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, false, s.count, threshold, "forks");
                    int session = s.sample.subject;
                    a.relatedKeys.add("session:" + s.sample.cgroupPath + "/" + session);
                    a.attributes.put("session", Integer.toString(session));
                    a.attributes.put("records", Long.toString(s.records));
                    a.summary = "session " + session + " forked " + s.count + " processes in " + Alerts.seconds(windowMs)
                            + " across its process tree, last " + Alerts.who(a) + " (threshold " + Alerts.num(threshold)
                            + ")" + Alerts.context(a);
                    a.why = Alerts.overPeak(r, s.count, threshold, "forks in " + Alerts.seconds(windowMs),
                            "a whole session forking this fast, spread over its process tree (a fork bomb)");
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
