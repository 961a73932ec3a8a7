package dev.funnel.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.Detector;
import dev.funnel.job.detect.Detectors;
import dev.funnel.job.detect.FdBurst;
import dev.funnel.job.detect.ForkStorm;
import dev.funnel.job.detect.ShortLivedFlood;
import dev.funnel.job.detect.SlowRequests;
import dev.funnel.job.detect.SustainedForkRate;
import dev.funnel.job.rules.Rules;
import dev.funnel.job.rules.RulesException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detectors' sections of rules.yaml: the shipped defaults, overrides, and checks across sections. */
class DetectorRulesTest {
    @Test
    void everyDetectorHasItsSectionInTheDefaultsAndEverySectionADetector() {
        Rules r = Detectors.defaultRules(); // fails if a detector's key has no default, or a section no detector
        Set<String> names = new HashSet<>();
        for (Detector d : Detectors.ALL) {
            assertTrue(names.add(d.name()), "one detector per section: " + d.name());
            assertTrue(r.enabled(d.name()) != d.name().equals(FdBurst.NAME),
                    d.name() + " is on by default, fd_burst off (its rate alone raised false alerts)");
        }
        names.add(Detectors.INCIDENTS); // the job's own section besides watermarks
        assertEquals(names, r.sections());
    }

    @Test
    void theBuiltInDefaultsAreTheDocumentedThresholds() {
        Rules r = Detectors.defaultRules();
        assertEquals(200, r.get(ForkStorm.NAME).threshold());
        assertEquals(1000, r.get(ForkStorm.NAME).windowMs());
        assertEquals(5_000, r.get(SustainedForkRate.NAME).windowMs());
        assertEquals(50, r.get(SustainedForkRate.NAME).threshold());
        assertEquals(1000, r.get(SustainedForkRate.NAME).durationMs("slide"));
        assertEquals(2000, r.get(ShortLivedFlood.NAME).durationMs("within"));
        assertEquals(500, r.get(SlowRequests.NAME).durationMs("threshold"));
        assertEquals(1000, r.outOfOrdernessMs);
        assertEquals(5000, r.idlenessMs);
    }

    @Test
    void aFileOverridesOnlyWhatItSays(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rules.yaml");
        Files.writeString(f, "fork_storm:\n  threshold: 200\nfd_burst:\n  enabled: false\nwatermarks:\n  idleness: 30s\n");
        Rules r = Detectors.rules(f.toString());
        assertEquals(200, r.get(ForkStorm.NAME).threshold());
        assertEquals(1000, r.get(ForkStorm.NAME).windowMs(), "the rest stays default");
        assertFalse(r.enabled(FdBurst.NAME));
        assertEquals(30_000, r.idlenessMs);
    }

    @Test
    void rulesThatCannotWorkTogetherAreAnError() {
        assertTrue(assertThrows(RulesException.class, () -> Detectors.parse("sustained_fork_rate:\n  slide: 1500ms\n", "r.yaml"))
                .getMessage().contains("multiples of fork_storm.window"));
        assertTrue(assertThrows(RulesException.class, () -> Detectors.parse("fork_strom:\n  threshold: 1\n", "r.yaml"))
                .getMessage().contains("unknown section 'fork_strom'"));
    }
}
