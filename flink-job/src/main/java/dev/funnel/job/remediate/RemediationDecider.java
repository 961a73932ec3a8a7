package dev.funnel.job.remediate;

import dev.funnel.job.model.ActionRecord;
import dev.funnel.job.model.AlertRecord;
import dev.funnel.schema.AlertAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, keyed by host, what to do about each alert, in the same operator that lets the alert
 * through: the alert carries its decision (attributes action and action_decision) and the action
 * record goes to {@link #ACTIONS}, so both are committed by the same checkpoint, exactly once.
 *
 * <p>Checks, in order: the rule's action (none: nothing; notify: a record only); protection
 * (PID 1, kernel threads, the protect lists); a disarmed rule; the disarmer (a rule that would act
 * on more distinct executables or containers than disarm_after within disarm_window is disarmed
 * for disarm_for); the host's rate limit; then dry-run, pending approval, or act. Every would-be
 * action counts for the disarmer and the rate limit, dry-run included: dry-run shows exactly what
 * enforce would have done.
 *
 * <p>Time: windows and the disarm period run on the alert's event time (its window end), so a
 * replay decides the same; issued/expiry stamps are wall clock (the collector checks the TTL
 * against its own clock). State per host: the times and targets of recent would-be actions and
 * the disarmed rules, pruned on every alert to the longest window.
 */
public final class RemediationDecider extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {
    public static final OutputTag<ActionRecord> ACTIONS = new OutputTag<>("actions", Types.POJO(ActionRecord.class));

    private final Remediation policy;
    private final WallClock wallClock;
    private transient ValueState<Ledger> ledger;
    private transient Map<String, Counter> decisions;

    /** Wall-clock ms for the issued and expiry stamps (tests pin it). */
    public interface WallClock extends java.io.Serializable {
        long nowMs();
    }

    public RemediationDecider(Remediation policy) {
        this(policy, System::currentTimeMillis);
    }

    public RemediationDecider(Remediation policy, WallClock wallClock) {
        this.policy = policy;
        this.wallClock = wallClock;
    }

    /** One host's recent would-be actions and disarmed rules (a Flink POJO). */
    public static class Ledger {
        /** Event-time ms of each would-be action, for the rate limit. */
        public List<Long> actedMs = new ArrayList<>();
        /** Each would-be action's rule and target, for the disarmer. */
        public List<Mark> marks = new ArrayList<>();
        /** Rule to event-time ms it is disarmed until. */
        public Map<String, Long> disarmedUntilMs = new HashMap<>();

        public Ledger() {}
    }

    /** A would-be action: which rule, on which executable or container, at what event-time ms. */
    public static class Mark {
        public String rule;
        public String target;
        public long atMs;

        public Mark() {}

        Mark(String rule, String target, long atMs) {
            this.rule = rule;
            this.target = target;
            this.atMs = atMs;
        }
    }

    @Override
    public void open(OpenContext ctx) {
        ledger = getRuntimeContext().getState(new ValueStateDescriptor<>("remediation-ledger", Types.POJO(Ledger.class)));
        decisions = new HashMap<>();
        var group = getRuntimeContext().getMetricGroup().addGroup("remediation");
        for (String d : List.of("act", "dry_run", "notify", "protected", "rate_limited", "disarmed", "pending_approval")) {
            decisions.put(d, group.counter(d));
        }
    }

    @Override
    public void processElement(AlertRecord alert, Context ctx, Collector<AlertRecord> out) throws Exception {
        RuleAction rule = policy.forDetector(alert.detector);
        if (rule.action() != Action.NONE) {
            ActionRecord a = decide(alert, rule);
            alert.attributes.put(AlertAttributes.ACTION, a.action);
            alert.attributes.put(AlertAttributes.ACTION_DECISION, a.decision);
            alert.attributes.put(AlertAttributes.ACTION_REASON, a.reason);
            decisions.get(a.decision).inc();
            ctx.output(ACTIONS, a);
        }
        out.collect(alert);
    }

    private ActionRecord decide(AlertRecord alert, RuleAction rule) throws Exception {
        ActionRecord a = record(alert, rule.action());
        if (rule.action() == Action.NOTIFY) {
            return decided(a, "notify", "the rule notifies only");
        }
        String protectedWhy = policy.protect().why(alert.pid, alert.ppid, alert.exe, alert.cgroupPath, alert.uid,
                alert.cmdline);
        if (protectedWhy != null) {
            return decided(a, "protected", protectedWhy + " is never touched");
        }
        long nowMs = alert.windowEndNs / 1_000_000L;
        Ledger l = ledger.value() == null ? new Ledger() : ledger.value();
        prune(l, nowMs);
        try {
            Long until = l.disarmedUntilMs.get(alert.detector);
            if (until != null && until > nowMs) {
                return decided(a, "disarmed", "rule " + alert.detector + " is disarmed for another "
                        + (until - nowMs) / 1000 + " s: it would have acted on too many executables or containers");
            }
            String target = alert.containerId != null ? "container " + alert.containerId
                    : "executable " + (alert.exe != null ? alert.exe : alert.comm);
            Set<String> targets = new LinkedHashSet<>();
            for (Mark m : l.marks) {
                if (m.rule.equals(alert.detector)) {
                    targets.add(m.target);
                }
            }
            targets.add(target);
            l.marks.add(new Mark(alert.detector, target, nowMs));
            if (targets.size() > policy.disarmAfter()) {
                l.disarmedUntilMs.put(alert.detector, nowMs + policy.disarmForMs());
                return decided(a, "disarmed", "rule " + alert.detector + " would act on " + targets.size()
                        + " distinct executables or containers within " + policy.disarmWindowMs() / 1000
                        + " s (disarm_after " + policy.disarmAfter() + "): disarmed for "
                        + policy.disarmForMs() / 1000 + " s");
            }
            if (l.actedMs.size() >= policy.rateLimit()) {
                return decided(a, "rate_limited", l.actedMs.size() + " actions on this host within "
                        + policy.rateWindowMs() / 1000 + " s already (rate_limit " + policy.rateLimit() + ")");
            }
            l.actedMs.add(nowMs);
        } finally {
            ledger.update(l);
        }
        String what = rule.action().yamlName() + " pid " + alert.pid + " (" + (alert.exe != null ? alert.exe : alert.comm) + ")";
        if (!rule.enforce()) {
            return decided(a, "dry_run", "would " + what + "; mode is dry-run");
        }
        if (policy.approval()) {
            a.expiresNs = a.issuedNs + policy.approvalTtlMs() * 1_000_000L;
            return decided(a, "pending_approval", what + " waits for approval (bin/funnel actions approve " + a.actionId + ")");
        }
        return decided(a, "act", what);
    }

    private void prune(Ledger l, long nowMs) {
        l.actedMs.removeIf(t -> t <= nowMs - policy.rateWindowMs());
        l.marks.removeIf(m -> m.atMs <= nowMs - policy.disarmWindowMs());
        l.disarmedUntilMs.values().removeIf(until -> until <= nowMs);
    }

    private ActionRecord record(AlertRecord alert, Action action) {
        ActionRecord a = new ActionRecord();
        a.actionId = "act/" + alert.alertId;
        a.alertId = alert.alertId;
        a.detector = alert.detector;
        a.host = alert.host;
        a.bootId = alert.bootId;
        a.pid = alert.pid;
        a.startBootNs = alert.startBootNs;
        a.exe = alert.exe;
        a.comm = alert.comm;
        a.uid = alert.uid;
        a.cgroupPath = alert.cgroupPath;
        a.containerId = alert.containerId;
        a.action = action.yamlName();
        a.issuedNs = wallClock.nowMs() * 1_000_000L;
        a.expiresNs = a.issuedNs + policy.ttlMs() * 1_000_000L;
        a.throttleCpu = policy.throttleCpu();
        a.firstEventNs = alert.firstEventNs;
        return a;
    }

    private static ActionRecord decided(ActionRecord a, String decision, String reason) {
        a.decision = decision;
        a.reason = reason;
        return a;
    }
}
