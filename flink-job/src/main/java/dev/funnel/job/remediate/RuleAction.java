package dev.funnel.job.remediate;

import java.io.Serializable;

/** One detector's remediation: its action and whether it only says what it would do. */
public record RuleAction(Action action, boolean enforce) implements Serializable {
    public static final RuleAction NONE = new RuleAction(Action.NONE, false);
}
