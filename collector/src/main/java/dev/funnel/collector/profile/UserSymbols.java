package dev.funnel.collector.profile;

import dev.funnel.collector.bpf.NativeLoader;
import dev.funnel.collector.event.KernelEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * User frames named on the host while the process and its files exist: libdwfl reads the
 * process's maps and the ELF symbol tables of its files (through /proc/PID/root), and an
 * address outside every file is looked up in the process's JIT map (/tmp/perf-PID.map).
 * Without libdw every frame keeps its address, and {@link #unavailabilityCause()} says why.
 *
 * <p>Each process's modules are opened once and kept while the process stays busy (at most
 * {@value #MAX_OPEN} processes, least recently used closed first; idle ones are closed by
 * {@link #expire}), so a process busy for minutes is read once, not once per interval.
 *
 * <p>Not thread-safe: the profiler thread's.
 */
final class UserSymbols implements AutoCloseable {
    static final int MAX_OPEN = 64;
    private static final Throwable UNAVAILABLE = loadNative();

    private record Key(int pid, long startNs) {}

    /** handle 0: libdwfl could not read the process (gone, or no libdw); only the JIT map is used. */
    private static final class Entry {
        final long handle;
        final PerfMap perfMap;
        long lastUsedNs;

        Entry(long handle, PerfMap perfMap) {
            this.handle = handle;
            this.perfMap = perfMap;
        }
    }

    private final Path procRoot;
    private final Map<Key, Entry> open = new LinkedHashMap<>(16, 0.75f, true);

    UserSymbols(Path procRoot) {
        this.procRoot = procRoot;
    }

    private static Throwable loadNative() {
        try {
            NativeLoader.load(NativeSymbols.LIBRARY, "libdw1");
            NativeSymbols.version();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why user frames stay unnamed (null when they are named). */
    static String unavailabilityCause() {
        return UNAVAILABLE == null ? null : UNAVAILABLE.getMessage();
    }

    /** Names ips[0, n) of the process (pid, startNs); innermost first, return addresses after it. */
    List<KernelEvent.Frame> frames(int pid, long startNs, long[] ips, int n, long nowNs) {
        Entry e = entry(pid, startNs);
        e.lastUsedNs = nowNs;
        // A return address points after its call: look up the call itself (ip - 1).
        long[] lookup = new long[n];
        for (int i = 0; i < n; i++) {
            lookup[i] = i == 0 ? ips[i] : ips[i] - 1;
        }
        String[] names = null;
        long[] offsets = new long[2 * n];
        if (e.handle != 0) {
            names = NativeSymbols.symbolize(e.handle, lookup, offsets);
        }
        List<KernelEvent.Frame> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String function = names == null ? null : names[3 * i];
            String module = names == null ? null : names[3 * i + 1];
            String buildId = names == null ? null : names[3 * i + 2];
            if (module == null) {
                String jit = e.perfMap.function(lookup[i]);
                out.add(jit != null ? new KernelEvent.Frame(jit, "[jit]", lookup[i], -1, null, false)
                        : new KernelEvent.Frame(null, null, lookup[i], -1, null, false));
            } else {
                out.add(new KernelEvent.Frame(function, shortPath(module), offsets[2 * i], offsets[2 * i + 1], buildId,
                        false));
            }
        }
        return out;
    }

    /** Closes the modules of processes not named since before cutoffNs (boot ns). */
    void expire(long cutoffNs) {
        for (Iterator<Entry> it = open.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.lastUsedNs < cutoffNs) {
                release(e);
                it.remove();
            }
        }
    }

    int openProcesses() {
        return open.size();
    }

    private Entry entry(int pid, long startNs) {
        Key k = new Key(pid, startNs);
        Entry e = open.get(k);
        if (e != null) {
            return e;
        }
        if (open.size() >= MAX_OPEN) {
            Iterator<Entry> eldest = open.values().iterator();
            release(eldest.next());
            eldest.remove();
        }
        long handle = 0;
        if (UNAVAILABLE == null) {
            try {
                handle = NativeSymbols.open(pid);
            } catch (IllegalStateException gone) {
                handle = 0; // exited between its samples and now: addresses only
            }
        }
        e = new Entry(handle, PerfMap.of(procRoot, pid, namespacePid(pid)));
        open.put(k, e);
        return e;
    }

    /** The process's PID in its own PID namespace (the last NSpid value), which names its JIT map. */
    private int namespacePid(int pid) {
        try {
            for (String line : Files.readAllLines(procRoot.resolve(pid + "/status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).trim().split("\\s+");
                    return Integer.parseInt(ids[ids.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel without NSpid: the host PID is the best guess
        }
        return pid;
    }

    /** libdwfl's path through /proc/PID/root: the path as the process sees it. */
    private static String shortPath(String module) {
        if (module.startsWith("/proc/")) {
            int root = module.indexOf("/root/");
            if (root > 0) {
                return module.substring(root + 5);
            }
        }
        return module;
    }

    private static void release(Entry e) {
        if (e.handle != 0) {
            NativeSymbols.close(e.handle);
        }
    }

    @Override
    public void close() {
        open.values().forEach(UserSymbols::release);
        open.clear();
    }
}
