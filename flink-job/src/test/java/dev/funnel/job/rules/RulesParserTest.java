package dev.funnel.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesParserTest {
    @Test
    void theBuiltInDefaultsAreTheIssuesThresholds() {
        Rules r = Rules.defaults();
        assertEquals(50, r.get(Rules.FORK_STORM).threshold);
        assertEquals(1000, r.get(Rules.FORK_STORM).windowMs);
        assertEquals(10_000, r.get(Rules.SUSTAINED_FORK_RATE).windowMs);
        assertEquals(1000, r.get(Rules.SUSTAINED_FORK_RATE).slideMs);
        assertEquals(2000, r.get(Rules.SHORT_LIVED_FLOOD).windowMs);
        assertEquals(500, r.get(Rules.SLOW_REQUESTS).threshold);
        assertEquals(1000, r.outOfOrdernessMs);
        assertEquals(5000, r.idlenessMs);
    }

    @Test
    void aFileOverridesOnlyWhatItSays(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rules.yaml");
        Files.writeString(f, "fork_storm:\n  threshold: 200\nfd_burst:\n  enabled: false\nwatermarks:\n  idleness: 30s\n");
        Rules r = RulesParser.fromFile(f);
        assertEquals(200, r.get(Rules.FORK_STORM).threshold);
        assertEquals(1000, r.get(Rules.FORK_STORM).windowMs, "the rest stays default");
        assertFalse(r.enabled(Rules.FD_BURST));
        assertEquals(30_000, r.idlenessMs);
    }

    @Test
    void aBadRuleIsAnErrorNamingIt() {
        assertError("unknown detector 'fork_strom'", "fork_strom:\n  threshold: 1\n");
        assertError("fork_storm.treshold: unknown key (known: enabled, threshold, window, cooldown)",
                "fork_storm:\n  treshold: 1\n");
        assertError("fork_storm.window: '1 sec' is not a duration", "fork_storm:\n  window: 1 sec\n");
        assertError("fd_burst.threshold: 'many' is not a number", "fd_burst:\n  threshold: many\n");
        assertError("fd_burst.enabled: 'yes please' is not true or false", "fd_burst:\n  enabled: yes please\n");
        assertError("multiples of fork_storm.window", "sustained_fork_rate:\n  slide: 1500ms\n");
        assertError("not valid YAML", "fork_storm: [\n");
    }

    static void assertError(String expected, String yaml) {
        RulesException e = assertThrows(RulesException.class, () -> RulesParser.parse(yaml, "r.yaml", Rules.defaults()));
        assertTrue(e.getMessage().startsWith("r.yaml: ") && e.getMessage().contains(expected), e.getMessage());
    }
}
