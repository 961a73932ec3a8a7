package dev.funnel.collector.profile;

import dev.funnel.collector.event.KernelEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Kernel frames named from /proc/kallsyms: text symbols only, sorted, found by binary search.
 * Read once, on the first kernel frame to name (the collector runs as root, so addresses are
 * visible; when they read as zero, kptr_restrict hides them and frames keep their address).
 *
 * <p>Memory: about 12 bytes per symbol plus the names (~150,000 symbols on a distribution
 * kernel: a few MB). Not thread-safe: the profiler thread's.
 */
final class KernelSymbols {
    private final Path source;
    private long[] addrs;
    private String[] names;
    private String[] modules;

    KernelSymbols(Path source) {
        this.source = source;
    }

    static KernelSymbols system() {
        return new KernelSymbols(Path.of("/proc/kallsyms"));
    }

    /** The frame of a kernel instruction pointer (function null when none covers it). */
    KernelEvent.Frame frame(long ip) {
        load();
        int i = Arrays.binarySearch(addrs, ip);
        if (i < 0) {
            i = -i - 2; // the last symbol at or below ip
        }
        if (i < 0) {
            return new KernelEvent.Frame(null, "[kernel]", ip, -1, null, true);
        }
        return new KernelEvent.Frame(names[i], modules[i], ip, ip - addrs[i], null, true);
    }

    /** Symbols read; 0 before the first frame or when the addresses are hidden. */
    int size() {
        return addrs == null ? 0 : addrs.length;
    }

    private void load() {
        if (addrs != null) {
            return;
        }
        int n = 0;
        long[] a = new long[1 << 16];
        String[] nm = new String[a.length];
        String[] md = new String[a.length];
        try (BufferedReader in = Files.newBufferedReader(source, StandardCharsets.US_ASCII)) {
            for (String line; (line = in.readLine()) != null; ) {
                // "ffffffff81000000 T _stext" or "ffffffffc0a01000 t ext4_fill_super\t[ext4]"
                int s1 = line.indexOf(' ');
                if (s1 <= 0 || s1 + 3 >= line.length()) {
                    continue;
                }
                char type = line.charAt(s1 + 1);
                if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
                    continue;
                }
                long addr = Long.parseUnsignedLong(line, 0, s1, 16);
                if (addr == 0) {
                    continue; // hidden by kptr_restrict
                }
                int tab = line.indexOf('\t', s1 + 3);
                if (n == a.length) {
                    a = Arrays.copyOf(a, n * 2);
                    nm = Arrays.copyOf(nm, n * 2);
                    md = Arrays.copyOf(md, n * 2);
                }
                a[n] = addr;
                nm[n] = tab < 0 ? line.substring(s1 + 3) : line.substring(s1 + 3, tab);
                md[n] = tab < 0 ? "[kernel]" : line.substring(tab + 1).trim().intern();
                n++;
            }
        } catch (IOException | RuntimeException e) {
            n = 0; // unreadable: every kernel frame keeps its address
        }
        // kallsyms is mostly sorted, module symbols are not: sort by address, names along.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final long[] unsorted = a;
        Arrays.sort(order, (x, y) -> Long.compareUnsigned(unsorted[x], unsorted[y]));
        addrs = new long[n];
        names = new String[n];
        modules = new String[n];
        for (int i = 0; i < n; i++) {
            addrs[i] = a[order[i]];
            names[i] = nm[order[i]];
            modules[i] = md[order[i]];
        }
    }
}
