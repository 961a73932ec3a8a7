package dev.funnel.schema;

/**
 * The keys of {@link Alert#getAttributes()} that the job writes and its readers act on (the alert
 * consumer, the remediator, tests, benches), spelled once here for both sides. Other keys are a
 * detector's context for people to read (destination, worst_latency_ms, ...) and are not listed.
 */
public final class AlertAttributes {
    /** The remediation action the alert's rule names, as the rules spell it (notify, freeze, kill, kill_group). */
    public static final String ACTION = "action";
    /** What the job decided: act, dry_run, notify, protected, rate_limited, disarmed or pending_approval. */
    public static final String ACTION_DECISION = "action_decision";
    /** The decision in words. */
    public static final String ACTION_REASON = "action_reason";
    /**
     * On an escalation (a later, stronger finding of an incident whose alert is out): the id of
     * the incident's alert it escalates. Both alerts are one incident.
     */
    public static final String ESCALATES = "escalates";
    /** lost_visibility and visibility_restored: how the host went unseen (silence, restart, sequence, or a loss). */
    public static final String CAUSE = "cause";

    private AlertAttributes() {}
}
