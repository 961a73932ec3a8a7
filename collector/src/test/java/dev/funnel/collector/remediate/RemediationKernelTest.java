package dev.funnel.collector.remediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.Capabilities;
import dev.funnel.collector.enrich.CgroupResolver;
import dev.funnel.collector.enrich.HostInfo;
import dev.funnel.collector.enrich.ProcFs;
import dev.funnel.collector.kernel.KernelTests;
import dev.funnel.schema.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor against real processes of this kernel: a kill lands on the alerted process and
 * its exit is verified through the pidfd; a PID reused between alert and action (forced through
 * ns_last_pid) is left alone; dry-run, expired and protected actions touch nothing; freeze
 * leaves a container cgroup frozen as cgroup.events says; a group kill stops a real fork storm.
 * Needs root (CAP_KILL, CAP_SYS_ADMIN for ns_last_pid, a writable cgroup2 tree).
 */
class RemediationKernelTest {
    static final ProcFs PROC = ProcFs.system();
    final List<Process> started = new ArrayList<>();
    Path testCgroup;

    @BeforeEach
    void requireRoot() {
        KernelTests.requireRoot();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
        if (testCgroup != null && Files.isDirectory(testCgroup)) {
            Files.writeString(testCgroup.resolve("cgroup.freeze"), "0");
            Files.writeString(testCgroup.resolve("cgroup.kill"), "1");
            for (int i = 0; i < 100 && !Files.readString(testCgroup.resolve("cgroup.procs")).isBlank(); i++) {
                Thread.sleep(20);
            }
            Files.delete(testCgroup);
        }
    }

    static ActionExecutor executor() {
        return executor(Capabilities.current(), Set.of());
    }

    static ActionExecutor executor(Capabilities caps, Set<String> protectedExe) {
        ActionExecutor.HostView real = ActionExecutor.HostView.system(bootId(), cgroup2());
        ActionExecutor.HostView host = new ActionExecutor.HostView(real.bootId(), real.proc(), real.cgroupRoot(), caps,
                real.selfUid(), real.selfAndAncestors(), real.ownGroups());
        return new ActionExecutor(host, protectedExe, List.of("org.apache.flink.runtime"),
                () -> System.currentTimeMillis() * 1_000_000L);
    }

    static String bootId() {
        return HostInfo.current().bootId();
    }

    static Path cgroup2() {
        return CgroupResolver.cgroup2Mount();
    }

    Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    /** `sleep 300` alone in a new cgroup (a container's, as far as the executor knows); @AfterEach removes both. */
    Process sleeperInTestCgroup(String what) throws Exception {
        testCgroup = cgroup2().resolve("funnel-remediation-" + what + "-" + ProcessHandle.current().pid());
        Files.createDirectories(testCgroup);
        Process inside = start("sh", "-c", "echo $$ > " + testCgroup.resolve("cgroup.procs") + "; exec sleep 300");
        KernelTests.await(() -> "sleep".equals(PROC.comm((int) inside.pid())), 5_000);
        return inside;
    }

