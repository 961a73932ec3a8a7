package dev.funnel.collector.remediate;

import dev.funnel.schema.Action;
import java.util.List;
import java.util.Set;

/**
 * Test helper run in a child JVM with reduced privileges: executes one kill action on the pid in
 * args[0] (identity args[1], exe args[2]) with the executor this process really gets (its own
 * capabilities, uid, ancestors), and prints each outcome as "outcome|errno|detail".
 */
public final class ExecuteOnce {
    private ExecuteOnce() {}

    public static void main(String[] args) {
        long now = System.currentTimeMillis() * 1_000_000L;
        String boot = RemediationKernelTest.bootId();
        Action a = Action.newBuilder().setActionId("act/once").setAlertId("once").setDetector("fork_storm").setHost("h")
                .setBootId(boot).setPid(Integer.parseInt(args[0])).setStartBootNs(Long.parseLong(args[1]))
                .setExe(args[2]).setComm(null).setUid(0).setCgroupPath(null).setContainerId(null).setAction("kill")
                .setDecision("act").setReason("test").setIssuedNs(now).setExpiresNs(now + 30_000_000_000L)
                .setThrottleCpu(0.2).setFirstEventNs(now).build();
        ActionExecutor e = new ActionExecutor(ActionExecutor.HostView.system(boot, null), Set.of(), List.of(),
                () -> System.currentTimeMillis() * 1_000_000L);
        for (Outcome o : e.execute(a)) {
            System.out.println(o.outcome() + "|" + o.errno() + "|" + o.detail());
        }
    }
}
