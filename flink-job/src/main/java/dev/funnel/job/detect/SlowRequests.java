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
 * slow_requests: a process answered at least `min_count` requests slower than `threshold` (a
 * duration) within one tumbling `window`; the alert gives the count and the worst latency.
 */
public final class SlowRequests implements Detector {
    public static final String NAME = "slow_requests";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.window("threshold"), RuleKey.count("min_count"), RuleKey.window("window"));
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
        long latencyMs = r.durationMs("threshold");
        long latencyNs = latencyMs * 1_000_000L;
        int minCount = r.count("min_count");
        SingleOutputStreamOperator<WindowStats> windows = TumblingCount.of(NAME, in.events(), r.windowMs(),
                e -> e.kind == Kind.SLOW_REQUEST && e.durationNs >= latencyNs, EventRecord::forProcessAlerts,
                EventRecord::processKey);
        in.countLate(windows);
        return windows.filter(s -> s.count >= minCount).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, false, s.count, minCount, "requests");
                    long worstMs = s.maxDurationNs / 1_000_000L;
                    a.attributes.put("latency_threshold_ms", Long.toString(latencyMs));
                    a.attributes.put("worst_latency_ms", Long.toString(worstMs));
                    a.attributes.put("local_port", Integer.toString(s.sample.localPort));
                    a.summary = Alerts.who(a) + " answered " + s.count + " requests slower than "
                            + Alerts.seconds(latencyMs) + " in " + Alerts.seconds(r.windowMs()) + ", worst "
                            + worstMs + " ms, on port " + s.sample.localPort + Alerts.context(a);
                    a.why = "a server answering requests slower than " + Alerts.seconds(latencyMs) + " again and again ("
                            + s.count + " in " + Alerts.seconds(r.windowMs()) + ", the rule asks for " + minCount + ")";
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
