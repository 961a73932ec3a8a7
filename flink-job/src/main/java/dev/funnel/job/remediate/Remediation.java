package dev.funnel.job.remediate;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The remediation section of rules.yaml, parsed and checked (RemediationParser). Immutable.
 * Durations in ms. Every action is dry-run unless its rule, or the section, says enforce.
 *
 * @param ttlMs         how long an action stays valid after the decision; the collector drops older ones
 * @param approval      enforce actions wait for an approval (bin/funnel actions approve)
 * @param approvalTtlMs how long a pending action waits for one
 * @param rateLimit     actions per host within rateWindowMs (dry-run ones count: they show what enforce would do)
 * @param disarmAfter   a rule that would act on more distinct executables or containers than this
 *                      within disarmWindowMs is disarmed for disarmForMs
 * @param throttleCpu   cpu.max for throttle, in CPUs (0.2 = a fifth of one CPU)
 */
public record Remediation(Map<String, RuleAction> actions, long ttlMs, boolean approval, long approvalTtlMs,
        int rateLimit, long rateWindowMs, int disarmAfter, long disarmWindowMs, long disarmForMs,
        double throttleCpu, Protection protect) implements Serializable {
    /** No section at all: every action none. */
    public static final Remediation OFF = new Remediation(Map.of(), 30_000, false, 600_000, 1, 60_000, 1, 60_000,
            3_600_000, 1.0, new Protection(Set.of(), List.of(), Set.of(), List.of()));

    public RuleAction forDetector(String detector) {
        return actions.getOrDefault(detector, RuleAction.NONE);
    }

    /** Whether any rule does more than notify: only then does the job write funnel.actions records to execute. */
    public boolean anyTouchesHost() {
        return actions.values().stream().anyMatch(a -> a.action().touchesHost());
    }
}
