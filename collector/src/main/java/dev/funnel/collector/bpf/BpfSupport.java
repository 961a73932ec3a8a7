package dev.funnel.collector.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether this machine can run Funnel's BPF programs, and if not, exactly what is missing
 * (netty's {@code Epoll.isAvailable()/unavailabilityCause()} pattern). The check runs once:
 * it loads the JNI shim, checks capabilities, BTF and memlock, and mounts tracefs when it is
 * missing and we may mount it.
 */
public final class BpfSupport {
    private static final String CAUSE = check();

    private BpfSupport() {}

    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** What is missing, in words a person can act on; null when available. */
    public static String unavailabilityCause() {
        return CAUSE;
    }

    public static void ensureAvailable() {
        if (CAUSE != null) {
            throw new BpfException("eBPF is not available here: " + CAUSE);
        }
    }

    private static String check() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "Funnel's BPF programs are built for Linux x86_64, this is " + os + "/" + arch;
        }
        try {
            NativeLoader.ensureLoaded();
        } catch (UnsatisfiedLinkError e) {
            return "cannot load the JNI shim: " + e.getMessage();
        }
        Capabilities caps = Capabilities.current();
        String missing = caps.missingForBpf();
        if (missing != null) {
            return "missing capability " + missing
                    + " (run as root, or grant CAP_BPF and CAP_PERFMON, see collector/funnel-collector.service)";
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            return "the kernel has no BTF: /sys/kernel/btf/vmlinux is missing (CONFIG_DEBUG_INFO_BTF=y is needed for CO-RE)";
        }
        if (!Tracefs.mounted()) {
            if (!caps.has(Capabilities.CAP_SYS_ADMIN)) {
                return "tracefs is not mounted and mounting it needs CAP_SYS_ADMIN: "
                        + "mount -t tracefs tracefs /sys/kernel/tracing";
            }
            try {
                Tracefs.mount();
            } catch (BpfException e) {
                return "tracefs is not mounted at " + Tracefs.MOUNT + " and mounting it failed: " + e.getMessage();
            }
        }
        if (!Tracefs.readable()) {
            return "tracefs is mounted but its tracepoint ids are not readable: missing capability CAP_DAC_READ_SEARCH";
        }
        return memlockProblem(caps);
    }

    /** Before 5.11, BPF maps were charged to RLIMIT_MEMLOCK; libbpf raises it when it may. */
    private static String memlockProblem(Capabilities caps) {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int major = parse(v, 0);
        int minor = parse(v, 1);
        if (major > 5 || (major == 5 && minor >= 11) || caps.has(Capabilities.CAP_SYS_RESOURCE)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String soft = line.substring(26).trim().split("\\s+")[0];
                    if (!soft.equals("unlimited") && Long.parseLong(soft) < 64L << 20) {
                        return "RLIMIT_MEMLOCK is " + soft + " bytes on kernel " + major + "." + minor
                                + " (< 5.11 charges BPF maps to it): raise it (LimitMEMLOCK=infinity) "
                                + "or grant CAP_SYS_RESOURCE";
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static int parse(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
