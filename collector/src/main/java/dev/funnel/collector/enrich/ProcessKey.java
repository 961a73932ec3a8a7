package dev.funnel.collector.enrich;

/**
 * A process across PID reuse: pid and its start on the boot clock (ns). The cache key of the
 * enrichment caches. equals and hashCode are written out, not a record's: a record's go
 * through invokedynamic, which C1 (the collector's only compiler) does not inline, and these
 * run several times per event.
 */
final class ProcessKey {
    final int pid;
    final long startNs;

    ProcessKey(int pid, long startNs) {
        this.pid = pid;
        this.startNs = startNs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessKey k && k.pid == pid && k.startNs == startNs;
    }

    @Override
    public int hashCode() {
        return 31 * pid + Long.hashCode(startNs);
    }

    @Override
    public String toString() {
        return pid + "@" + startNs;
    }
}
