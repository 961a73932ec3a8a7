package dev.funnel.collector.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** tracefs, where SEC("tracepoint/...") programs look up their tracepoint ids. */
public final class Tracefs {
    public static final Path MOUNT = Path.of("/sys/kernel/tracing");
    private static final Path LEGACY = Path.of("/sys/kernel/debug/tracing");

    private Tracefs() {}

    /** Whether tracefs appears in /proc/mounts (readable without privileges). */
    public static boolean mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .anyMatch(l -> l.startsWith("tracefs ") || l.contains(" tracefs "));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether this process can read the tracepoint ids (root, or CAP_DAC_READ_SEARCH). Reads
     * one instead of asking access(2), which ignores a non-root user's capabilities and would
     * turn the systemd unit's least-privilege set away.
     */
    public static boolean readable() {
        return canRead(MOUNT.resolve("events/sched/sched_process_fork/id"))
                || canRead(LEGACY.resolve("events/sched/sched_process_fork/id"));
    }

    private static boolean canRead(Path p) {
        try {
            Files.readAllBytes(p);
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Mounts tracefs at /sys/kernel/tracing; needs CAP_SYS_ADMIN. */
    static void mount() {
        NativeBpf.mountTracefs(MOUNT.toString());
    }
}
