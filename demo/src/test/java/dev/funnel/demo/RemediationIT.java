package dev.funnel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.alerts.AlertFormat;
import dev.funnel.alerts.AlertWatch;
import dev.funnel.alerts.JobProgress;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.demo.cli.Progress;
import dev.funnel.demo.local.EmbeddedFunnel;
import dev.funnel.schema.ActionOutcome;
import dev.funnel.schema.AlertAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Remediation end to end, every part real: rules that enforce kill for fork_storm, the job
 * deciding next to the alert, the collector reading its host's action, checking the identity
 * through a pidfd and killing, and the audit topic saying so. A stress-ng fork storm (1,300
 * forks/s here on a fast day, under 200 on a slow one) is stopped; the time from its start to
 * its forker's verified exit is printed and bounded.
 */
@Timeout(420)
class RemediationIT {
    /** Storm start to verified exit: the 1 s window, the 500 ms checkpoint that commits alert and action, the hop. */
    static final long STOPPED_WITHIN_MS = 10_000;
    static final int DISARM_AFTER = 3;
    static EmbeddedFunnel funnel;
    static AlertWatch alerts;
    static OutcomeWatch outcomes;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireBpf();
        KernelTests.requireRoot();
        KernelTests.requireCommand("stress-ng");
        Path work = Files.createTempDirectory("funnel-remediation-");
        Path rules = work.resolve("rules.yaml");
        // A disarmer tighter than the shipped one (5 executables a minute), so a test can trip it.
        // fork_storm's threshold at 100 forks/s (still above the benign peak of 78): stress-ng's
        // fork stressor ran 1,300 forks/s here on a fast day and under 200 on a slow one, where
        // the shipped 200 left the storm to the notify-only detectors. These tests are about what
        // happens once fork_storm heads an alert, on any day.
        Files.writeString(rules, "fork_storm:\n  threshold: 100\n"
                + "remediation:\n  disarm_after: " + DISARM_AFTER + "\n  disarm_window: 10m\n"
                + "  rate_limit: 100\n  actions:\n    fork_storm: {action: kill, mode: enforce}\n");
        funnel = EmbeddedFunnel.start(new EmbeddedFunnel.Settings(0, 0, 0, 0, rules.toString(), "", work),
                new Progress("remediation", System.err));
        alerts = new AlertWatch(funnel.bootstrapServers(), funnel.registryUrl());
        outcomes = new OutcomeWatch(funnel.bootstrapServers(), funnel.registryUrl());
        new JobProgress(funnel.flink().webUrl(), funnel.flink().job().getJobID().toHexString(), funnel.bootstrapServers())
                .awaitEventTime(System.currentTimeMillis(), 60_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (outcomes != null) {
            outcomes.close();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (funnel != null) {
            funnel.close();
        }
    }

    /**
     * Storms from four executables (copies of stress-ng under other names, as a deploy rolling
     * out a new binary everywhere would look): the rule acts on at most DISARM_AFTER distinct
     * executables, then disarms and says so on the next, which is left running.
     */
    @Test
    void aRuleHittingManyExecutablesDisarmsItself() throws Exception {
        Path dir = Files.createTempDirectory("funnel-disarm-");
        List<String> decisions = new java.util.ArrayList<>();
        java.util.Set<String> actedOn = new java.util.HashSet<>();
        for (int i = 1; i <= DISARM_AFTER + 1; i++) {
            Path exe = Files.copy(Path.of("/usr/bin/stress-ng"), dir.resolve("tool" + i));
            long startMs = System.currentTimeMillis();
            // Each in a session of its own: storms in one session within the incident's cooldown are one
            // incident (a fork bomb that stalls and resumes), and would give one alert.
            Process storm = new ProcessBuilder("setsid", exe.toString(), "--fork", "1", "--timeout", "30s")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                AlertWatch.Seen alert = alerts.await(a -> "fork_storm".equals(String.valueOf(a.getDetector()))
                        && exe.toString().equals(String.valueOf(a.getExe())) && a.getFirstEventNs() >= startMs * 1_000_000L,
                        30_000)
                        .orElseThrow(() -> new AssertionError("no alert about " + exe + "; saw " + alerts.all()));
                String decision = alert.alert().getAttributes().get(AlertAttributes.ACTION_DECISION);
                decisions.add(decision);
                if (decision.equals("act")) {
                    actedOn.add(exe.toString());
                } else {
                    System.out.println(AlertFormat.human(alert.alert()));
                }
            } finally {
                storm.destroyForcibly();
                storm.waitFor();
            }
        }
        System.out.println("disarmer: decisions " + decisions);
        // The other test's storm (/usr/bin/stress-ng) may have been acted on within the window too.
        assertTrue(actedOn.size() <= DISARM_AFTER, "acted on " + actedOn);
        assertEquals("disarmed", decisions.get(decisions.size() - 1), "the last executable: " + decisions);
    }

