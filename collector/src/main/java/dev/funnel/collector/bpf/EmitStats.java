package dev.funnel.collector.bpf;

import dev.funnel.collector.event.RecordLayout;

/**
 * A snapshot of the kernel's loss accounting (the emit_stats per-CPU map, summed over CPUs).
 * For every record type: attempts = records that reached the ring + drops.
 */
public record EmitStats(long[] raw) {
    public static final EmitStats EMPTY = new EmitStats(new long[RecordLayout.TYPE_MAX * RecordLayout.STAT_MAX]);

    public long get(int type, int stat) {
        int i = type * RecordLayout.STAT_MAX + stat;
        return i < raw.length ? raw[i] : 0;
    }

    public long attempts(int type) {
        return get(type, RecordLayout.STAT_ATTEMPTS);
    }

    public long drops(int type) {
        return get(type, RecordLayout.STAT_DROPS);
    }

    private long sum(int stat) {
        long s = 0;
        for (int t = 1; t < RecordLayout.TYPE_MAX; t++) {
            s += get(t, stat);
        }
        return s;
    }

    public long totalAttempts() {
        return sum(RecordLayout.STAT_ATTEMPTS);
    }

    /** Records the kernel could not reserve. */
    public long totalDrops() {
        return sum(RecordLayout.STAT_DROPS);
    }

    /** Events inside the dropped records (a dropped burst record holds many). */
    public long totalDroppedEvents() {
        return sum(RecordLayout.STAT_DROPPED_EVENTS);
    }

    /** Events the kernel could not count because the burst map had no room. */
    public long totalUntracked() {
        return sum(RecordLayout.STAT_UNTRACKED);
    }
}
