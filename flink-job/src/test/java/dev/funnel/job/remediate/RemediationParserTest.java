package dev.funnel.job.remediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.Detectors;
import dev.funnel.job.rules.RulesException;
import org.junit.jupiter.api.Test;

/** The remediation section: safe defaults, modes, what a file may change, and errors that name the key. */
class RemediationParserTest {
    static Remediation parse(String yaml) {
        return Detectors.parse(yaml, "r.yaml").remediation;
    }

    static String error(String yaml) {
        return assertThrows(RulesException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void everyShippedRuleIsDryRun() {
        Remediation r = Detectors.defaultRules().remediation;
        assertTrue(r.actions().values().stream().noneMatch(RuleAction::enforce), r.actions().toString());
        assertEquals(Action.KILL, r.forDetector("fork_storm").action());
        assertTrue(r.protect().exe().contains("/usr/sbin/sshd"));
    }

    @Test
    void aRulesOwnModeWinsOverTheSections() {
        Remediation r = parse("remediation: {mode: enforce, actions: {high_cpu: {action: throttle, mode: dry-run}}}");
        assertTrue(r.forDetector("fork_storm").enforce());
        assertFalse(r.forDetector("high_cpu").enforce());
    }

    @Test
    void aFileAddsProtectionsAndCannotRemoveTheShippedOnes() {
        Remediation r = parse("remediation: {protect: {exe: [/opt/app/bin/keep], uid: [0]}}");
        assertTrue(r.protect().exe().contains("/opt/app/bin/keep"));
        assertTrue(r.protect().exe().contains("/usr/sbin/sshd"), "still there");
        assertEquals("protected uid 0", r.protect().why(50, 10, "/usr/bin/x", null, 0, null));
    }

    @Test
    void theShippedEnforcingExampleParsesAndEnforcesOnlyWhatItSays() throws Exception {
        String yaml = java.nio.file.Files.readString(java.nio.file.Path.of("../deploy/rules/remediate.yaml"));
        Remediation r = parse(yaml);
        assertEquals(new RuleAction(Action.KILL, true), r.forDetector("fork_storm"));
        assertEquals(new RuleAction(Action.FREEZE, true), r.forDetector("fork_bomb"));
        assertFalse(r.forDetector("high_cpu").enforce());
    }

    @Test
    void errorsNameTheKey() {
        assertTrue(error("remediation: {actions: {fork_storm: explode}}")
                .contains("remediation.actions.fork_storm: 'explode' is not an action"));
        assertTrue(error("remediation: {actions: {fork_strom: kill}}")
                .contains("remediation.actions.fork_strom: no such detector"));
        assertTrue(error("remediation: {actions: {lost_visibility: kill}}")
                .contains("remediation.actions.lost_visibility: 'kill' needs a process"));
        assertTrue(error("remediation: {mode: yolo}").contains("remediation.mode: 'yolo' is not dry-run or enforce"));
        assertTrue(error("remediation: {ttl: 0s}").contains("remediation.ttl: must be greater than 0"));
        assertTrue(error("remediation: {protect: {cgroup: [system.slice]}}").contains("remediation.protect.cgroup"));
        assertTrue(error("remediation: {kill_everything: true}").contains("remediation.kill_everything: unknown key"));
    }
}
