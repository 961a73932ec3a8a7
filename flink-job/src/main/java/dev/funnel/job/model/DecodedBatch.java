package dev.funnel.job.model;

/**
 * What the Kafka source emits per record: a decoded batch (info + events), or a dead letter.
 * Only lives between the source and the flattening operator, which are chained.
 */
public class DecodedBatch {
    public BatchInfo info;
    public EventRecord[] events;
    public DeadLetter deadLetter;

    public DecodedBatch() {}

    /** Event-time timestamp for the source's per-partition watermarks: the earliest event. */
    public long earliestMs(long fallbackMs) {
        if (events == null || events.length == 0) {
            return info != null ? info.createdNs / 1_000_000L : fallbackMs;
        }
        long min = Long.MAX_VALUE;
        for (EventRecord e : events) {
            min = Math.min(min, e.timeNs);
        }
        return min / 1_000_000L;
    }
}
