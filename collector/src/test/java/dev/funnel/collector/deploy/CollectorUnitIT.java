package dev.funnel.collector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.kernel.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * collector/funnel-collector.service, checked against what it claims: it is a valid unit, it
 * does not run as root, and its command, run as an unprivileged user holding exactly the
 * unit's capabilities (setpriv, the way systemd's AmbientCapabilities hands them over), loads
 * the programs and sees the kernel. Needs the packaged jar: runs in the integration-test phase.
 */
@Timeout(120)
class CollectorUnitIT {
    static final Path ROOT = Path.of(System.getenv().getOrDefault("FUNNEL_BUILD_ROOT", "..")).toAbsolutePath().normalize();
    static final Path UNIT_FILE = ROOT.resolve("collector/funnel-collector.service");
    static final Path JAR = ROOT.resolve("collector/target/funnel-collector.jar");
    static final int NOBODY = 65534;

    @Test
    void theUnitIsValidAndGrantsOnlyTheCapabilitiesItNames() throws Exception {
        SystemdUnit unit = SystemdUnit.parse(UNIT_FILE);
        assertEquals("yes", unit.get("DynamicUser"), "an unprivileged dynamic user, not root");
        assertFalse(unit.service().containsKey("User"), "no fixed (root) user");
        assertEquals("yes", unit.get("NoNewPrivileges"));
        assertEquals(List.of("bpf", "perfmon", "dac_read_search", "sys_ptrace", "syslog"), unit.capabilities("AmbientCapabilities"));
        assertEquals(unit.capabilities("AmbientCapabilities"), unit.capabilities("CapabilityBoundingSet"),
                "nothing in the bounding set beyond what is granted");
        assertFalse(unit.capabilities("AmbientCapabilities").contains("sys_admin"));
        for (String hardening : List.of("ProtectSystem", "PrivateTmp", "PrivateDevices", "ProtectKernelModules",
                "ProtectControlGroups", "RestrictNamespaces")) {
            assertFalse(unit.get(hardening).isEmpty(), hardening);
        }
        Path verifier = Path.of("/usr/bin/systemd-analyze");
        if (Files.isExecutable(verifier)) {
            Process p = new ProcessBuilder(verifier.toString(), "verify", UNIT_FILE.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "systemd-analyze verify: " + out);
            assertEquals("", out.strip(), "systemd-analyze verify has no complaint");
        }
    }

    @Test
    void itsCommandRunsAsNobodyWithOnlyTheUnitsCapabilitiesAndSeesTheKernel(@TempDir Path tmp) throws Exception {
        KernelTests.requireBpf();
        SystemdUnit unit = SystemdUnit.parse(UNIT_FILE);
        Run run = runAsNobody(unit, unit.capabilities("AmbientCapabilities"), tmp, () -> {
            Thread.sleep(2000);
            return KernelTests.runWorkload("forks", "20");
        });
        assertEquals(0, run.exit, run.err);
        assertTrue(run.err.contains("attached") && run.err.contains("total lost: 0 events"), run.err);
        assertTrue(run.err.contains("cpu_profile"), "the CPU sampler attached with CAP_PERFMON alone: " + run.err);
        String java = ProcessHandle.current().info().command().orElseThrow();
        // The workload's exec, its fork records, and its parent (this root-owned JVM) resolved
        // through /proc: reading another user's /proc/PID/exe is what CAP_SYS_PTRACE is for.
        assertTrue(run.out.lines().anyMatch(l -> l.contains("\"type\":\"FORK\"") && l.contains("\"pid\":" + run.workload + ",")
                && l.contains("\"parent\":{\"pid\":" + ProcessHandle.current().pid()) && l.contains("\"exe\":\"" + java + "\"")),
                "fork records of pid " + run.workload + " with the parent's exe " + java + ":\n" + run.out);
    }

    @Test
    void withoutCapPerfmonItRefusesToStartAndNamesTheCapability(@TempDir Path tmp) throws Exception {
        KernelTests.requireBpf();
        SystemdUnit unit = SystemdUnit.parse(UNIT_FILE);
        List<String> caps = new ArrayList<>(unit.capabilities("AmbientCapabilities"));
        caps.remove("perfmon");
        Run run = runAsNobody(unit, caps, tmp, () -> 0L);
        assertEquals(1, run.exit, run.err);
        assertTrue(run.err.contains("missing capability CAP_PERFMON"), run.err);
    }

    interface During {
        long run() throws Exception;
    }

    record Run(int exit, String out, String err, long workload) {}

    /** The unit's ExecStart, jar and config paths pointed at this build, as uid 65534 with caps. */
    static Run runAsNobody(SystemdUnit unit, List<String> caps, Path tmp, During during) throws Exception {
        Path config = tmp.resolve("collector.properties");
        Files.writeString(config, "sink = stdout\nmetrics.port = 0\n");
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String set = "-all," + String.join(",", caps.stream().map(c -> "+" + c).toList());
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--inh-caps=" + set, "--ambient-caps=" + set.substring(5), "--bounding-set=" + set));
        for (String word : unit.execStart()) {
            cmd.add(word.replace("/opt/funnel/funnel-collector.jar", JAR.toString())
                    .replace("/etc/funnel/collector.properties", config.toString()));
        }
        cmd.addAll(List.of("--duration", "5"));
        Path out = tmp.resolve("out.json");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .directory(tmp.toFile()).start();
        try {
            long workload = during.run();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the collector stops after --duration");
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err), workload);
        } finally {
            p.destroyForcibly();
        }
    }
}
