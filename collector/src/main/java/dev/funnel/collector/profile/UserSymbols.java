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
 * {@link #expire}), so a process busy for minutes is read once, not once per interval. Names
 * are cached by build id and file address ({@value #NAMES_MAX} at most), so the symbol tables
 * of a binary that many processes run (workers of one server, a build's compilers) are read
 * once, not once per process.
 *
 * <p>Not thread-safe: the profiler thread's.
 */
final class UserSymbols implements AutoCloseable {
    static final int MAX_OPEN = 64;
    /** Named code addresses kept by build id (~100 bytes each). */
    static final int NAMES_MAX = 16_384;
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

    /** Code by what it is, not where it is mapped: a build id and an address in that file. */
    private record CodeAddress(String buildId, long fileAddress) {}

    private record Named(String function, long functionOffset) {}

    private final Path procRoot;
    private final Map<Key, Entry> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Names by build id, shared by every process running the same file; least recently used go first. */
    private final Map<CodeAddress, Named> byBuildId = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CodeAddress, Named> eldest) {
            return size() > NAMES_MAX;
        }
    };
    private long cacheHits;

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

    /** Names the ips of the process (pid, startNs): innermost first, return addresses after it. */
    List<KernelEvent.Frame> frames(int pid, long startNs, long[] ips, long nowNs) {
        int n = ips.length;
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
            names = NativeSymbols.symbolize(e.handle, lookup, offsets, false);
            nameFromCacheOrFiles(e.handle, lookup, names, offsets);
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

    /**
     * Fills in the functions of addresses located (module, build id, file address) but not yet
     * named: from the cache by build id where the same code was named before, in this process
     * or another running the same binary, else from the files' symbol tables in one more call.
     */
    private void nameFromCacheOrFiles(long handle, long[] addrs, String[] names, long[] offsets) {
        int n = addrs.length;
        int[] missing = new int[n];
        int misses = 0;
        for (int i = 0; i < n; i++) {
            String buildId = names[3 * i + 2];
            if (names[3 * i + 1] == null) {
                continue; // no module: a JIT map or nothing
            }
            Named cached = buildId == null ? null : byBuildId.get(new CodeAddress(buildId, offsets[2 * i]));
            if (cached != null) {
                names[3 * i] = cached.function();
                offsets[2 * i + 1] = cached.functionOffset();
                cacheHits++;
            } else {
                missing[misses++] = i;
            }
        }
        if (misses == 0) {
            return;
        }
        long[] ask = new long[misses];
        for (int j = 0; j < misses; j++) {
            ask[j] = addrs[missing[j]];
        }
        long[] askOffsets = new long[2 * misses];
        String[] named = NativeSymbols.symbolize(handle, ask, askOffsets, true);
        for (int j = 0; j < misses; j++) {
            int i = missing[j];
            names[3 * i] = named[3 * j];
            offsets[2 * i + 1] = askOffsets[2 * j + 1];
            if (names[3 * i + 2] != null) {
                byBuildId.put(new CodeAddress(names[3 * i + 2], offsets[2 * i]), new Named(named[3 * j], askOffsets[2 * j + 1]));
            }
        }
    }

    /** Addresses named from the cache by build id, not from the files. */
    long cacheHits() {
        return cacheHits;
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
