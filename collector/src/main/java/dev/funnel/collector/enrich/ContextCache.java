package dev.funnel.collector.enrich;

import dev.funnel.collector.event.KernelEvent;
import dev.funnel.schema.ProcessContext;
import java.util.Objects;

/**
 * The ProcessContext last built for each process (pid, start), handed out again while all it
 * was built from still holds: the kernel header's ppid, uid, comm and cgroup, and the same
 * cached exe/command line of the process and of its parent (an exec replaces those, so the
 * context is rebuilt). Reuse is what lets a batch carry a busy process's context once, and
 * spares the drain thread a cgroup-path parse and three objects per event. Bounded: least
 * recently used processes go first.
 *
 * <p>Threading: drain thread only. The contexts it returns are never modified.
 */
final class ContextCache {
    private record Entry(ProcessContext context, ProcessCache.Context self, ProcessCache.Context parent) {}

    private final Lru<ProcessKey, Entry> cache;
    private volatile long built; // read by the metrics endpoint; written on the drain thread only

    ContextCache(int capacity) {
        this.cache = new Lru<>(capacity);
    }

    /** The cached context of h's process if nothing in it changed, else null. */
    ProcessContext reuse(KernelEvent.Header h, ProcessCache.Context self, ProcessCache.Context parent, String cgroupPath) {
        Entry e = cache.get(new ProcessKey(h.pid(), h.startNs()));
        // Identity first (the caches hand out the same objects), content when they differ: a
        // context re-read after eviction, or a cgroup path from a rescan, is still the same.
        if (e == null || !Objects.equals(e.self, self) || !Objects.equals(e.parent, parent)) {
            return null;
        }
        ProcessContext c = e.context;
        if (c.getPpid() != h.ppid() || c.getParent().getStartBootNs() != h.parentStartNs() || c.getUid() != h.uid()
                || c.getCgroupId() != h.cgroupId() || !Objects.equals(c.getCgroupPath(), cgroupPath)
                || !c.getComm().equals(h.comm())) {
            return null;
        }
        return c;
    }

    void put(KernelEvent.Header h, ProcessCache.Context self, ProcessCache.Context parent, ProcessContext c) {
        built++;
        cache.put(new ProcessKey(h.pid(), h.startNs()), new Entry(c, self, parent));
    }

    long built() {
        return built;
    }
}
