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
 * crash_loop: one parent's short-lived children (younger than `max_lifetime`) fail, by a
 * signal or a non-zero status, at least `failures` times within one `window`: a service
 * respawned as fast as it crashes. Input: failed single EXIT records, and the kernel's counts
 * of failed children whose exits went into an aggregate (never both for one exit).
 */
public final class CrashLoop implements Detector {
    public static final String NAME = "crash_loop";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.count("failures"), RuleKey.window("window"),
                RuleKey.window("max_lifetime"), RuleKey.number("benign_peak"));
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
        int failures = r.count("failures");
        long maxLifetimeNs = r.durationMs("max_lifetime") * 1_000_000L;
        long windowMs = r.windowMs();
        SingleOutputStreamOperator<WindowStats> windows = TumblingCount.of(NAME, in.events(), windowMs,
                e -> e.kind == Kind.CHILD_FAILED_BURST || (e.failedExit() && e.lifetimeNs <= maxLifetimeNs),
                EventRecord::forParentAlerts, EventRecord::spawnerKey);
        in.countLate(windows);
        return windows.filter(s -> s.count >= failures).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> {
                    AlertRecord a = Alerts.of(this, r, s, true, s.count, failures, "failed children");
                    a.summary = Alerts.who(a) + " respawned " + s.count + " children that failed within "
                            + Alerts.seconds(r.durationMs("max_lifetime")) + " of starting, in " + Alerts.seconds(windowMs)
                            + " (threshold " + failures + ")" + Alerts.context(a);
                    a.why = Alerts.overPeak(r, s.count, failures, "failed children in " + Alerts.seconds(windowMs),
                            "children failing as fast as they are restarted (a crash loop)");
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
