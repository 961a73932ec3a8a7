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

/** connection_burst: one process makes more than `threshold` TCP connects to one address within one `window`. */
public final class ConnectionBurst implements Detector {
    public static final String NAME = "connection_burst";
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
                e -> e.kind == Kind.CONNECT_BURST, EventRecord::forProcessAlerts, e -> e.processKey() + "->" + e.destination);
        in.countLate(windows);
        return windows.filter(s -> s.count > threshold).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, false, s.count, threshold, "connects");
                    a.attributes.put("destination", s.sample.destination);
                    a.attributes.put("destination_port", Integer.toString(s.sample.destinationPort));
                    a.summary = Alerts.who(a) + " made " + s.count + " TCP connects to " + s.sample.destination
                            + " (last port " + s.sample.destinationPort + ") in " + Alerts.seconds(r.windowMs())
                            + " (threshold " + Alerts.num(threshold) + ")" + Alerts.context(a);
                    a.why = Alerts.overPeak(r, s.count, threshold, "connects", "one process connecting to one address");
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
