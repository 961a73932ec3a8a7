package dev.funnel.alerts;

import dev.funnel.schema.Alert;
import dev.funnel.schema.AlertAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Escalations as a reader of funnel.alerts sees them: when a later finding of an incident whose
 * alert is out has a rule that acts more strongly (a fork storm crossing fork_storm's kill after
 * short_lived_flood's notify went out), the job raises one more alert headed by it, naming the
 * first in the attribute {@value AlertAttributes#ESCALATES}, so that its action is decided. Both
 * are one incident: whoever counts alerts per incident (tests, benches, a pager) counts the first
 * only.
 */
public final class Escalations {
    private Escalations() {}

    /** Whether a escalates one of the alerts whose ids are given (the ones a reader has seen). */
    public static boolean ofOneOf(Alert a, Set<String> alertIds) {
        String first = a.getAttributes().get(AlertAttributes.ESCALATES);
        return first != null && alertIds.contains(first);
    }

    /** The items whose alert escalates none of the others': the first alert of each incident, in order. */
    public static <T> List<T> firstOfEachIncident(List<T> raised, Function<T, Alert> alertOf) {
        Set<String> ids = new HashSet<>();
        raised.forEach(r -> ids.add(alertOf.apply(r).getAlertId()));
        return raised.stream().filter(r -> !ofOneOf(alertOf.apply(r), ids)).toList();
    }
}
