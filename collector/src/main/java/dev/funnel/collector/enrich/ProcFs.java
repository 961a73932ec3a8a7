package dev.funnel.collector.enrich;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what the kernel records do not carry from /proc (root injectable for tests). Every
 * read may fail because the process is gone: callers get null, never an exception.
 */
public final class ProcFs {
    /** USER_HZ: /proc/<pid>/stat reports start time in these ticks since boot. */
    public static final long NS_PER_TICK = 10_000_000L;
    private static final int MAX_CMDLINE = 4096;

    private final Path root;
    private long reads;

    public ProcFs(Path root) {
        this.root = root;
    }

    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** Files read so far (a cost worth watching). */
    public long reads() {
        return reads;
    }

    /** The executable's path, without the " (deleted)" suffix of a replaced binary. */
    public String exe(int pid) {
        reads++;
        try {
            String p = Files.readSymbolicLink(root.resolve(pid + "/exe")).toString();
            return p.endsWith(" (deleted)") ? p.substring(0, p.length() - 10) : p;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** argv joined by spaces, at most 4 KiB; null when gone or empty (kernel threads). */
    public String cmdline(int pid) {
        byte[] raw = read(pid + "/cmdline");
        if (raw == null || raw.length == 0) {
            return null;
        }
        int n = Math.min(raw.length, MAX_CMDLINE);
        while (n > 0 && raw[n - 1] == 0) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            if (raw[i] == 0) {
                raw[i] = ' ';
            }
        }
        return new String(raw, 0, n, StandardCharsets.UTF_8);
    }

    public String comm(int pid) {
        byte[] raw = read(pid + "/comm");
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8).strip();
    }

    /** Start time in clock ticks since boot (field 22 of stat), or -1 when gone. */
    public long startTicks(int pid) {
        Stat st = stat(pid);
        return st == null ? -1 : st.startTicks();
    }

    /** The fields of /proc/<pid>/stat remediation checks. flags: PF_* (PF_KTHREAD 0x00200000). */
    public record Stat(char state, int ppid, int pgrp, long flags, long startTicks) {
        public static final long PF_KTHREAD = 0x00200000L;

        public boolean kernelThread() {
            return (flags & PF_KTHREAD) != 0;
        }
    }

    /** The process's stat fields, or null when it is gone. */
    public Stat stat(int pid) {
        byte[] raw = read(pid + "/stat");
        if (raw == null) {
            return null;
        }
        String stat = new String(raw, StandardCharsets.UTF_8);
        // After "pid (comm) ": field 3 (state) is f[0]; ppid f[1], pgrp f[2], flags f[6], starttime f[19].
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        try {
            return new Stat(f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[6]),
                    Long.parseLong(f[19]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The real uid (first of the Uid: line of status), or -1 when gone. */
    public int uid(int pid) {
        byte[] raw = read(pid + "/status");
        if (raw == null) {
            return -1;
        }
        for (String line : new String(raw, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** Whether pid is still the process that started at startBootNs (not a reused PID). */
    public boolean sameProcess(int pid, long startBootNs) {
        return startTicks(pid) == startBootNs / NS_PER_TICK;
    }

    /** The cgroup v2 path ("0::/path" line of /proc/<pid>/cgroup), or null. */
    public String cgroupPath(int pid) {
        byte[] raw = read(pid + "/cgroup");
        if (raw == null) {
            return null;
        }
        for (String line : new String(raw, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("0::")) {
                return line.substring(3);
            }
        }
        return null;
    }

    private byte[] read(String rel) {
        reads++;
        try {
            return Files.readAllBytes(root.resolve(rel));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
