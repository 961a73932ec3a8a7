package dev.funnel.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser knows sections only as they are declared to it: kinds, required keys, errors that name the key. */
class RulesParserTest {
    static final List<RuleSection> SECTIONS = List.of(RuleSection.detector("spikes",
            RuleKey.number("threshold"), RuleKey.window("window"), RuleKey.count("min_count"), RuleKey.window("latency")));
    static final String FULL = """
            spikes: {enabled: true, threshold: 2.5, window: 1s, min_count: 3, latency: 500ms, cooldown: 1m}
            watermarks: {out_of_orderness: 1s, idleness: 5s}
            """;

    @Test
    void valuesAreConvertedToTheirKeysKinds() {
        Rules r = RulesParser.parse(FULL, "base.yaml", null, SECTIONS);
        Rule s = r.get("spikes");
        assertTrue(s.enabled());
        assertEquals(2.5, s.threshold());
        assertEquals(1000, s.windowMs());
        assertEquals(3, s.count("min_count"));
        assertEquals(500, s.durationMs("latency"));
        assertEquals(60_000, s.cooldownMs());
        assertEquals(1000, r.outOfOrdernessMs);
        assertEquals(5000, r.idlenessMs);
    }

    @Test
    void anOverrideChangesOnlyWhatItSays() {
        Rules base = RulesParser.parse(FULL, "base.yaml", null, SECTIONS);
        Rules r = RulesParser.parse("spikes: {enabled: false, window: 2s}\nwatermarks: {idleness: 30s}\n", "o.yaml",
                base, SECTIONS);
        assertFalse(r.enabled("spikes"));
        assertEquals(2000, r.get("spikes").windowMs());
        assertEquals(2.5, r.get("spikes").threshold(), "the rest stays");
        assertEquals(30_000, r.idlenessMs);
    }

    @Test
    void aBadRuleIsAnErrorNamingIt() {
        Rules base = RulesParser.parse(FULL, "base.yaml", null, SECTIONS);
        assertError(base, "unknown section 'spikez' (known: spikes, watermarks, remediation)", "spikez:\n  threshold: 1\n");
        assertError(base, "spikes.treshold: unknown key (known: enabled, threshold, window, min_count, latency, cooldown)",
                "spikes:\n  treshold: 1\n");
        assertError(base, "spikes.window: '1 sec' is not a duration", "spikes:\n  window: 1 sec\n");
        assertError(base, "spikes.window: must be greater than 0", "spikes:\n  window: 0s\n");
        assertError(base, "spikes.threshold: 'many' is not a number", "spikes:\n  threshold: many\n");
        assertError(base, "spikes.min_count: '2.5' is not a whole number", "spikes:\n  min_count: 2.5\n");
        assertError(base, "spikes.enabled: 'yes please' is not true or false", "spikes:\n  enabled: yes please\n");
        assertError(base, "not valid YAML", "spikes: [\n");
        assertError(null, "spikes.latency is required", FULL.replace(" latency: 500ms,", ""));
    }

    static void assertError(Rules base, String expected, String yaml) {
        RulesException e = assertThrows(RulesException.class, () -> RulesParser.parse(yaml, "r.yaml", base, SECTIONS));
        assertTrue(e.getMessage().startsWith("r.yaml: ") && e.getMessage().contains(expected), e.getMessage());
    }
}
