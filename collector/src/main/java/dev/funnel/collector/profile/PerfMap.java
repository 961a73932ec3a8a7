package dev.funnel.collector.profile;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * A JIT runtime's symbol map, /tmp/perf-PID.map (the convention perf defined: one line per
 * compiled function, "START SIZE name", hex without 0x). Node (--perf-basic-prof), the JVM with
 * an agent, LuaJIT, .NET and others write one. Read through /proc/PID/root, with the process's
 * own PID inside its namespace, so a container's map is found; read again when the file
 * changes (the runtime appends as it compiles).
 */
final class PerfMap {
    private final Path file;
    private long readSize = -1;
    private long readModified;
    private long[] starts = new long[0];
    private long[] ends = new long[0];
    private String[] names = new String[0];

    private PerfMap(Path file) {
        this.file = file;
    }

    /** The map of a process, given its PID on the host and in its own namespace. */
    static PerfMap of(Path procRoot, int pid, int namespacePid) {
        return new PerfMap(procRoot.resolve(Integer.toString(pid)).resolve("root/tmp/perf-" + namespacePid + ".map"));
    }

    /** The function covering addr, or null (no map, or no entry covers it). */
    String function(long addr) {
        refresh();
        int i = Arrays.binarySearch(starts, addr);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && addr < ends[i] ? names[i] : null;
    }

    private void refresh() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return; // no map: keep what was read, if anything (the process may be gone)
        }
        long modified = attrs.lastModifiedTime().toMillis();
        if (attrs.size() == readSize && modified == readModified) {
            return;
        }
        int n = 0;
        long[] s = new long[256];
        long[] e = new long[256];
        String[] nm = new String[256];
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                int a = line.indexOf(' ');
                int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
                if (b < 0) {
                    continue;
                }
                try {
                    long start = Long.parseUnsignedLong(strip0x(line.substring(0, a)), 16);
                    long size = Long.parseUnsignedLong(strip0x(line.substring(a + 1, b)), 16);
                    if (n == s.length) {
                        s = Arrays.copyOf(s, n * 2);
                        e = Arrays.copyOf(e, n * 2);
                        nm = Arrays.copyOf(nm, n * 2);
                    }
                    s[n] = start;
                    e[n] = start + size;
                    nm[n] = line.substring(b + 1);
                    n++;
                } catch (NumberFormatException ignored) {
                    // a line being written as we read: the next refresh gets it
                }
            }
        } catch (IOException ex) {
            return;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final long[] unsorted = s;
        Arrays.sort(order, (x, y) -> Long.compare(unsorted[x], unsorted[y]));
        starts = new long[n];
        ends = new long[n];
        names = new String[n];
        for (int i = 0; i < n; i++) {
            starts[i] = s[order[i]];
            ends[i] = e[order[i]];
            names[i] = nm[order[i]];
        }
        readSize = attrs.size();
        readModified = modified;
    }

    private static String strip0x(String hex) {
        return hex.startsWith("0x") ? hex.substring(2) : hex;
    }
}
