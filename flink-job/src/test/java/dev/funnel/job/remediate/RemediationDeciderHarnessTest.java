package dev.funnel.job.remediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.job.detect.Detectors;
import dev.funnel.job.model.ActionRecord;
import dev.funnel.job.model.AlertRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The remediation decision on the operator itself, with the shipped rules plus a line of YAML:
 * dry-run by default, protection before everything, the host's rate limit and the disarmer on
 * event time, approval, and the ledger kept across a restore.
 */
class RemediationDeciderHarnessTest {
    static final long WALL_MS = 1_700_000_000_000L;

    static KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> harness(String yaml) throws Exception {
        Remediation policy = Detectors.parse(yaml, "test.yaml").remediation;
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RemediationDecider(policy, () -> WALL_MS)), a -> a.host, Types.STRING);
    }

    static AlertRecord alert(String detector, int pid, String exe, long windowEndMs) {
        AlertRecord a = new AlertRecord();
        a.alertId = detector + "/h/" + pid + "/" + windowEndMs;
        a.detector = detector;
        a.host = "h";
        a.bootId = "boot";
        a.pid = pid;
        a.ppid = 100;
        a.startBootNs = 5_000_000_000L;
        a.exe = exe;
        a.comm = "w";
        a.uid = 1000;
        a.cgroupPath = "/user.slice/user-1000.slice/session-3.scope";
        a.windowEndNs = windowEndMs * 1_000_000L;
        a.firstEventNs = (windowEndMs - 1000) * 1_000_000L;
        return a;
    }

    static List<ActionRecord> actions(KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> h) {
        return h.getSideOutput(RemediationDecider.ACTIONS).stream().map(StreamRecord::getValue).toList();
    }

    static List<String> decisions(KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> h) {
        return actions(h).stream().map(a -> a.decision).toList();
    }

    @Test
    void theShippedRulesOnlySayWhatTheyWouldDo() throws Exception {
        var h = harness("");
        h.open();
        h.processElement(new StreamRecord<>(alert("fork_storm", 4242, "/usr/bin/stress-ng", 10_000)));
        ActionRecord a = actions(h).get(0);
        assertEquals("kill", a.action);
        assertEquals("dry_run", a.decision);
        assertTrue(a.reason.startsWith("would kill pid 4242 (/usr/bin/stress-ng)"), a.reason);
        assertEquals("act/" + a.alertId, a.actionId);
        assertEquals(5_000_000_000L, a.startBootNs, "the identity travels with it");
        assertEquals((WALL_MS + 30_000) * 1_000_000L, a.expiresNs, "ttl 30s from the decision");
        AlertRecord out = h.extractOutputValues().get(0);
        assertEquals("dry_run", out.attributes.get("action_decision"), "the alert says what was decided");
        h.processElement(new StreamRecord<>(alert("slow_requests", 7, "/usr/bin/redis-server", 10_000)));
        assertEquals(1, actions(h).size(), "an action of none leaves no record");
        assertEquals(2, h.extractOutputValues().size(), "but its alert goes through");
        h.close();
    }

    @Test
    void protectedProcessesAreNeverTouchedWhateverTheRuleSays() throws Exception {
        var h = harness("remediation: {mode: enforce}");
        h.open();
        h.processElement(new StreamRecord<>(alert("fork_storm", 900, "/usr/sbin/sshd", 1_000)));
        h.processElement(new StreamRecord<>(alert("fork_storm", 1, "/usr/lib/systemd/systemd", 2_000)));
        AlertRecord kthread = alert("fork_storm", 77, null, 3_000);
        kthread.ppid = 2;
        h.processElement(new StreamRecord<>(kthread));
        AlertRecord flink = alert("fork_storm", 78, "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", 4_000);
        flink.cmdline = "java -cp flink.jar org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
        h.processElement(new StreamRecord<>(flink));
        AlertRecord ssh = alert("fork_storm", 79, "/usr/bin/bash", 5_000);
        ssh.cgroupPath = "/system.slice/ssh.service";
        h.processElement(new StreamRecord<>(ssh));
        assertEquals(List.of("protected", "protected", "protected", "protected", "protected"), decisions(h));
        assertTrue(actions(h).get(0).reason.contains("protected executable /usr/sbin/sshd"), actions(h).get(0).reason);
        assertTrue(actions(h).get(2).reason.contains("kernel thread"));
        h.processElement(new StreamRecord<>(alert("fork_storm", 80, "/usr/bin/stress-ng", 6_000)));
        assertEquals("act", decisions(h).get(5), "and an unprotected one is acted on");
        h.close();
    }

    @Test
    void theHostsRateLimitHoldsWithinItsWindowAndLapsesAfter() throws Exception {
        var h = harness("remediation: {rate_limit: 2, rate_window: 1m}");
        h.open();
        for (int i = 0; i < 3; i++) {
            h.processElement(new StreamRecord<>(alert("fork_storm", 100 + i, "/usr/bin/stress-ng", 10_000 + i * 1000)));
        }
        assertEquals(List.of("dry_run", "dry_run", "rate_limited"), decisions(h));
        h.processElement(new StreamRecord<>(alert("fork_storm", 200, "/usr/bin/stress-ng", 71_000)));
        assertEquals("dry_run", decisions(h).get(3), "a minute after the first two, room again");
        h.close();
    }

    @Test
    void aRuleHittingManyExecutablesDisarmsAndSaysSo() throws Exception {
        var h = harness("remediation: {disarm_after: 3, disarm_window: 1m, disarm_for: 10m, rate_limit: 100}");
        h.open();
        for (int i = 0; i < 4; i++) {
            h.processElement(new StreamRecord<>(alert("fork_storm", 100 + i, "/usr/bin/tool" + i, 10_000 + i * 1000)));
        }
        h.processElement(new StreamRecord<>(alert("fork_storm", 300, "/usr/bin/tool0", 20_000)));
        h.processElement(new StreamRecord<>(alert("high_cpu", 301, "/usr/bin/tool9", 21_000)));
        assertEquals(List.of("dry_run", "dry_run", "dry_run", "disarmed", "disarmed", "dry_run"), decisions(h),
                "the fourth executable trips it; it stays disarmed even for a known one; other rules go on");
        assertTrue(actions(h).get(3).reason.contains("4 distinct executables"), actions(h).get(3).reason);
        h.processElement(new StreamRecord<>(alert("fork_storm", 400, "/usr/bin/tool0", 14_000 + 600_000)));
        assertEquals("dry_run", decisions(h).get(6), "re-armed after disarm_for");
        h.close();
    }

    @Test
    void withApprovalAnEnforcedActionWaitsForItsApprovalTtl() throws Exception {
        var h = harness("remediation: {approval: true, approval_ttl: 5m, actions: {fork_storm: {action: kill_group, mode: enforce}}}");
        h.open();
        h.processElement(new StreamRecord<>(alert("fork_storm", 100, "/usr/bin/stress-ng", 10_000)));
        ActionRecord a = actions(h).get(0);
        assertEquals("pending_approval", a.decision);
        assertEquals("kill_group", a.action);
        assertEquals((WALL_MS + 300_000) * 1_000_000L, a.expiresNs);
        h.close();
    }

    @Test
    void theLedgerSurvivesARestore() throws Exception {
        var h = harness("remediation: {rate_limit: 1}");
        h.open();
        h.processElement(new StreamRecord<>(alert("fork_storm", 100, "/usr/bin/stress-ng", 10_000)));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored = harness("remediation: {rate_limit: 1}");
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new StreamRecord<>(alert("fork_storm", 101, "/usr/bin/stress-ng", 12_000)));
        assertEquals(List.of("rate_limited"), decisions(restored), "the action before the restore still counts");
        restored.close();
    }
}
