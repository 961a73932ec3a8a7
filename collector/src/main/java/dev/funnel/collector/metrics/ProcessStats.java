package dev.funnel.collector.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's own cost, from /proc/self: CPU seconds (user + system) and resident memory. */
public final class ProcessStats {
    private ProcessStats() {}

    public static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, USER_HZ ticks
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