    /** An action as the job would send it for pid, with the identity /proc gives now. */
    static Action action(int pid, String action, String decision) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return Action.newBuilder().setActionId("act/test/" + pid).setAlertId("test/" + pid).setDetector("fork_storm")
                .setHost("h").setBootId(bootId()).setPid(pid).setStartBootNs(PROC.startTicks(pid) * ProcFs.NS_PER_TICK)
                .setExe(PROC.exe(pid)).setComm(PROC.comm(pid)).setUid(0).setCgroupPath(PROC.cgroupPath(pid))
                .setContainerId(null).setAction(action).setDecision(decision).setReason("test").setIssuedNs(now)
                .setExpiresNs(now + 30_000_000_000L).setThrottleCpu(0.2).setFirstEventNs(now).build();
    }

    static List<String> outcomes(List<Outcome> out) {
        return out.stream().map(Outcome::outcome).toList();
    }

    @Test
    void aKillLandsOnTheAlertedProcessAndItsExitIsVerified() throws Exception {
        Process sleeper = start("sleep", "300");
        List<Outcome> out = executor().execute(action((int) sleeper.pid(), "kill", "act"));
        assertEquals(List.of("done", "verified"), outcomes(out), out.toString());
        assertTrue(sleeper.waitFor(2, java.util.concurrent.TimeUnit.SECONDS), "gone (reaped by its parent, this JVM)");
        assertEquals(128 + 9, sleeper.exitValue(), "by SIGKILL");
    }

    @Test
    void aReusedPidIsNeverTouched() throws Exception {
        Process first = start("sleep", "300");
        int pid = (int) first.pid();
        Action late = action(pid, "kill", "act");
        first.destroyForcibly();
        first.waitFor();
        Thread.sleep(30); // the next holder starts at least 3 ticks later
        Process second = reuse(pid);
        List<Outcome> out = executor().execute(late);
        assertEquals(List.of("identity_mismatch"), outcomes(out), out.toString());
        assertTrue(out.get(0).detail().contains("PID was reused"), out.get(0).detail());
        assertTrue(second.isAlive(), "the process that holds the number now is untouched");
    }

    /** Starts `sleep 300` as pid, through ns_last_pid (the checkpoint/restore knob); retries as other tasks race for it. */
    Process reuse(int pid) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), Integer.toString(pid - 1));
            Process p = start("sleep", "300");
            if (p.pid() == pid) {
                return p;
            }
            p.destroyForcibly();
            p.waitFor();
        }
        throw new AssertionError("pid " + pid + " never came back in 200 tries");
    }

    @Test
    void onlyActApprovedAndDryRunDecisionsReachTheHost() {
        assertTrue(ActionExecutor.handles(action(1, "kill", "act")));
        assertTrue(ActionExecutor.handles(action(1, "kill", "approved")));
        assertTrue(ActionExecutor.handles(action(1, "freeze", "dry_run")));
        for (String d : List.of("pending_approval", "rejected", "protected", "rate_limited", "disarmed", "notify")) {
            assertFalse(ActionExecutor.handles(action(1, "kill", d)), d);
        }
        assertFalse(ActionExecutor.handles(action(1, "notify", "act")), "notify runs nothing on the host");
    }

    @Test
    void dryRunAndExpiredActionsTouchNothing() throws Exception {
        Process sleeper = start("sleep", "300");
        List<Outcome> dry = executor().execute(action((int) sleeper.pid(), "kill", "dry_run"));
        assertEquals(List.of("dry_run"), outcomes(dry));
        assertTrue(dry.get(0).detail().startsWith("would kill pid " + sleeper.pid()), dry.get(0).detail());
        Action old = action((int) sleeper.pid(), "kill", "act");
        old.setExpiresNs(System.currentTimeMillis() * 1_000_000L - 1);
        assertEquals(List.of("expired"), outcomes(executor().execute(old)));
        Thread.sleep(100);
        assertTrue(sleeper.isAlive());
    }

    @Test
    void protectedProcessesAreNeverTouchedWhateverTheActionSays() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        assertEquals(List.of("protected"), outcomes(executor().execute(action(self, "kill", "act"))), "the collector");
        int parent = (int) ProcessHandle.current().parent().orElseThrow().pid();
        assertEquals(List.of("protected"), outcomes(executor().execute(action(parent, "kill", "act"))), "its parent");
        assertEquals(List.of("protected"), outcomes(executor().execute(action(1, "kill", "act"))), "init");
        assertEquals(List.of("protected"), outcomes(executor().execute(action(2, "kill", "act"))), "kthreadd");
        Process sleeper = start("sleep", "300");
        List<Outcome> byExe = executor(Capabilities.current(), Set.of(PROC.exe((int) sleeper.pid())))
                .execute(action((int) sleeper.pid(), "kill", "act"));
        assertEquals(List.of("protected"), outcomes(byExe), byExe.toString());
        List<Outcome> ownGroup = executor().execute(action((int) sleeper.pid(), "kill_group", "act"));
        assertEquals(List.of("protected"), outcomes(ownGroup), "its group is the collector's: " + ownGroup);
        assertTrue(sleeper.isAlive());
        assertTrue(ProcessHandle.of(parent).isPresent());
    }

    /**
     * The executor in a JVM of its own as uid 65534 with only the given capabilities (setpriv, as
     * a unit's AmbientCapabilities hands them over), told to kill a root process. No injected
     * capability set: the child reads its real CapEff, and the kernel has the last word.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "'',               refused|1|missing CAP_KILL",
            "kill,             refused|13|missing CAP_SYS_PTRACE",
            "'kill,sys_ptrace', done|0|SIGKILL"})
    void asAnotherUserItActsOnlyWithTheCapabilitiesTheUnitGrants(String caps, String expected) throws Exception {
        KernelTests.requireCommand("setpriv");
        Process target = start("sleep", "300");
        int pid = (int) target.pid();
        String set = "-all" + (caps.isEmpty() ? "" : ",+" + caps.replace(",", ",+"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=" + set, "--bounding-set=" + set));
        if (!caps.isEmpty()) {
            cmd.add("--ambient-caps=" + set.substring(5));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=/tmp", "-cp", classPathFor65534(), ExecuteOnce.class.getName(),
                Integer.toString(pid), Long.toString(PROC.startTicks(pid) * ProcFs.NS_PER_TICK), PROC.exe(pid)));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        started.add(child);
        String all = new String(child.getInputStream().readAllBytes()).trim();
        assertEquals(0, child.waitFor(), all);
        // Only ExecuteOnce's outcome lines (SLF4J says it has no binding here).
        String out = String.join("\n", all.lines().filter(l -> l.matches("[a-z_]+\\|.*")).toList());
        assertTrue(out.startsWith(expected), "with caps '" + caps + "': " + all);
        if (expected.startsWith("done")) {
            assertTrue(target.waitFor(2, java.util.concurrent.TimeUnit.SECONDS), "killed with CAP_KILL + CAP_SYS_PTRACE");
        } else {
            assertTrue(target.isAlive(), "untouched without them");
        }
    }

    /**
     * What ExecuteOnce needs, readable by uid 65534: this build's class directories as they are,
     * and the jars it loads (schemas, Avro and what Avro loads) copied out of ~/.m2, which is
     * root's own (/root is 0700).
     */
    static String classPathFor65534() throws IOException {
        Path dir = Files.createTempDirectory("funnel-cp-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cp = new ArrayList<>();
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : all.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                cp.add(entry);
            } else if (name.matches("(funnel-schemas|avro|jackson|slf4j|commons-compress)-.*\\.jar")) {
                Path copy = Files.copy(p, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                copy.toFile().deleteOnExit();
                cp.add(copy.toString());
            }
        }
        dir.toFile().deleteOnExit();
        return String.join(java.io.File.pathSeparator, cp);
    }

    @Test
    void freezeLeavesAContainerCgroupFrozenAndCgroupEventsSaysSo() throws Exception {
        Process inside = sleeperInTestCgroup("freeze");
        int pid = (int) inside.pid();
        Action freeze = action(pid, "freeze", "act");
        freeze.setContainerId("test-container");
        List<Outcome> out = executor().execute(freeze);
        assertEquals(List.of("done", "verified"), outcomes(out), out.toString());
        assertTrue(Files.readString(testCgroup.resolve("cgroup.events")).contains("frozen 1"));
        assertTrue(inside.isAlive(), "frozen, not killed");
    }

    /**
     * Throttle writes the container cgroup's cpu.max. Where the cpu controller is not enabled on
     * the cgroup2 tree (this machine's hybrid hierarchy keeps it on v1) there is no cpu.max: the
     * action is refused and says why, and nothing else is written.
     */
    @Test
    void throttleWritesCpuMaxOrSaysWhyItCannot() throws Exception {
        Process inside = sleeperInTestCgroup("throttle");
        int pid = (int) inside.pid();
        Action throttle = action(pid, "throttle", "act");
        throttle.setContainerId("test-container");
        List<Outcome> out = executor().execute(throttle);
        if (Files.exists(testCgroup.resolve("cpu.max"))) {
            assertEquals(List.of("done", "verified"), outcomes(out), out.toString());
            assertEquals("20000 100000", Files.readString(testCgroup.resolve("cpu.max")).trim(), "0.2 of a CPU");
        } else {
            assertEquals(List.of("refused"), outcomes(out), out.toString());
            assertTrue(out.get(0).detail().contains("cpu controller is not enabled"), out.get(0).detail());
        }
        Action outside = action(pid, "throttle", "act"); // no container: its cgroup may be shared
        assertEquals(List.of("refused"), outcomes(executor().execute(outside)));
        assertTrue(inside.isAlive());
    }

    @Test
    void aGroupKillStopsARealForkStorm() throws Exception {
        KernelTests.requireCommand("stress-ng");
        KernelTests.requireCommand("setsid");
        Process storm = start("setsid", "stress-ng", "--fork", "1", "--timeout", "60");
        int leader = (int) storm.pid();
        KernelTests.await(() -> "stress-ng".equals(PROC.comm(leader)), 5_000);
        long forksBefore = forks();
        Thread.sleep(1_000);
        long rateBefore = forks() - forksBefore;
        long t0 = System.nanoTime();
        List<Outcome> out = executor().execute(action(leader, "kill_group", "act"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of("done", "verified"), outcomes(out), out.toString());
        long forksAfter = forks();
        Thread.sleep(1_000);
        long rateAfter = forks() - forksAfter;
        System.out.printf("fork storm: %d forks/s before, %d after; kill_group to verified exit %d ms%n",
                rateBefore, rateAfter, ms);
        assertTrue(rateBefore > 200, "a storm to stop: " + rateBefore + "/s");
        // The whole group is gone, not only its leader. The host's fork rate is the storm's plus
        // whatever else runs (a build beside the tests: tens a second), so it is only bounded.
        assertEquals(List.of(), groupMembers(leader), "processes left in the storm's group");
        assertTrue(rateAfter < rateBefore / 4, rateAfter + " forks/s after, " + rateBefore + " before");
    }

    /** The PIDs whose process group is pgid (field 5 of /proc/PID/stat, after the comm's ')'). */
    static List<Integer> groupMembers(int pgid) throws IOException {
        List<Integer> members = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : dirs) {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(f[2]) == pgid && !f[0].equals("Z")) {
                        members.add(Integer.parseInt(d.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return members;
    }

    /** Forks since boot, host-wide (the processes line of /proc/stat). */
    static long forks() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("processes ")) {
                return Long.parseLong(line.substring(10).trim());
            }
        }
        throw new IllegalStateException("no processes line in /proc/stat");
    }
}
