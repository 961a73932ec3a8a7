package dev.funnel.job.detect;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import org.apache.flink.streaming.api.datastream.DataStream;

/** fork_storm: one process forks more than `threshold` times within one tumbling `window`. */
public final class ForkStorm implements Detector {
    public static final String NAME = "fork_storm";
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
        return ForkPanes.of(in).filter(s -> s.count > threshold).name("over fork storm threshold").uid("fork-storm-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, false, s.count, threshold, "forks");
                    a.summary = Alerts.who(a) + " forked " + s.count + " times in " + Alerts.seconds(windowMs)
                            + " (threshold " + Alerts.num(threshold) + ")" + Alerts.context(a);
                    a.why = Alerts.overPeak(r, s.count, threshold, "forks in " + Alerts.seconds(windowMs),
                            "one process forking this fast");
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
