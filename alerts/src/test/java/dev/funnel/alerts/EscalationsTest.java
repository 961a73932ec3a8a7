package dev.funnel.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.schema.Alert;
import dev.funnel.schema.AlertAttributes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counting incidents, not alerts: an escalation is its first alert's incident. */
class EscalationsTest {
    static Alert alert(String id, Map<String, String> attributes) {
        Alert a = Alert.newBuilder(AlertFormatTest.storm()).build();
        a.setAlertId(id);
        a.setAttributes(Map.copyOf(attributes));
        return a;
    }

    @Test
    void anEscalationOfAnAlertSeenIsNotAnotherIncident() {
        Alert flood = alert("short_lived_flood/h/1/0", Map.of(AlertAttributes.ACTION, "notify"));
        Alert storm = alert("fork_storm/h/1/4", Map.of(AlertAttributes.ESCALATES, flood.getAlertId()));
        Alert other = alert("fork_storm/h/2/0", Map.of());
        assertEquals(List.of(flood, other), Escalations.firstOfEachIncident(List.of(flood, storm, other), a -> a));
    }

    @Test
    void anEscalationWhoseFirstAlertWasNotSeenCountsAsItsOwn() {
        // A reader that started after the first alert went out sees the escalation only: one incident still.
        Alert storm = alert("fork_storm/h/1/4", Map.of(AlertAttributes.ESCALATES, "short_lived_flood/h/1/0"));
        assertEquals(List.of(storm), Escalations.firstOfEachIncident(List.of(storm), a -> a));
    }
}
