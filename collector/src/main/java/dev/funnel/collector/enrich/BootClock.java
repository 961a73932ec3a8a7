package dev.funnel.collector.enrich;

import java.util.function.LongSupplier;

/**
 * Converts kernel boot-clock ns to wall-clock ns. The offset is re-read every 10 s so an NTP
 * step is followed; between reads conversions are a single add. Used by one thread.
 */
public final class BootClock {
    private static final long REFRESH_NS = 10_000_000_000L;

    private final LongSupplier offsetSource;
    private long offsetNs;
    private long refreshedAt;

    public BootClock(LongSupplier offsetSource) {
        this.offsetSource = offsetSource;
        this.offsetNs = offsetSource.getAsLong();
        this.refreshedAt = System.nanoTime();
    }

    public long toWallNs(long bootNs) {
        long now = System.nanoTime();
        if (now - refreshedAt > REFRESH_NS) {
            offsetNs = offsetSource.getAsLong();
            refreshedAt = now;
        }
        return bootNs + offsetNs;
    }

    public long offsetNs() {
        return offsetNs;
    }
}
