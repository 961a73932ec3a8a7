package dev.funnel.schema.wire;

/** Topic names every component agrees on, and their registry subjects (TopicNameStrategy). */
public final class Topics {
    /** EventBatch records from collectors, keyed by host. */
    public static final String EVENTS = "funnel.events";
    /** Alert records from the job, keyed by host. */
    public static final String ALERTS = "funnel.alerts";
    /** Records the job could not decode, as they were, with the reason in a header. */
    public static final String DEAD_LETTER = "funnel.events.dlq";
    /** Action records from the job (remediation decisions), keyed by host; approvals from bin/funnel actions. */
    public static final String ACTIONS = "funnel.actions";
    /** ActionOutcome records from collectors: what each action did. */
    public static final String ACTIONS_AUDIT = "funnel.actions.audit";

    private Topics() {}

    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
