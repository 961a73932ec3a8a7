package dev.funnel.collector.profile;

import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.Clocks;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Names the call-site stack a burst record points to (burst.h: the user stack of the call
 * that turned a FORK, FD_OPEN or CONNECT key hot, taken once per hot key): "which code is
 * forking" next to "how often". Named once per (process, stack) while the process still
 * exists, then remembered, so the later records of the same storm cost a map lookup here and
 * no syscall. Stacks are read, not deleted: the kernel reuses colliding slots itself.
 *
 * <p>Not thread-safe: the drain thread's. Memory: at most {@value #REMEMBERED} named stacks.
 */
public final class BurstStacks implements AutoCloseable {
    static final String MAP = "burst_stacks";
    static final int REMEMBERED = 256;
    private static final long SYMBOLS_IDLE_NS = TimeUnit.SECONDS.toNanos(30);

    private record Key(int pid, long startNs, int stackId) {}

    private final BpfObject obj;
    private final UserSymbols user = new UserSymbols(Path.of("/proc"));
    private final Map<Key, List<KernelEvent.Frame>> named = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, List<KernelEvent.Frame>> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long lookups;

    public BurstStacks(BpfObject obj) {
        this.obj = obj;
    }

    /** The burst with its stack named; as it is when it has none. */
    public KernelEvent.Burst name(KernelEvent.Burst b) {
        if (b.stackId() < 0) {
            return b;
        }
        KernelEvent.Header h = b.header();
        Key k = new Key(h.pid(), h.startNs(), b.stackId());
        List<KernelEvent.Frame> frames = named.get(k);
        if (frames == null) {
            long[] ips = StackSlots.ips(obj.readStacks(MAP, new int[] {b.stackId()}), 0, RecordLayout.BURST_STACK_DEPTH);
            long now = Clocks.bootNowNs();
            frames = ips.length == 0 ? List.of() : List.copyOf(user.frames(h.pid(), h.startNs(), ips, now));
            named.put(k, frames);
            if (++lookups % 64 == 0) {
                user.expire(now - SYMBOLS_IDLE_NS);
            }
        }
        return b.withStack(frames);
    }

    @Override
    public void close() {
        user.close();
    }
}
