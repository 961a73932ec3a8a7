package dev.funnel.collector.enrich;

/**
 * What the collector knows of each process, keyed by (pid, start): exe and cmdline captured
 * at exec from the kernel record, or read from /proc on first sight while the process is
 * still there (checked to be the same process, not a reused PID). Each context remembers the
 * process's exec count it describes: a record with a higher count means the process ran
 * another image since (its exec records may have been aggregated into its parent's burst),
 * so the context is read again. Bounded: least recently seen processes are forgotten first.
 *
 * <p>Threading: drain thread only.
 */
public final class ProcessCache {
    /** Ask for a process's context whatever image it runs (a parent: its exec count is not known). */
    public static final int ANY_EXEC = -1;

    /** Context of one process at execSeq execs; fields are null when unknown (it was gone before we looked). */
    public record Context(String comm, String exe, String cmdline, int execSeq) {
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

    /**
     * The context of (pid, startNs) after execSeq execs (or {@link #ANY_EXEC}), reading /proc
     * once on a miss or when the cached one describes an earlier image. Never null.
     */
    public Context get(int pid, long startNs, int execSeq) {
        ProcessKey k = new ProcessKey(pid, startNs);
        Context c = cache.get(k);
        if (c != null && (execSeq == ANY_EXEC || c.execSeq >= execSeq)) {
            hits++;
            return c;
        }
        misses++;
        int seq = Math.max(execSeq, 0);
        if (proc.sameProcess(pid, startNs)) {
            c = new Context(proc.comm(pid), proc.exe(pid), proc.cmdline(pid), seq);
        } else {
            gone++;
            // Remembered too, so a dead process is not looked up again. A stale image is not
            // kept: an unknown exe is better than the wrong one.
            c = new Context(null, null, null, seq);
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
