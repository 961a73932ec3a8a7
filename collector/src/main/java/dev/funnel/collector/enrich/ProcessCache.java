package dev.funnel.collector.enrich;

/**
 * What the collector knows of each process, keyed by (pid, start): exe and cmdline captured
 * at exec from the kernel record, or read from /proc on first sight while the process is
 * still there (checked to be the same process, not a reused PID). Bounded: least recently
 * seen processes are forgotten first.
 *
 * <p>Threading: drain thread only.
 */
public final class ProcessCache {
    /** Context of one process; fields are null when unknown (it was gone before we looked). */
    public record Context(String comm, String exe, String cmdline) {
        static final Context UNKNOWN = new Context(null, null, null);
    }

    private final Lru<ProcessKey, Context> cache;
    private final ProcFs proc;
    private volatile long hits;
    private volatile long misses;
    private volatile long gone;

    public ProcessCache(ProcFs proc, int capacity) {
        this.proc = proc;
        this.cache = new Lru<>(capacity);
    }

    /** The context of (pid, startNs), reading /proc once on a miss. Never null. */
    public Context get(int pid, long startNs) {
        ProcessKey k = new ProcessKey(pid, startNs);
        Context c = cache.get(k);
        if (c != null) {
            hits++;
            return c;
        }
        misses++;
        if (proc.sameProcess(pid, startNs)) {
            c = new Context(proc.comm(pid), proc.exe(pid), proc.cmdline(pid));
        } else {
            gone++;
            c = Context.UNKNOWN; // remembered too: a dead process is not looked up again
        }
        cache.put(k, c);
        return c;
    }

    /** After exec the same (pid, start) runs a new image: its context is replaced. */
    public void put(int pid, long startNs, Context c) {
        cache.put(new ProcessKey(pid, startNs), c);
    }

    public int size() {
        return cache.size();
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    /** Misses for processes already gone: their exe/cmdline stay unknown. */
    public long gone() {
        return gone;
    }
}
