package dev.funnel.job.detect;

import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * sustained_fork_rate: a process's forks per second, over a `window` sliding by `slide`, above
 * `threshold`. Computed from the fork panes (see {@link SustainedRate}), so window and slide
 * must be multiples of fork_storm.window.
 */
public final class SustainedForkRate implements Detector {
    public static final String NAME = "sustained_fork_rate";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("threshold"), RuleKey.window("window"), RuleKey.window("slide"),
                RuleKey.number("benign_peak"));
    }

    @Override
    public String family() {
        return Alerts.SPAWN_FAMILY;
    }

    @Override
    public int priority() {
        return 3;
    }

    @Override
    public void validate(Rules rules) {
        long pane = rules.get(ForkStorm.NAME).windowMs();
        Rule r = rules.get(NAME);
        for (long v : new long[] {r.windowMs(), r.durationMs("slide")}) {
            if (v % pane != 0) {
                throw new RulesException("sustained_fork_rate.window and .slide must be multiples of "
                        + "fork_storm.window (" + pane + " ms)");
            }
        }
        if (r.durationMs("slide") > r.windowMs()) {
            throw new RulesException("sustained_fork_rate.slide is longer than its window");
        }
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double threshold = r.threshold();
        long windowMs = r.windowMs();
        double seconds = windowMs / 1000.0;
        return ForkPanes.of(in).keyBy(s -> s.key, Types.STRING)
                .process(new SustainedRate(windowMs, r.durationMs("slide"), threshold), Types.POJO(WindowStats.class))
                .name("fork rate over sliding windows").uid("fork-rate-window")
                .map(s -> {
                    double rate = s.count / seconds;
                    AlertRecord a = Alerts.of(this, r, s, false, rate, threshold, "forks/s");
                    a.summary = Alerts.who(a) + " forked " + Alerts.num(rate) + " times per second over "
                            + Alerts.seconds(windowMs) + " (threshold " + Alerts.num(threshold) + "/s)"
                            + Alerts.context(a);
                    a.why = Alerts.overPeak(r, rate, threshold, "forks/s", "a fork rate kept up for "
                            + Alerts.seconds(windowMs));
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
