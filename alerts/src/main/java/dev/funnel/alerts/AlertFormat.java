package dev.funnel.alerts;

import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.Alert;
import dev.funnel.schema.AlertAttributes;
import dev.funnel.schema.json.AvroJson;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How an alert reads on a terminal, and as one JSON object per line for machines. */
public final class AlertFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private AlertFormat() {}

    /**
     * One line a person can act on, then the context indented below it:
     * <pre>
     * 12:00:01.000 fork_storm host-a  PID 1234 (/usr/bin/worker) forked 57 times in 1 s (threshold 50), ...
     *     window 12:00:00.000-12:00:01.000, observed 57 forks (threshold 50), lost events in window 0
     *     cgroup /system.slice/worker.service
     *     cmdline /usr/bin/worker --jobs 8
     * </pre>
     */
    public static String human(Alert a) {
        StringBuilder s = new StringBuilder();
        s.append(TIME.format(instant(a.getWindowEndNs()))).append(' ').append(a.getDetector()).append(' ')
                .append(a.getHost()).append("  ").append(a.getSummary());
        s.append("\n    window ").append(TIME.format(instant(a.getWindowStartNs()))).append('-')
                .append(TIME.format(instant(a.getWindowEndNs())))
                .append(", observed ").append(number(a.getObserved())).append(' ').append(a.getUnit())
                .append(" (threshold ").append(number(a.getThreshold())).append(')')
                .append(", lost events in window ").append(a.getLostEventsInWindow());
        if (a.getWhy() != null) {
            s.append("\n    why ").append(a.getWhy());
        }
        if (a.getFindings().size() > 1) {
            for (var f : a.getFindings()) {
                s.append("\n    finding ").append(f.getDetector()).append(": ").append(f.getSummary());
            }
        }
        if (a.getCgroupPath() != null) {
            s.append("\n    cgroup ").append(a.getCgroupPath());
        }
        // high_cpu: where the CPU was, captured while the process ran.
        var attrs = a.getAttributes();
        if (attrs.get("frame_1") != null) {
            s.append("\n    top frames");
            for (int i = 1; attrs.get("frame_" + i) != null; i++) {
                s.append(i == 1 ? " " : "; ").append(attrs.get("frame_" + i));
            }
        }
        if (attrs.get("stack") != null) {
            s.append("\n    stack ").append(attrs.get("stack"));
        }
        if (a.getCmdline() != null && !a.getCmdline().isEmpty()) {
            s.append("\n    cmdline ").append(a.getCmdline());
        }
        if (attrs.get(AlertAttributes.ACTION) != null) {
            s.append("\n    action ").append(attrs.get(AlertAttributes.ACTION))
                    .append(": ").append(attrs.get(AlertAttributes.ACTION_DECISION))
                    .append(" (").append(attrs.get(AlertAttributes.ACTION_REASON)).append(')');
        }
        return s.toString();
    }

    /**
     * What a host's collector did about an alert's action, one line:
     * <pre>
     * 12:00:03.120 action act/fork_storm/... kill pid 1234 on host-a: verified, exited 12 ms after the signal (2,310 ms since the incident began)
     * </pre>
     */
    public static String outcome(ActionOutcome o) {
        StringBuilder s = new StringBuilder();
        s.append(TIME.format(instant(o.getAtNs()))).append(" action ").append(o.getActionId()).append(' ')
                .append(o.getAction()).append(" pid ").append(o.getPid()).append(" on ").append(o.getHost())
                .append(": ").append(o.getOutcome()).append(", ").append(o.getDetail());
        if (o.getSinceIncidentMs() != null) {
            s.append(String.format(" (%,d ms since the incident began)", o.getSinceIncidentMs()));
        }
        return s.toString();
    }

    /** The alert as one line of JSON (Avro's JSON mapping of Alert.avsc). */
    public static String json(Alert a) {
        return AvroJson.toJson(a);
    }

    private static Instant instant(long ns) {
        return Instant.ofEpochSecond(0, ns);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format("%.1f", d);
    }
}
