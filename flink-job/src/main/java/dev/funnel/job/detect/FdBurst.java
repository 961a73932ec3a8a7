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

/** fd_burst: one process opens more than `threshold` files within one tumbling `window`. */
public final class FdBurst implements Detector {
    public static final String NAME = "fd_burst";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("threshold"), RuleKey.window("window"),
                RuleKey.number("benign_peak"));
    }

    @Override
    public String family() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double threshold = r.threshold();
        SingleOutputStreamOperator<WindowStats> windows = TumblingCount.of(NAME, in.events(), r.windowMs(),
                e -> e.kind == Kind.FD_OPEN_BURST, EventRecord::forProcessAlerts, EventRecord::processKey);
        in.countLate(windows);
        return windows.filter(s -> s.count > threshold).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, false, s.count, threshold, "opens");
                    a.summary = Alerts.who(a) + " opened " + s.count + " files in " + Alerts.seconds(r.windowMs())
                            + " (threshold " + Alerts.num(threshold) + ")" + Alerts.context(a);
                    a.why = Alerts.overPeak(r, s.count, threshold, "opens", "one process opening files this fast");
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
