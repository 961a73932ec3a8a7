package dev.funnel.benchmarks;

import dev.funnel.schema.Alert;
import java.util.Set;

/**
 * The job's escalations, as the benches that count alerts per incident see them: an incident
 * whose later finding's rule acts more strongly raises a second alert naming the first in its
 * attribute escalates (IncidentGrouper), so that its action is decided. Still one incident.
 */
public final class Escalations {
    /** The attribute that names the alert an escalation escalates. */
    public static final String ATTRIBUTE = "escalates";

    private Escalations() {}

    /** Whether a escalates one of the alerts whose ids are given (the ones a bench has seen). */
    public static boolean ofOneOf(Alert a, Set<String> alertIds) {
        String first = a.getAttributes().get(ATTRIBUTE);
        return first != null && alertIds.contains(first);
    }
}
