package dev.funnel.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.Alert;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a person and a machine read from `funnel alerts`, and how bad options are reported. */
class AlertFormatTest {
    static Alert storm() {
        long windowStart = 1_795_000_000_000_000_000L; // a whole second
        return Alert.newBuilder().setAlertId("fork_storm/h/1/0").setDetector("fork_storm")
                .setSummary("PID 1234 (/usr/bin/worker) forked 57 times in 1 s (threshold 50), parent 42, host web-1")
                .setHost("web-1").setBootId("b").setPid(1234).setProcessStartNs(1).setComm("worker")
                .setExe("/usr/bin/worker").setCmdline("/usr/bin/worker --jobs 8").setPpid(42).setUid(0)
                .setCgroupPath("/system.slice/worker.service").setContainerId(null).setObserved(57).setThreshold(50)
                .setUnit("forks").setWindowStartNs(windowStart).setWindowEndNs(windowStart + 1_000_000_000L)
                .setLostEventsInWindow(0).setFirstEventNs(windowStart + 5_000_000L).setAttributes(Map.of()).build();
    }

    @Test
    void humanLinesLeadWithTheSummaryAndIndentTheContext() {
        String[] lines = AlertFormat.human(storm()).split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].matches("\\d\\d:\\d\\d:\\d\\d\\.000 fork_storm web-1  PID 1234 \\(/usr/bin/worker\\) forked 57 times.*"),
                lines[0]);
        assertTrue(lines[1].matches("    window \\d\\d:\\d\\d:\\d\\d\\.000-\\d\\d:\\d\\d:\\d\\d\\.000, observed 57 forks"
                + " \\(threshold 50\\), lost events in window 0"), lines[1]);
        assertEquals("    cgroup /system.slice/worker.service", lines[2]);
        assertEquals("    cmdline /usr/bin/worker --jobs 8", lines[3]);
    }

    @Test
    void anAlertSaysItsActionAndAnOutcomeLineSaysWhatCameOfIt() {
        Alert a = storm();
        a.setAttributes(Map.of("action", "kill", "action_decision", "dry_run",
                "action_reason", "would kill pid 1234 (/usr/bin/worker); mode is dry-run"));
        String[] lines = AlertFormat.human(a).split("\n");
        assertEquals("    action kill: dry_run (would kill pid 1234 (/usr/bin/worker); mode is dry-run)", lines[lines.length - 1]);
        ActionOutcome o = new ActionOutcome("act/fork_storm/h/1/0", "fork_storm/h/1/0", "web-1", 1234, "kill", "verified",
                0, "exited 9 ms after the signal", a.getWindowEndNs(), 3_948L);
        assertTrue(AlertFormat.outcome(o).matches("\\d\\d:\\d\\d:\\d\\d\\.000 action act/fork_storm/h/1/0 kill pid 1234 on web-1:"
                + " verified, exited 9 ms after the signal \\(3,948 ms since the incident began\\)"), AlertFormat.outcome(o));
    }

    @Test
    void jsonIsOneLineWithPlainFields() {
        String json = AlertFormat.json(storm());
        assertTrue(!json.contains("\n") && json.startsWith("{\"alert_id\":\"fork_storm/h/1/0\""), json);
        assertTrue(json.contains("\"exe\":\"/usr/bin/worker\"") && json.contains("\"observed\":57.0"), json);
        assertTrue(!json.contains("container_id"), "absent context is left out, not null: " + json);
    }

    @Test
    void aBadOptionSaysWhichAndExitsWith2() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream e = new java.io.PrintStream(err, true);
        assertEquals(2, AlertsMain.run(new String[] {"--topik", "x"}, System.out, e));
        assertTrue(err.toString().contains("Unknown options: '--topik'"), err.toString());
        err.reset();
        assertEquals(2, AlertsMain.run(new String[] {"--topic"}, System.out, e));
        assertTrue(err.toString().contains("Missing required parameter for option '--topic'"), err.toString());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(0, AlertsMain.run(new String[] {"--help"}, new java.io.PrintStream(out, true), e));
        assertTrue(out.toString().contains("--from-beginning"), out.toString());
        assertEquals("localhost:9092", AlertsMain.parse().bootstrapServers(), "the demo's broker by default");
    }
}
