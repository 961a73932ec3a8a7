package dev.funnel.job.detect;

import dev.funnel.job.detect.window.CpuStats;
import dev.funnel.job.detect.window.LateEvents;
import dev.funnel.job.detect.window.StampWindow;
import dev.funnel.job.detect.window.StatsAggregate;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.job.rules.Rule;
import dev.funnel.job.rules.RuleKey;
import dev.funnel.job.rules.RuleSection;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;

/**
 * high_cpu: a process kept at least `threshold` of one core busy (1.0 = a whole core) over a
 * sliding event-time `window` moving by `slide`, from the collector's CPU profiles (samples
 * counted in the kernel, sent only for processes above cpu.report.percent). The alert names
 * the function the CPU was in most often, and lists the top frames with their share of the
 * process's samples: "High CPU in container X, process /usr/bin/worker, function
 * handle_batch(), parent PID 42".
 */
public final class HighCpu implements Detector {
    public static final String NAME = "high_cpu";
    private static final long serialVersionUID = 1L;
    /** Frames listed in the alert's attributes. */
    static final int TOP_FRAMES = 5;

    @Override
    public RuleSection rules() {
        return RuleSection.detector(NAME, RuleKey.number("threshold"), RuleKey.window("window"), RuleKey.window("slide"),
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
    public void validate(Rules rules) {
        Rule r = rules.get(NAME);
        if (r.durationMs("slide") > r.windowMs() || r.windowMs() % r.durationMs("slide") != 0) {
            throw new RulesException("high_cpu.window must be a multiple of high_cpu.slide");
        }
    }

    @Override
    public DataStream<AlertRecord> build(DetectorInputs in, Rule r) {
        double threshold = r.threshold();
        long windowMs = r.windowMs();
        SingleOutputStreamOperator<CpuStats> windows = in.events()
                .filter(e -> e.kind == Kind.CPU_PROFILE).name(NAME + ": events").uid(NAME + "-select")
                .map(EventRecord::forProcessAlerts).name(NAME + ": context").uid(NAME + "-project")
                .keyBy(EventRecord::processKey, Types.STRING)
                .window(SlidingEventTimeWindows.of(Duration.ofMillis(windowMs), Duration.ofMillis(r.durationMs("slide"))))
                .sideOutputLateData(LateEvents.TAG)
                .aggregate(new StatsAggregate<>(CpuStats::new), new StampWindow<CpuStats>(), Types.POJO(CpuStats.class), Types.POJO(CpuStats.class),
                        Types.POJO(CpuStats.class))
                .name(NAME + ": window").uid(NAME + "-window");
        in.countLate(windows);
        return windows.filter(s -> s.coreShare() >= threshold).name(NAME + ": over threshold").uid(NAME + "-filter")
                .map(s -> alert(r, s, threshold, windowMs)).returns(AlertRecord.class).name(NAME).uid(NAME);
    }

    AlertRecord alert(Rule r, CpuStats s, double threshold, long windowMs) {
        double share = s.coreShare();
        // In percent of one core, as people say it (the rule's threshold is a share: 0.8).
        long percent = Math.round(share * 100);
        AlertRecord a = Alerts.of(this, r, s, false, percent, Math.round(threshold * 100), "percent of a core");
        Integer[] order = s.busiest();
        String hottest = order.length == 0 ? null : s.frames[order[0]];
        for (int i = 0; i < Math.min(TOP_FRAMES, order.length); i++) {
            a.attributes.put("frame_" + (i + 1), s.frames[order[i]] + " " + percent(s.frameSamples[order[i]], s.count));
        }
        a.attributes.put("samples", Long.toString(s.count));
        a.attributes.put("sample_hz", Integer.toString(s.sampleHz));
        a.attributes.put("core_share", String.format(Locale.ROOT, "%.2f", share));
        if (hottest != null) {
            a.attributes.put("function", hottest);
        }
        if (s.hotStack != null) {
            a.attributes.put("stack", s.hotStack);
        }
        StringBuilder sb = new StringBuilder("High CPU");
        if (a.containerId != null) {
            sb.append(" in container ").append(a.containerId.length() <= 12 ? a.containerId : a.containerId.substring(0, 12));
        }
        sb.append(", process ").append(a.exe != null ? a.exe : a.comm).append(" (PID ").append(a.pid).append(')');
        if (hottest != null) {
            sb.append(", function ").append(hottest).append(" (").append(percent(s.frameSamples[order[0]], s.count))
                    .append(" of samples)");
        }
        if (a.ppid > 0) {
            sb.append(", parent PID ").append(a.ppid);
        }
        sb.append(": ").append(percent).append("% of a core over ").append(Alerts.seconds(windowMs))
                .append(", host ").append(a.host);
        if (a.lostEventsInWindow > 0) {
            sb.append(" (").append(a.lostEventsInWindow).append(" events lost in this window)");
        }
        a.summary = sb.toString();
        a.why = "a process kept a core busy for " + Alerts.seconds(windowMs) + ": " + percent + "% of a core, "
                + Alerts.num(share / threshold) + "x the threshold of " + Math.round(threshold * 100)
                + "%; the busiest benign workload measured reached " + Math.round(r.number("benign_peak") * 100) + "%";
        return a;
    }

    private static String percent(long part, long whole) {
        long p = whole == 0 ? 0 : Math.round(100.0 * part / whole);
        return p == 0 && part > 0 ? "<1%" : p + "%";
    }
}
