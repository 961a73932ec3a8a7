package dev.funnel.collector.remediate;

import dev.funnel.collector.bpf.Capabilities;
import dev.funnel.collector.enrich.ProcFs;
import dev.funnel.schema.Action;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Carries out one action on this host, or says exactly why not. The job decided; this side
 * trusts nothing it cannot check itself, in this order:
 * <ol>
 *   <li>the decision is act or approved (dry_run: every check below, then nothing), it has not
 *       expired, and it is for this boot;</li>
 *   <li>the target is not PID 1, the collector or one of its ancestors;</li>
 *   <li>a pidfd is opened on the PID; from then on the handle, not the number, names the process.
 *       /proc is read, then a signal 0 through the handle proves the process read is still the
 *       one the handle holds (had it exited in between, its PID could name another process);</li>
 *   <li>it is not a kernel thread; the collector may signal it (CAP_KILL for another user's
 *       process); its start time (at /proc's 10 ms resolution) and exe match the alert's (an exe it
 *       cannot read, for want of CAP_SYS_PTRACE, is a refusal, never a pass); it is not a
 *       protected executable or command line;</li>
 *   <li>then, and only then: SIGKILL or SIGSTOP through the pidfd, kill(-pgid) for a group whose
 *       leader passed, or a write to the container cgroup's cgroup.freeze or cpu.max.</li>
 * </ol>
 * Then it verifies the effect (the pidfd reports the exit, cgroup.events says frozen, cpu.max
 * reads back) and says so in a second outcome. Threading: one caller thread.
 */
public final class ActionExecutor {
    static final int SIGKILL = 9;
    static final int SIGSTOP = 19;
    /** cpu.max period: the kernel's default, 100 ms. */
    static final long CPU_PERIOD_US = 100_000;
    /** How long the effect may take to show before it counts as not verified. */
    static final int VERIFY_MS = 2_000;

    /** What the host says about itself; tests inject theirs. */
    public record HostView(String bootId, ProcFs proc, Path cgroupRoot, Capabilities caps, int selfUid,
            Set<Integer> selfAndAncestors, Set<Integer> ownGroups) {
        /** This host as the running collector sees it now: its ancestors are fixed for its life. */
        public static HostView system(String bootId, Path cgroupRoot) {
            ProcFs proc = ProcFs.system();
            Set<Integer> chain = new java.util.LinkedHashSet<>();
            Set<Integer> groups = new java.util.LinkedHashSet<>();
            int pid = (int) ProcessHandle.current().pid();
            while (pid > 0 && chain.add(pid)) {
                ProcFs.Stat st = proc.stat(pid);
                if (st == null) {
                    break;
                }
                groups.add(st.pgrp());
                pid = st.ppid();
            }
            return new HostView(bootId, proc, cgroupRoot, Capabilities.current(),
                    proc.uid((int) ProcessHandle.current().pid()), Set.copyOf(chain), Set.copyOf(groups));
        }
    }

    private final HostView host;
    private final Set<String> protectedExe;
    private final List<String> protectedCmdline;
    private final LongSupplier wallNs;

    public ActionExecutor(HostView host, Set<String> protectedExe, List<String> protectedCmdline, LongSupplier wallNs) {
        if (!NativeProcess.isAvailable()) {
            throw new IllegalStateException("remediation needs libfunnelproc: " + NativeProcess.unavailabilityCause());
        }
        this.host = host;
        this.protectedExe = protectedExe;
        this.protectedCmdline = protectedCmdline;
        this.wallNs = wallNs;
    }

    /** Whether this action is for the collector to handle at all (act, approved, dry_run of a host action). */
    public static boolean handles(Action a) {
        String d = a.getDecision();
        return (d.equals("act") || d.equals("approved") || d.equals("dry_run")) && touchesHost(a.getAction());
    }

    static boolean touchesHost(String action) {
        return switch (action) {
            case "kill", "kill_group", "freeze", "throttle" -> true;
            default -> false;
        };
    }

    /** The outcomes of one action, in order: the attempt, then (when it acted) its verification. */
    public List<Outcome> execute(Action a) {
        List<Outcome> out = new ArrayList<>();
        boolean dryRun = a.getDecision().equals("dry_run");
        if (wallNs.getAsLong() > a.getExpiresNs()) {
            out.add(outcome("expired", 0, "decided " + (wallNs.getAsLong() - a.getIssuedNs()) / 1_000_000
                    + " ms ago, past its ttl: a late action may hit a process that has changed"));
            return out;
        }
        if (!a.getBootId().equals(host.bootId())) {
            out.add(outcome("target_gone", 0, "the host rebooted since the alert (boot " + a.getBootId() + ")"));
            return out;
        }
        int pid = a.getPid();
        if (pid <= 1 || host.selfAndAncestors().contains(pid)) {
            out.add(outcome("protected", 0, pid <= 1 ? "PID " + pid + " is never touched"
                    : "pid " + pid + " is the collector or one of its ancestors"));
            return out;
        }
        int[] errno = new int[1];
        try (Pidfd handle = Pidfd.open(pid, errno)) {
            if (handle == null) {
                out.add(errno[0] == Errno.ESRCH ? outcome("target_gone", 0, "pid " + pid + " has exited")
                        : outcome("failed", errno[0], "pidfd_open(" + pid + "): " + Errno.name(errno[0])));
                return out;
            }
            Outcome refused = check(a, handle);
            if (refused != null) {
                out.add(refused);
                return out;
            }
            String what = a.getAction() + " pid " + pid + " (" + a.getExe() + ")";
            if (dryRun) {
                out.add(outcome("dry_run", 0, "would " + what + ": identity checked (start time, exe), mode is dry-run"));
                return out;
            }
            out.addAll(act(a, handle));
        }
        return out;
    }

    /** Null when the handle's process is the alert's and may be touched; else why not. */
    private Outcome check(Action a, Pidfd handle) {
        int pid = a.getPid();
        ProcFs.Stat stat = host.proc().stat(pid);
        String exe = host.proc().exe(pid);
        String cmdline = host.proc().cmdline(pid);
        int uid = host.proc().uid(pid);
        int alive = handle.signal(0);
        if (alive == Errno.ESRCH || stat == null) {
            return outcome("target_gone", 0, "pid " + pid + " exited while being checked");
        }
        if (stat.kernelThread()) {
            return outcome("protected", 0, "pid " + pid + " is a kernel thread");
        }
        boolean signals = !a.getAction().equals("throttle") && !(a.getAction().equals("freeze") && a.getContainerId() != null);
        boolean othersProcess = uid != host.selfUid();
        if (signals && othersProcess && !host.caps().has(Capabilities.CAP_KILL)) {
            return outcome("refused", Errno.EPERM, "missing CAP_KILL: pid " + pid + " runs as uid " + uid
                    + ", the collector as uid " + host.selfUid() + " (AmbientCapabilities=CAP_KILL in the unit)");
        }
        long expectedTicks = a.getStartBootNs() / ProcFs.NS_PER_TICK;
        if (stat.startTicks() != expectedTicks) {
            return outcome("identity_mismatch", 0, "pid " + pid + " is another process now: it started at tick "
                    + stat.startTicks() + ", the alert's at tick " + expectedTicks + " (the PID was reused)");
        }
        if (a.getExe() != null && exe == null) {
            if (othersProcess && !host.caps().has(Capabilities.CAP_SYS_PTRACE)) {
                return outcome("refused", Errno.EACCES, "missing CAP_SYS_PTRACE: /proc/" + pid
                        + "/exe of another user's process is unreadable, so its identity cannot be checked");
            }
            return outcome("target_gone", 0, "pid " + pid + " is exiting (its exe is gone)");
        }
        if (a.getExe() != null && !a.getExe().equals(exe)) {
            return outcome("identity_mismatch", 0, "pid " + pid + " runs " + exe + " now, the alert named " + a.getExe());
        }
        if (exe != null && protectedExe.contains(exe)) {
            return outcome("protected", 0, "protected executable " + exe);
        }
        for (String c : protectedCmdline) {
            if (cmdline != null && cmdline.contains(c)) {
                return outcome("protected", 0, "protected command line (" + c + ")");
            }
        }
        if (a.getAction().equals("kill_group") && (stat.pgrp() <= 1 || host.ownGroups().contains(stat.pgrp()))) {
            return outcome("protected", 0, "process group " + stat.pgrp() + " holds the collector or an ancestor");
        }
        return null;
    }

    private List<Outcome> act(Action a, Pidfd handle) {
        int pid = a.getPid();
        long signalledNs = System.nanoTime();
        switch (a.getAction()) {
            case "kill" -> {
                int e = handle.signal(SIGKILL);
                if (e != 0) {
                    return List.of(signalFailure("SIGKILL", pid, e));
                }
                return List.of(outcome("done", 0, "SIGKILL to pid " + pid + " through its pidfd"), awaitExit(handle, signalledNs));
            }
            case "kill_group" -> {
                ProcFs.Stat st = host.proc().stat(pid);
                if (st == null || handle.signal(0) == Errno.ESRCH) {
                    return List.of(outcome("target_gone", 0, "pid " + pid + " exited before its group was signalled"));
                }
                int pgrp = st.pgrp();
                int r = NativeProcess.killGroup(pgrp, SIGKILL);
                if (r < 0) {
                    return List.of(signalFailure("SIGKILL to group " + pgrp, pid, -r));
                }
                return List.of(outcome("done", 0, "SIGKILL to process group " + pgrp + " (leader checked: pid " + pid + ")"),
                        awaitExit(handle, signalledNs));
            }
            case "freeze" -> {
                if (a.getContainerId() == null) {
                    int e = handle.signal(SIGSTOP);
                    if (e != 0) {
                        return List.of(signalFailure("SIGSTOP", pid, e));
                    }
                    return List.of(outcome("done", 0, "SIGSTOP to pid " + pid + " (not in a container: its cgroup is shared)"),
                            awaitStopped(pid));
                }
                return writeCgroup(a, "cgroup.freeze", "1");
            }
            case "throttle" -> {
                if (a.getContainerId() == null) {
                    return List.of(outcome("refused", 0, "pid " + pid + " is not in a container: throttling its cgroup ("
                            + host.proc().cgroupPath(pid) + ") would slow every process sharing it"));
                }
                long quota = Math.max(1_000, Math.round(a.getThrottleCpu() * CPU_PERIOD_US));
                return writeCgroup(a, "cpu.max", quota + " " + CPU_PERIOD_US);
            }
            default -> {
                return List.of(outcome("refused", 0, "unknown action " + a.getAction()));
            }
        }
    }

    private Outcome signalFailure(String signal, int pid, int errno) {
        if (errno == Errno.ESRCH) {
            return outcome("target_gone", 0, "pid " + pid + " exited before " + signal);
        }
        if (errno == Errno.EPERM) {
            return outcome("refused", errno, signal + " to pid " + pid + ": EPERM, missing CAP_KILL");
        }
        return outcome("failed", errno, signal + " to pid " + pid + ": " + Errno.name(errno));
    }

    /** Writes the target's own cgroup's file (its current cgroup: the handle vouches it is the same process). */
    private List<Outcome> writeCgroup(Action a, String file, String value) {
        String cg = host.proc().cgroupPath(a.getPid());
        if (cg == null || cg.equals("/") || host.cgroupRoot() == null) {
            return List.of(outcome("refused", 0, "no cgroup2 tree for pid " + a.getPid()));
        }
        Path dir = host.cgroupRoot().resolve(cg.substring(1));
        Path target = dir.resolve(file);
        if (!Files.exists(target)) { // cgroupfs answers a write to a missing file with EACCES, not ENOENT
            return List.of(outcome("refused", 0, target + " does not exist"
                    + (file.equals("cpu.max") ? ": the cpu controller is not enabled on this cgroup2 tree" : "")));
        }
        try {
            Files.writeString(target, value);
        } catch (AccessDeniedException e) {
            return List.of(outcome("refused", Errno.EACCES, "no write access to " + target
                    + " (the unit needs ReadWritePaths=/sys/fs/cgroup)"));
        } catch (IOException e) {
            return List.of(outcome("failed", 0, "writing " + value + " to " + target + ": " + e.getMessage()));
        }
        Outcome done = outcome("done", 0, "wrote '" + value + "' to " + target);
        return List.of(done, file.equals("cgroup.freeze") ? awaitFrozen(dir) : readBack(target, value));
    }

    private Outcome awaitExit(Pidfd handle, long signalledNs) {
        if (handle.awaitExit(VERIFY_MS)) {
            return outcome("verified", 0, "exited " + (System.nanoTime() - signalledNs) / 1_000_000 + " ms after the signal");
        }
        return outcome("not_verified", 0, "still running " + VERIFY_MS + " ms after the signal");
    }

    private Outcome awaitStopped(int pid) {
        return poll(() -> {
            ProcFs.Stat s = host.proc().stat(pid);
            return s != null && s.state() == 'T';
        }, "pid " + pid + " is stopped (state T)", "pid " + pid + " is not stopped");
    }

    private Outcome awaitFrozen(Path dir) {
        return poll(() -> {
            try {
                return Files.readString(dir.resolve("cgroup.events"), StandardCharsets.UTF_8).contains("frozen 1");
            } catch (IOException e) {
                return false;
            }
        }, dir.resolve("cgroup.events") + " says frozen 1", dir.resolve("cgroup.events") + " does not say frozen");
    }

    private Outcome readBack(Path file, String value) {
        try {
            String now = Files.readString(file).trim();
            return now.equals(value) ? outcome("verified", 0, file + " reads " + now)
                    : outcome("not_verified", 0, file + " reads " + now + ", not " + value);
        } catch (IOException e) {
            return outcome("not_verified", 0, "cannot read back " + file + ": " + e.getMessage());
        }
    }

    private Outcome poll(java.util.function.BooleanSupplier done, String yes, String no) {
        long deadline = System.nanoTime() + VERIFY_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return outcome("verified", 0, yes);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return outcome("not_verified", 0, no + " after " + VERIFY_MS + " ms");
    }

    private Outcome outcome(String outcome, int errno, String detail) {
        return new Outcome(outcome, errno, detail, wallNs.getAsLong());
    }
}
