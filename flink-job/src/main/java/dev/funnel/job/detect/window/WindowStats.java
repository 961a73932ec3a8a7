package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;

/**
 * What a detector window remembers of its events (a Flink POJO accumulator): how many kernel
 * events they stand for, the earliest, the worst latency, one record's context for the alert,
 * and enough of the collector's loss counters to say how complete the window was.
 */
public class WindowStats implements Windowed {
    public String key;
    public long windowStartMs;
    public long windowEndMs;
    public long count;
    public long records;
    public long maxDurationNs;
    public long firstEventNs = Long.MAX_VALUE;
    /** Loss: the smallest cumulative total seen, that batch's own part of it, the largest total. */
    public long minLostTotal = Long.MAX_VALUE;
    public long lostDeltaAtMin;
    public long maxLostTotal;
    /** Context for the alert: the first record, or a later one if it knows the exe. */
    public EventRecord sample;
    /** The first call-site stack among the records (a burst's hot call), or null. */
    public String stack;

    public WindowStats() {}

    @Override
    public void window(String key, long startMs, long endMs) {
        this.key = key;
        this.windowStartMs = startMs;
        this.windowEndMs = endMs;
    }

    public void add(EventRecord e) {
        count += e.count;
        records++;
        maxDurationNs = Math.max(maxDurationNs, e.durationNs);
        firstEventNs = Math.min(firstEventNs, e.firstNs);
        if (e.lostTotal < minLostTotal) {
            minLostTotal = e.lostTotal;
            lostDeltaAtMin = e.lostDelta;
        }
        maxLostTotal = Math.max(maxLostTotal, e.lostTotal);
        if (sample == null || (sample.exe == null && e.exe != null)) {
            sample = e;
        }
        if (stack == null) {
            stack = e.hotStack;
        }
    }

    /** Folds another window's stats in (panes into a sliding window). */
    public void add(WindowStats o) {
        count += o.count;
        records += o.records;
        maxDurationNs = Math.max(maxDurationNs, o.maxDurationNs);
        firstEventNs = Math.min(firstEventNs, o.firstEventNs);
        if (o.minLostTotal < minLostTotal) {
            minLostTotal = o.minLostTotal;
            lostDeltaAtMin = o.lostDeltaAtMin;
        }
        maxLostTotal = Math.max(maxLostTotal, o.maxLostTotal);
        if (sample == null || (sample.exe == null && o.sample != null && o.sample.exe != null)) {
            sample = o.sample;
        }
        if (stack == null) {
            stack = o.stack;
        }
    }

    /** Events the collector reported lost between the window's first and last batch. */
    public long lostInWindow() {
        return records == 0 ? 0 : Math.max(0, maxLostTotal - minLostTotal + lostDeltaAtMin);
    }
}
