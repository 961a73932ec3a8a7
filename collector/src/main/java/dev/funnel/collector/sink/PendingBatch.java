package dev.funnel.collector.sink;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.StackFrame;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The events of the batch being filled, with its process table built as they come: each
 * distinct context (by identity: the enricher shares one per process while it holds) gets
 * the next index, each event remembers its context's index. It also keeps an estimate of
 * the encoded size, so the sink can close a batch before the broker would refuse it
 * (message.max.bytes). The estimate rounds numbers up and counts a char as a byte (paths and
 * command lines are mostly ASCII).
 *
 * <p>Not thread-safe: the sink thread's. Reused batch after batch ({@link #clear}).
 */
final class PendingBatch {
    /** Upper bounds of the fixed parts of an encoded event and context, bytes. */
    static final int EVENT_BYTES = 40;
    static final int CONTEXT_BYTES = 80;

    private final List<Enriched> events = new ArrayList<>();
    private final IdentityHashMap<ProcessContext, Integer> index = new IdentityHashMap<>();
    private final List<ProcessContext> contexts = new ArrayList<>();
    private int[] refs = new int[1024];
    private long bytes;
    private long sinceNs;

    /** Adds e (the first event also starts the linger clock); returns the size estimate now. */
    long add(Enriched e) {
        if (events.isEmpty()) {
            sinceNs = System.nanoTime();
        }
        ProcessContext c = e.process();
        Integer at = index.get(c);
        if (at == null) {
            at = contexts.size();
            contexts.add(c);
            index.put(c, at);
            bytes += contextBytes(c);
        }
        int i = events.size();
        if (i == refs.length) {
            refs = Arrays.copyOf(refs, i * 2);
        }
        refs[i] = at;
        events.add(e);
        bytes += eventBytes(e);
        return bytes;
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int size() {
        return events.size();
    }

    /** When the first event came (System.nanoTime). */
    long sinceNs() {
        return sinceNs;
    }

    List<Enriched> events() {
        return events;
    }

    /** The process table, in order of first use. */
    List<ProcessContext> contexts() {
        return contexts;
    }

    /** The index in {@link #contexts} of event i's context. */
    int contextOf(int i) {
        return refs[i];
    }

    long estimatedBytes() {
        return bytes;
    }

    void clear() {
        events.clear();
        index.clear();
        contexts.clear();
        bytes = 0;
    }

    static long contextBytes(ProcessContext c) {
        ParentInfo p = c.getParent();
        return CONTEXT_BYTES + len(c.getComm()) + len(c.getExe()) + len(c.getCmdline()) + len(c.getCgroupPath())
                + len(c.getContainerId()) + len(c.getContainerRuntime()) + len(p.getComm()) + len(p.getExe())
                + len(p.getCmdline());
    }

    static long eventBytes(Enriched e) {
        Object d = e.event().getDetail();
        if (d instanceof ExecDetail x) {
            long n = EVENT_BYTES + len(x.getFilename());
            for (String a : x.getArgv()) {
                n += 3 + a.length();
            }
            return n;
        } else if (d instanceof BurstDetail b) {
            return EVENT_BYTES + 40 + len(b.getDestination());
        } else if (d instanceof CpuProfileDetail c) {
            long n = EVENT_BYTES + 24;
            for (SampledStack s : c.getStacks()) {
                for (StackFrame f : s.getFrames()) {
                    n += 12 + len(f.getFunction()) + len(f.getModule()) + len(f.getBuildId());
                }
            }
            return n;
        }
        return EVENT_BYTES + 16;
    }

    private static int len(String s) {
        return s == null ? 1 : 3 + s.length();
    }
}
