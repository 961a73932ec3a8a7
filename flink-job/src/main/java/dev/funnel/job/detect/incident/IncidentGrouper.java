package dev.funnel.job.detect.incident;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One alert per incident, keyed by host. A finding (a detector's candidate alert) joins an
 * open incident when it is about the same process tree: its process is one of the incident's
 * processes or their parents, or its parent is one of the incident's processes (unless init or a
 * kernel thread); its process is a sibling of one (the same parent) while their windows touch;
 * or, while the incident is active, it shares a scope (its cgroup, or a session a detector names).
 * Siblings join only while they touch in time: two commands run minutes apart from one shell (a
 * fork storm, later a CPU hog) are two incidents, not one whose second alert is suppressed. So a fork storm on a worker and
 * a flood of short-lived children on its parent are one incident; so are a fork bomb's
 * tree-wide count and the children failing inside it. A scope joins only findings of the
 * incident's family whose windows touch its own (within {@link #SCOPE_GAP_MS}): everything on a host may share
 * one cgroup or one login session, and two storms started a minute apart from one shell are
 * two incidents. A process node joins for as long as the incident is open. The same detector's
 * finding about the same subject (its window key: a fork bomb's session) joins while it is within
 * {@link #SUBJECT_GAP_MS} of the incident: a bomb that stalls at its cgroup's pids.max and forks on
 * once children die is one incident, though its later forkers are other processes under init; but
 * two storms run from one shell half a minute apart are two (the faults bench found the second
 * suppressed whenever its session finding reached this operator before its fork_storm finding,
 * which after a restore or a backlog it may: joined to the first storm's long-emitted incident).
 *
 * <p>Timing: an incident is due when its first finding's window has closed (watermark past
 * its end), or, for a finding below the top priority, its family's hold later: a better
 * finding about the same events may still be coming (a CEP match ends at its last event, a
 * fork storm's window at the next full second). When due, the alert is the highest-priority
 * finding with every finding so far listed. Findings that join afterwards extend the incident
 * (counted as suppressed): a storm that goes on stays one incident until it has been quiet
 * for its findings' cooldown, then every piece of state for it is dropped.
 *
 * <p>State per host: the open incidents. Metrics: alertsOut, suppressed.
 */
public final class IncidentGrouper extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {
    /**
     * Which finding heads an incident: the top priority, then the earliest window, then the one
     * about a single process rather than a group (one process storming is also a storm of its
     * session: fork_storm says more than fork_bomb there, and their windows end together).
     */
    /** How far apart (ms) a finding's window may be from an incident's and still join it through a scope. */
    static final long SCOPE_GAP_MS = 1000;
    /**
     * How far apart (ms) the same detector's findings about one subject (a session) may be and
     * still be one incident: a bomb stalled at pids.max resumes within seconds as children die
     * (the harness test's bomb: 2 s); a second storm from the same shell is further apart.
     */
    static final long SUBJECT_GAP_MS = 10_000;

    private static final Comparator<AlertRecord> HEADLINE = Comparator.<AlertRecord>comparingInt(a -> a.priority)
            .thenComparingLong(a -> a.windowEndNs).thenComparingLong(a -> a.windowStartNs)
            .thenComparingInt(a -> a.relatedKeys.size());

    private final Map<String, Long> holdMsByFamily;
    private transient ListState<Incident> incidents;
    private transient Counter alertsOut;
    private transient Counter suppressed;

    /**
     * An open incident: its findings, the processes and scopes they are about, the span of
     * their windows (event time, ms), when it is due and when it ends.
     */
    public static class Incident {
        /** Its findings' processes and subjects; parents: their parents (siblings join only in time). */
        public List<String> nodes = new ArrayList<>();
        public List<String> parents = new ArrayList<>();
        public List<String> scopes = new ArrayList<>();
        public String family;
        public long firstStartMs = Long.MAX_VALUE;
        public long lastEndMs;
        public List<AlertRecord> findings = new ArrayList<>();
        public long dueMs;
        public long quietEndMs;
        public boolean emitted;

        public Incident() {}
    }

    /** holdMsByFamily: how much longer than their window a family's findings below priority 1 wait. */
    public IncidentGrouper(Map<String, Long> holdMsByFamily) {
        this.holdMsByFamily = new HashMap<>(holdMsByFamily);
    }

    public static String key(AlertRecord a) {
        return a.host;
    }

    /**
     * What joins a finding to an incident for as long as it is open: its process, and its
     * detector's subject (the same detector saying the same thing again about the same process,
     * session or host is the same incident going on).
     */
    static List<String> nodes(AlertRecord a) {
        List<String> n = new ArrayList<>();
        n.add(processNode(a));
        if (a.subjectKey != null) {
            n.add(subjectNode(a));
        }
        return n;
    }

    /** The finding's process (or, for a host-wide finding, its subject on that host). */
    static String processNode(AlertRecord a) {
        return a.pid > 0 ? a.pid + "@" + a.startBootNs : "host:" + a.subjectKey;
    }

    /** The detector's subject: the same detector's later findings about it are the same incident going on. */
    static String subjectNode(AlertRecord a) {
        return a.detector + ":" + a.subjectKey;
    }

    /** The finding's parent as a node, or null for init, kernel threads and an unknown parent. */
    static String parent(AlertRecord a) {
        return a.ppid > 2 && a.parentStartNs > 0 ? a.ppid + "@" + a.parentStartNs : null;
    }

    /**
     * The scopes a finding is about: the related keys its detector names, and its cgroup unless
     * that is the root cgroup. Every process of a host without systemd or containers is in "/":
     * it relates nothing, and as a scope it made a second program's storm started seconds after
     * the first one's part of the first incident: suppressed, with no alert and no action.
     */
    static List<String> scopes(AlertRecord a) {
        List<String> n = new ArrayList<>(a.relatedKeys);
        if (a.pid > 0 && a.cgroupPath != null && !a.cgroupPath.equals("/")) {
            n.add("cgroup:" + a.cgroupPath);
        }
        return n;
    }

    /**
     * The open incident f belongs to: one it shares a process with, or is parent or child of,
     * first; else one with a sibling, or (same family) a shared scope, at the same moment.
     */
    static Incident match(List<Incident> open, AlertRecord f, String parent, List<String> scopes) {
        String process = processNode(f);
        for (Incident i : open) {
            if (i.nodes.contains(process) || i.parents.contains(process) || (parent != null && i.nodes.contains(parent))) {
                return i;
            }
        }
        long startMs = f.windowStartNs / 1_000_000L;
        long endMs = f.windowEndNs / 1_000_000L;
        for (Incident i : open) {
            boolean near = startMs <= i.lastEndMs + SUBJECT_GAP_MS && endMs >= i.firstStartMs - SUBJECT_GAP_MS;
            if (near && f.subjectKey != null && i.nodes.contains(subjectNode(f))) {
                return i;
            }
        }
        for (Incident i : open) {
            boolean touches = startMs <= i.lastEndMs + SCOPE_GAP_MS && endMs >= i.firstStartMs - SCOPE_GAP_MS;
            if (touches && parent != null && i.parents.contains(parent)) {
                return i;
            }
            if (touches && java.util.Objects.equals(f.family, i.family) && i.scopes.stream().anyMatch(scopes::contains)) {
                return i;
            }
        }
        return null;
    }

    private long dueMs(AlertRecord a) {
        return a.windowEndNs / 1_000_000L - 1 + (a.priority > 1 ? holdMsByFamily.getOrDefault(a.family, 0L) : 0);
    }

    @Override
    public void open(OpenContext ctx) {
        incidents = getRuntimeContext().getListState(new ListStateDescriptor<>("incidents", Types.POJO(Incident.class)));
        alertsOut = getRuntimeContext().getMetricGroup().counter("alertsOut");
        suppressed = getRuntimeContext().getMetricGroup().counter("suppressed");
    }

    @Override
    public void processElement(AlertRecord f, Context ctx, Collector<AlertRecord> out) throws Exception {
        List<Incident> open = new ArrayList<>();
        incidents.get().forEach(open::add);
        List<String> nodes = nodes(f);
        String parent = parent(f);
        List<String> scopes = scopes(f);
        long quiet = f.windowEndNs / 1_000_000L + f.cooldownMs;
        Incident joined = match(open, f, parent, scopes);
        if (joined == null) {
            joined = new Incident();
            joined.family = f.family;
            joined.dueMs = dueMs(f);
            open.add(joined);
        } else if (joined.emitted) {
            suppressed.inc(); // the same incident, still going: its alert is out
        } else {
            joined.dueMs = Math.min(joined.dueMs, dueMs(f));
        }
        joined.findings.add(f);
        for (String n : nodes) {
            if (!joined.nodes.contains(n)) {
                joined.nodes.add(n);
            }
        }
        if (parent != null && !joined.parents.contains(parent)) {
            joined.parents.add(parent);
        }
        for (String n : scopes) {
            if (!joined.scopes.contains(n)) {
                joined.scopes.add(n);
            }
        }
        joined.firstStartMs = Math.min(joined.firstStartMs, f.windowStartNs / 1_000_000L);
        joined.lastEndMs = Math.max(joined.lastEndMs, f.windowEndNs / 1_000_000L);
        joined.quietEndMs = Math.max(joined.quietEndMs, quiet);
        incidents.update(open);
        if (!joined.emitted) {
            ctx.timerService().registerEventTimeTimer(joined.dueMs);
        }
        ctx.timerService().registerEventTimeTimer(joined.quietEndMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        List<Incident> keep = new ArrayList<>();
        for (Incident i : incidents.get()) {
            if (!i.emitted && i.dueMs <= timestamp) {
                out.collect(alert(i));
                alertsOut.inc();
                i.emitted = true;
                i.findings = new ArrayList<>(List.of(i.findings.get(0))); // the rest are in the alert
            }
            if (!(i.emitted && i.quietEndMs <= timestamp)) {
                keep.add(i);
            }
        }
        if (keep.isEmpty()) {
            incidents.clear();
        } else {
            incidents.update(keep);
        }
    }

    /**
     * The headline finding, then one finding per other (detector, process) in the incident,
     * the earliest of each (a storm's later windows add nothing the headline does not say),
     * and the others named in the summary.
     */
    static AlertRecord alert(Incident i) {
        List<AlertRecord> all = new ArrayList<>(i.findings);
        all.sort(HEADLINE);
        AlertRecord head = all.get(0);
        head.findings = new ArrayList<>();
        List<String> others = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (AlertRecord f : all) {
            if (!seen.add(f.detector + "/" + f.pid)) {
                continue;
            }
            head.findings.add(Finding.of(f));
            if (f != head) {
                others.add(f.detector + " on PID " + f.pid);
            }
        }
        if (!others.isEmpty()) {
            head.summary = head.summary + "; same incident: " + String.join(", ", others);
        }
        return head;
    }
}
