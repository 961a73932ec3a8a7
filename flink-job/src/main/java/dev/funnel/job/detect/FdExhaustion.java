package dev.funnel.job.detect;

import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * fd_exhaustion: a process used at least `share` (percent) of its descriptor limit, a limit of
 * at least `min_limit`: a leak that ran into EMFILE, or is about to. The kernel reports the
 * descriptors in use at exit (and sends such an exit on its own, never inside an aggregate).
 * How fast a process opens files says little (mandb and grep -r open thousands a second and
 * close them); running out of them is the harm.
 */
public final class FdExhaustion implements Detector {
    public static final String NAME = "fd_exhaustion";
    private static final long serialVersionUID = 1L;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("share"), RuleKey.count("min_limit"));
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
    public long windowMs(Rule rule) {
        return 1; // one exit is the finding: no window to wait for
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double share = r.number("share");
        int minLimit = r.count("min_limit");
        return in.events()
                .filter(e -> e.kind == Kind.EXIT && e.nofileLimit >= minLimit && e.openFds * 100.0 >= e.nofileLimit * share)
                .name(NAME + ": events").uid(NAME + "-select")
                .map(e -> {
                    WindowStats s = new WindowStats();
                    s.add(e.forProcessAlerts());
                    s.window(e.processKey(), e.timeMs(), e.timeMs() + 1);
                    double pct = 100.0 * e.openFds / e.nofileLimit;
                    AlertRecord a = Alerts.of(this, r, s, false, pct, share, "% of the fd limit");
                    a.attributes.put("open_fds", Integer.toString(e.openFds));
                    a.attributes.put("nofile_limit", Long.toString(e.nofileLimit));
                    a.summary = Alerts.who(a) + " exited holding " + e.openFds + " file descriptors of its limit of "
                            + e.nofileLimit + " (" + Alerts.num(pct) + "%, threshold " + Alerts.num(share) + "%)"
                            + Alerts.context(a);
                    a.why = "out of file descriptors (EMFILE): a descriptor leak, whatever the rate it opened them at";
                    return a;
                }).returns(AlertRecord.class).name(NAME).uid(NAME);
    }
}
