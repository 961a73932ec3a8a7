package dev.funnel.job.detect;

import dev.funnel.job.detect.window.WindowStats;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.rules.Rule;
import java.util.Locale;

/**
 * Builds candidate alerts from detector results: the context of the process, the numbers
 * that fired, the window, the loss seen in it, and a one-line summary a person can act on.
 */
public final class Alerts {
    /** Detectors in the spawn family describe one incident: a process making processes. */
    public static final String SPAWN_FAMILY = "spawn";

    private Alerts() {}

    /** A candidate of detector d about the process in the sample (or its parent, for spawner alerts). */
    public static AlertRecord of(Detector d, Rule rule, WindowStats s, boolean aboutParent, double observed,
            double threshold, String unit) {
        EventRecord e = s.sample;
        AlertRecord a = new AlertRecord();
        a.detector = d.name();
        a.family = d.family();
        a.priority = d.priority();
        a.subjectKey = s.key;
        a.cooldownMs = rule.cooldownMs();
        a.host = e.host;
        a.bootId = e.bootId;
        if (aboutParent) {
            a.pid = e.ppid;
            a.processStartNs = e.parentStartNs;
            a.startBootNs = e.parentStartNs;
            a.comm = e.parentComm;
            a.exe = e.parentExe;
            a.cmdline = e.parentCmdline;
            a.ppid = 0; // the spawner's own parent is not in its children's records
        } else {
            a.pid = e.pid;
            a.processStartNs = e.startTimeNs;
            a.startBootNs = e.startNs;
            a.parentStartNs = e.parentStartNs;
            a.comm = e.comm;
            a.exe = e.exe;
            a.cmdline = e.cmdline;
            a.ppid = e.ppid;
        }
        a.uid = e.uid;
        a.cgroupPath = e.cgroupPath;
        a.containerId = e.containerId;
        a.observed = observed;
        a.threshold = threshold;
        a.unit = unit;
        a.windowStartNs = s.windowStartMs * 1_000_000L;
        a.windowEndNs = s.windowEndMs * 1_000_000L;
        a.lostEventsInWindow = s.lostInWindow();
        a.firstEventNs = s.firstEventNs;
        a.alertId = d.name() + "/" + s.key + "/" + s.windowStartMs;
        if (s.stack != null && !aboutParent) {
            a.attributes.put("stack", s.stack); // the call site, captured in the kernel as the key turned hot
        }
        return a;
    }

    /** "PID 1234 (/usr/bin/worker)". */
    public static String who(AlertRecord a) {
        String name = a.exe != null ? a.exe : a.comm != null ? a.comm : "?";
        return "PID " + a.pid + " (" + name + ")";
    }

    /** ", container abc123, parent 42" and a note when the window was lossy. */
    public static String context(AlertRecord a) {
        StringBuilder sb = new StringBuilder();
        if (a.containerId != null) {
            boolean unit = a.containerId.endsWith(".service") || a.containerId.endsWith(".scope");
            sb.append(unit ? ", unit " : ", container ")
                    .append(unit || a.containerId.length() <= 12 ? a.containerId : a.containerId.substring(0, 12));
        }
        if (a.ppid > 0) {
            sb.append(", parent ").append(a.ppid);
        }
        sb.append(", host ").append(a.host);
        if (a.lostEventsInWindow > 0) {
            sb.append(" (").append(a.lostEventsInWindow).append(" events lost in this window: the count may be low)");
        }
        return sb.toString();
    }

    /**
     * Why a count over a threshold is abnormal, in words: how far over it is, and the benign peak
     * the threshold was set above (the rule's benign_peak, measured with bench/detection.sh --measure).
     */
    public static String overPeak(Rule rule, double observed, double threshold, String unit, String what) {
        double peak = rule.number("benign_peak");
        return what + ": " + num(observed) + " " + unit + ", " + num(observed / Math.max(threshold, 1)) + "x the threshold of "
                + num(threshold) + "; the busiest benign workload measured reached " + num(peak);
    }

    public static String seconds(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    public static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