    /**
     * The approval path on the collector's side: a pending kill, answered the way `funnel actions
     * approve` answers it (a copy with decision approved on funnel.actions), is carried out.
     */
    @Test
    void anApprovedActionIsCarriedOut() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            int pid = (int) sleeper.pid();
            dev.funnel.collector.enrich.ProcFs proc = dev.funnel.collector.enrich.ProcFs.system();
            long now = System.currentTimeMillis() * 1_000_000L;
            dev.funnel.schema.Action pending = dev.funnel.schema.Action.newBuilder()
                    .setActionId("act/approval-test/" + pid).setAlertId("approval-test/" + pid).setDetector("fork_storm")
                    .setHost(funnel.collector().host().hostName()).setBootId(funnel.collector().host().bootId())
                    .setPid(pid).setStartBootNs(proc.startTicks(pid) * dev.funnel.collector.enrich.ProcFs.NS_PER_TICK)
                    .setExe(proc.exe(pid)).setComm("sleep").setUid(0).setCgroupPath(null).setContainerId(null)
                    .setAction("kill").setDecision("pending_approval").setReason("test").setIssuedNs(now)
                    .setExpiresNs(now + 600_000_000_000L).setThrottleCpu(0.2).setFirstEventNs(now).build();
            new dev.funnel.alerts.actions.ActionLog(funnel.bootstrapServers(), funnel.registryUrl(),
                    dev.funnel.schema.wire.Topics.ACTIONS).answer(pending, true, "test", 30_000);
            ActionOutcome verified = outcomes.await(o -> o.getActionId().equals(pending.getActionId())
                    && o.getOutcome().equals("verified"), 20_000)
                    .orElseThrow(() -> new AssertionError("the approved kill was not carried out; saw " + outcomes.all()));
            System.out.println(AlertFormat.outcome(verified));
            assertTrue(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "killed");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void anEnforcedKillStopsAForkStorm() throws Exception {
        long startMs = System.currentTimeMillis();
        Process storm = new ProcessBuilder("stress-ng", "--fork", "1", "--timeout", "60s")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // fork_storm's alert: the incident's first one, or an escalation of a notify-only one
            // (short_lived_flood) when the storm ramps up slowly.
            AlertWatch.Seen alert = alerts.await(a -> "fork_storm".equals(String.valueOf(a.getDetector()))
                    && a.getExe() != null && a.getExe().toString().endsWith("/stress-ng")
                    && a.getFirstEventNs() >= startMs * 1_000_000L, 30_000)
                    .orElseThrow(() -> new AssertionError("no alert about the storm in 30 s; saw " + alerts.all()));
            System.out.println(AlertFormat.human(alert.alert()));
            assertEquals("act", String.valueOf(alert.alert().getAttributes().get(AlertAttributes.ACTION_DECISION)),
                    "the alert says what was decided");
            String actionId = "act/" + alert.alert().getAlertId();
            ActionOutcome verified = outcomes.await(o -> o.getActionId().toString().equals(actionId)
                    && o.getOutcome().toString().equals("verified"), 20_000)
                    .orElseThrow(() -> new AssertionError("no verified outcome for " + actionId + "; saw " + outcomes.all()));
            long stormToGone = verified.getAtNs() / 1_000_000L - startMs;
            System.out.println(AlertFormat.outcome(verified));
            System.out.printf("remediation: storm start -> forker gone (verified) %d ms%n", stormToGone);
            List<String> forThis = outcomes.all().stream().filter(o -> o.getActionId().toString().equals(actionId))
                    .map(o -> o.getOutcome().toString()).toList();
            assertEquals(List.of("done", "verified"), forThis, "one kill, then its verification");
            assertTrue(ProcessHandle.of(alert.alert().getPid()).isEmpty(), "the forker is gone");
            assertTrue(stormToGone <= STOPPED_WITHIN_MS, "stopped " + stormToGone + " ms after the storm began");
        } finally {
            storm.destroyForcibly();
            storm.waitFor();
        }
    }
}
