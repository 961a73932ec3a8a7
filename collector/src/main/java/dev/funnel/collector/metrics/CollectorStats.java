package dev.funnel.collector.metrics;

import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.pipeline.LossLedger;

/**
 * Every counter of the collector at one moment, stage by stage, in one immutable value: the
 * Prometheus endpoint and the summary printed at exit both render this, so they cannot
 * disagree. Counts are cumulative since start, in events unless named otherwise.
 *
 * @param uptimeSeconds     since the collector started
 * @param kernel            the kernel's emit accounting (records attempted and dropped per type)
 * @param drainedByType     records drained from the ring, indexed by record type
 * @param drainBatches      times the drain thread read the ring
 * @param malformed         records that could not be decoded
 * @param lastMalformed     what the last of those looked like, or null
 * @param enriched          events with context attached
 * @param contextsBuilt     process contexts built (first sight of a process, or a change)
 * @param cache             the process cache's counters
 * @param procReads         files read under /proc
 * @param queued            events waiting for the sink right now (a gauge)
 * @param delivered         events the sink handed on for good (Kafka acknowledged them)
 * @param loss              events lost, by stage
 * @param cpuSeconds        the collector's own CPU time (user + system), s
 * @param residentBytes     the collector's resident memory now, bytes
 * @param remediation       actions' outcomes by name (done, verified, identity_mismatch...); empty when off
 */
public record CollectorStats(double uptimeSeconds, EmitStats kernel, long[] drainedByType, long drainBatches,
        long malformed, String lastMalformed, long enriched, long contextsBuilt, CacheStats cache, long procReads,
        long queued, long delivered, LossLedger.Snapshot loss, double cpuSeconds, long residentBytes,
        CpuSamples cpuSamples, java.util.Map<String, Long> remediation) {

    /**
     * The CPU sampler's kernel counters (cpu_sample_stats): samples counted, stacks lost to a
     * hash collision, stacks lost otherwise (map full, unreadable), samples not counted at all
     * (the counts map was full); and the process profiles sent. All zero when it is off.
     */
    public record CpuSamples(long samples, long stackCollisions, long stacksLost, long untracked, long profiles) {
        public static final CpuSamples NONE = new CpuSamples(0, 0, 0, 0, 0);
    }

    /** The process cache: entries now, hits, misses, and misses for processes already gone. */
    public record CacheStats(long entries, long hits, long misses, long gone) {}

    public long drainedTotal() {
        long s = 0;
        for (long n : drainedByType) {
            s += n;
        }
        return s;
    }

    public long drained(int type) {
        return type < drainedByType.length ? drainedByType[type] : 0;
    }
}
