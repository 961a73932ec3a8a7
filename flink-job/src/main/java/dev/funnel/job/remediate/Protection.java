package dev.funnel.job.remediate;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * Processes no rule may touch, whatever it says. Always: PID 1 and below, kernel threads (children
 * of kthreadd, PID 2) and host-wide alerts (PID 0). Then, from rules.yaml: executables by exact
 * path, cgroups by path (the cgroup or anything under it), uids, and command-line substrings (the
 * JVMs of Flink, Kafka and the collector, whose exe is just java). The collector repeats these
 * checks on the host and adds itself and its ancestors.
 */
public record Protection(Set<String> exe, List<String> cgroup, Set<Integer> uid, List<String> cmdline)
        implements Serializable {
    public static final int KTHREADD = 2;

    /** Why the target is protected, or null when it is not. */
    public String why(int pid, int ppid, String exePath, String cgroupPath, int targetUid, String cmd) {
        if (pid <= 1) {
            return pid == 1 ? "PID 1 (init)" : "no process (a host-wide alert)";
        }
        if (pid == KTHREADD || ppid == KTHREADD) {
            return "a kernel thread";
        }
        if (exePath != null && exe.contains(exePath)) {
            return "protected executable " + exePath;
        }
        if (cgroupPath != null) {
            for (String c : cgroup) {
                if (cgroupPath.equals(c) || cgroupPath.startsWith(c.endsWith("/") ? c : c + "/")) {
                    return "protected cgroup " + c;
                }
            }
        }
        if (uid.contains(targetUid)) {
            return "protected uid " + targetUid;
        }
        if (cmd != null) {
            for (String c : cmdline) {
                if (cmd.contains(c)) {
                    return "protected command line (" + c + ")";
                }
            }
        }
        return null;
    }
}
