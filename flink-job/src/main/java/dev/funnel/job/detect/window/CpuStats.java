package dev.funnel.job.detect.window;

import dev.funnel.job.model.EventRecord;
import java.util.Arrays;

/**
 * What a high_cpu window remembers of a process's CPU profiles (a Flink POJO accumulator):
 * besides {@link WindowStats} (count = the samples), the sample rate, the samples per
 * innermost frame summed over the window (parallel arrays, busiest kept as they come), and
 * the busiest stack seen in one profile. A window holds one profile per collector interval,
 * and a profile a handful of frames: the merges are linear and small.
 */
public class CpuStats extends WindowStats {
    public int sampleHz;
    public String[] frames = new String[0];
    public long[] frameSamples = new long[0];
    public String hotStack;
    public int hotStackSamples;

    public CpuStats() {}

    @Override
    public void add(EventRecord e) {
        super.add(e);
        sampleHz = Math.max(sampleHz, e.sampleHz);
        if (e.frames != null) {
            for (int i = 0; i < e.frames.length; i++) {
                addFrame(e.frames[i], e.frameSamples[i]);
            }
            if (e.hotStack != null && e.frameSamples.length > 0 && e.frameSamples[0] > hotStackSamples) {
                hotStack = e.hotStack;
                hotStackSamples = e.frameSamples[0];
            }
        }
    }

    /** Folds another window's stats in (session merges; sliding windows never merge). */
    @Override
    public void add(WindowStats other) {
        super.add(other);
        if (other instanceof CpuStats o) {
            sampleHz = Math.max(sampleHz, o.sampleHz);
            for (int i = 0; i < o.frames.length; i++) {
                addFrame(o.frames[i], o.frameSamples[i]);
            }
            if (o.hotStackSamples > hotStackSamples) {
                hotStack = o.hotStack;
                hotStackSamples = o.hotStackSamples;
            }
        }
    }

    private void addFrame(String frame, long samples) {
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].equals(frame)) {
                frameSamples[i] += samples;
                return;
            }
        }
        frames = Arrays.copyOf(frames, frames.length + 1);
        frameSamples = Arrays.copyOf(frameSamples, frameSamples.length + 1);
        frames[frames.length - 1] = frame;
        frameSamples[frameSamples.length - 1] = samples;
    }

    /** The process's share of one core over the window (1.0: one core all the time). */
    public double coreShare() {
        long ms = windowEndMs - windowStartMs;
        return sampleHz == 0 || ms <= 0 ? 0 : count / (sampleHz * (ms / 1000.0));
    }

    /** Indexes of frames, busiest first. */
    public Integer[] busiest() {
        Integer[] order = new Integer[frames.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(frameSamples[b], frameSamples[a]));
        return order;
    }
}
