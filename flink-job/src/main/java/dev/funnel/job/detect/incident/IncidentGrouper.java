package dev.funnel.job.detect.incident;

import dev.funnel.job.model.AlertRecord;
import dev.funnel.job.model.Finding;
import dev.funnel.job.remediate.Action;
import dev.funnel.schema.AlertAttributes;
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
 * finding about the same subject (its window key: a fork bomb's session) joins while its window
 * starts within {@link #SUBJECT_GAP_MS} of that subject's last one: a bomb that stalls at its
 * cgroup's pids.max and forks on once children die is one incident, though its later forkers
 * are other processes under init. A finding that joins only that way brings nothing else in:
 * not its process, parent or scopes, and it does not widen the incident's span. Otherwise a
 * second storm from the same shell lost its alert whenever its session finding reached this
 * operator before its own fork_storm finding (which after a restore or a backlog it may): the
 * session finding names the second storm's process, which then joined the first storm's
 * long-emitted incident, and so did its fork_storm finding, suppressed, its kill never decided
 * (the faults bench's TaskManager kill, 11 s between the storms' session findings, the first
 * incident's span stretched 5 s past its storm by sustained_fork_rate's trailing windows).
 *
 * <p>Timing: an incident is due when its first finding's window has closed (watermark past
 * its end), or, for a finding below the top priority, its family's hold later: a better
 * finding about the same events may still be coming (a CEP match ends at its last event, a
 * fork storm's window at the next full second). When due, the alert is the highest-priority
 * finding with every finding so far listed. Findings that join afterwards extend the incident
 * (counted as suppressed): a storm that goes on stays one incident until it has been quiet
 * for its findings' cooldown, then every piece of state for it is dropped.
 *
 * <p>Escalation: a finding that joins after the alert went out, and whose rule's remediation
 * action is stronger than the one the alert's headline got (kill after notify), is not
 * suppressed: it raises one more alert for the incident, due as its own would be, headed by it
 * and saying which alert it escalates, so that its action is decided. A storm that ramps up
 * slowly crosses short_lived_flood's count (notify) before fork_storm's rate (kill): without
 * this, no action was ever decided for it. Findings that only rank higher but would get the
 * same action stay suppressed (one alert per incident is the point); every escalation is to a
 * stronger action, so an incident raises at most one alert per action step.
 *
 * <p>State per host: the open incidents. Metrics: alertsOut, suppressed, escalations.
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
    private final Map<String, Action> actionByDetector;
    private transient ListState<Incident> incidents;
    private transient Counter alertsOut;
    private transient Counter suppressed;
    private transient Counter escalations;

    /**
     * An open incident: the processes and scopes its findings are about, the span of their
     * windows (event time, ms), when it ends; its findings not yet in an alert and when they are
     * due; and, once an alert is out, that alert's id, headline and the headline's action.
     */
    public static class Incident {
        /** Its findings' processes; parents: their parents (siblings join only in time). */
        public List<String> nodes = new ArrayList<>();
        public List<String> parents = new ArrayList<>();
        public List<String> scopes = new ArrayList<>();
        /** Each detector subject found in it ("detector:subject key") and its last window's end, event time (ms). */
        public Map<String, Long> subjectEndMs = new HashMap<>();
        public String family;
        public long firstStartMs = Long.MAX_VALUE;
        public long lastEndMs;
        /** Findings for the next alert: all of them until the first is out, then escalating ones only. */
        public List<AlertRecord> findings = new ArrayList<>();
        public long dueMs;
        public long quietEndMs;
        public boolean emitted;
        /** The last alert out: its id, "detector on PID n", and its rule's action. */
        public String lastAlertId;
        public String lastHeadline;
        public Action lastAction;

        public Incident() {}
    }

    /**
     * holdMsByFamily: how much longer than their window a family's findings below priority 1 wait.
     * actionByDetector: each detector's remediation action (a detector not named: none), which
     * decides whether a late finding escalates.
     */
    public IncidentGrouper(Map<String, Long> holdMsByFamily, Map<String, Action> actionByDetector) {
        this.holdMsByFamily = new HashMap<>(holdMsByFamily);
        this.actionByDetector = new HashMap<>(actionByDetector);
    }

    private Action action(String detector) {
        return actionByDetector.getOrDefault(detector, Action.NONE);
    }

    public static String key(AlertRecord a) {
        return a.host;
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
     * The open incident f is related to: one it shares a process with, or is parent or child of,
     * first; else one with a sibling, or (same family) a shared scope, at the same moment.
     */
    static Incident related(List<Incident> open, AlertRecord f, String parent, List<String> scopes) {
        String process = processNode(f);
        for (Incident i : open) {
            if (i.nodes.contains(process) || i.parents.contains(process) || (parent != null && i.nodes.contains(parent))) {
                return i;
            }
        }
        long startMs = f.windowStartNs / 1_000_000L;
        long endMs = f.windowEndNs / 1_000_000L;
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

    /** The open incident whose last finding by f's detector about f's subject ended at most SUBJECT_GAP_MS before f's window. */
    static Incident sameSubject(List<Incident> open, AlertRecord f) {
        if (f.subjectKey == null) {
            return null;
        }
        long startMs = f.windowStartNs / 1_000_000L;
        for (Incident i : open) {
            Long lastEndMs = i.subjectEndMs.get(subjectNode(f));
            if (lastEndMs != null && startMs <= lastEndMs + SUBJECT_GAP_MS) {
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
        escalations = getRuntimeContext().getMetricGroup().counter("escalations");
    }

    @Override
    public void processElement(AlertRecord f, Context ctx, Collector<AlertRecord> out) throws Exception {
        List<Incident> open = new ArrayList<>();
        for (Incident i : incidents.get()) {
            if (i.subjectEndMs == null) {
                i.subjectEndMs = new HashMap<>(); // restored from a job that did not keep it
            }
            open.add(i);
        }
        String parent = parent(f);
        List<String> scopes = scopes(f);
        Incident joined = related(open, f, parent, scopes);
        boolean subjectOnly = false;
        if (joined == null) {
            joined = sameSubject(open, f);
            subjectOnly = joined != null;
        }
        if (joined == null) {
            joined = new Incident();
            joined.family = f.family;
            open.add(joined);
        }
        if (!joined.emitted || action(f.detector).compareTo(joined.lastAction) > 0) {
            // For the incident's first alert, or (its alert out) an escalation: see the class comment.
            joined.dueMs = joined.findings.isEmpty() ? dueMs(f) : Math.min(joined.dueMs, dueMs(f));
            joined.findings.add(f);
            ctx.timerService().registerEventTimeTimer(joined.dueMs);
        } else {
            suppressed.inc(); // the same incident, still going: its alert is out
        }
        if (f.subjectKey != null) {
            joined.subjectEndMs.merge(subjectNode(f), f.windowEndNs / 1_000_000L, Math::max);
        }
        if (!subjectOnly) {
            // Only a related finding brings its process tree, scopes and span in (see the class comment).
            if (!joined.nodes.contains(processNode(f))) {
                joined.nodes.add(processNode(f));
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
        }
        joined.quietEndMs = Math.max(joined.quietEndMs, f.windowEndNs / 1_000_000L + f.cooldownMs);
        incidents.update(open);
        ctx.timerService().registerEventTimeTimer(joined.quietEndMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        List<Incident> keep = new ArrayList<>();
        for (Incident i : incidents.get()) {
            if (!i.findings.isEmpty() && i.dueMs <= timestamp) {
                AlertRecord a = alert(i);
                if (i.emitted) {
                    a.attributes.put(AlertAttributes.ESCALATES, i.lastAlertId);
                    a.summary = a.summary + "; escalates alert " + i.lastAlertId + " (" + i.lastHeadline + ")";
                    escalations.inc();
                }
                out.collect(a);
                alertsOut.inc();
                i.emitted = true;
                i.lastAlertId = a.alertId;
                i.lastHeadline = a.detector + " on PID " + a.pid;
                i.lastAction = action(a.detector);
                i.findings = new ArrayList<>(); // they are in the alert
            }
            if (!(i.emitted && i.findings.isEmpty() && i.quietEndMs <= timestamp)) {
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
