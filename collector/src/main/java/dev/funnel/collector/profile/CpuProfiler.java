package dev.funnel.collector.profile;

import dev.funnel.collector.bpf.BpfObject;
import dev.funnel.collector.bpf.CpuSampling;
import dev.funnel.collector.bpf.Clocks;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordDecoder;
import dev.funnel.collector.event.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stage 1's on-CPU half in user space: once per interval it takes (reads and deletes) the
 * kernel's sample counts (cpu_sample.bpf.c), sums them per process, and for each process at
 * or above the report share of a core names its busiest stacks while the process and its
 * files still exist. Each such process becomes one {@link KernelEvent.CpuProfile}; quieter
 * processes leave nothing: the interesting tail only.
 *
 * <p>Threading: its own thread ("funnel-profiler"), so symbolizing never delays the ring's
 * drain; events go to {@code out} from that thread (the kernel source queues them for its
 * drain thread). Counters may be read from any thread.
 */
public final class CpuProfiler implements AutoCloseable {
    public static final String PROGRAM = "sample_cpu";
    static final String SAMPLES_MAP = "cpu_samples";
    static final String STACKS_MAP = "cpu_stacks";
    static final String STATS_MAP = "cpu_sample_stats";
    /** Symbol handles of processes not busy for this long are closed. */
    private static final long SYMBOLS_IDLE_NS = TimeUnit.SECONDS.toNanos(30);

    private static final int KEY_SIZE = RecordLayout.CPU_SAMPLE_KEY.size();
    private static final int ENTRY_SIZE = KEY_SIZE + RecordLayout.CPU_SAMPLE_VALUE.size();
    private static final int K_PID = RecordLayout.CPU_SAMPLE_KEY.offset("pid");
    private static final int K_USER = RecordLayout.CPU_SAMPLE_KEY.offset("user_stack");
    private static final int K_KERNEL = RecordLayout.CPU_SAMPLE_KEY.offset("kernel_stack");
    private static final int V_SAMPLES = KEY_SIZE + RecordLayout.CPU_SAMPLE_VALUE.offset("samples");
    private static final int V_LAST = KEY_SIZE + RecordLayout.CPU_SAMPLE_VALUE.offset("last");
    private static final int NO_STACK = -14; // -EFAULT: no stack of that kind (a kernel thread, a user-mode sample)

    /** One process's samples in an interval, by (user stack id, kernel stack id). */
    private static final class Samples {
        KernelEvent.Header latest;
        int total;
        int stackErrors;
        final Map<Long, Integer> byStacks = new HashMap<>();
    }

    private final BpfObject obj;
    private final CpuSampling settings;
    private final Consumer<List<KernelEvent>> out;
    private final RecordDecoder decoder = new RecordDecoder();
    private final UserSymbols user = new UserSymbols(Path.of("/proc"));
    private final KernelSymbols kernel = KernelSymbols.system();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long intervals;
    private volatile long profiles;
    private volatile long lastTakeNanos;
    private volatile Throwable failure;
    private volatile long[] kernelCounters = new long[4];

    private CpuProfiler(BpfObject obj, CpuSampling settings, Consumer<List<KernelEvent>> out) {
        this.obj = obj;
        this.settings = settings;
        this.out = out;
        this.thread = new Thread(this::loop, "funnel-profiler");
        this.thread.setDaemon(true);
    }

    /** Starts taking the counts of a loaded object whose sampler the caller attaches. */
    public static CpuProfiler start(BpfObject obj, CpuSampling settings, Consumer<List<KernelEvent>> out) {
        CpuProfiler p = new CpuProfiler(obj, settings, out);
        p.lastTakeNanos = System.nanoTime();
        p.thread.start();
        return p;
    }

    /** Why user frames are not named (libdw missing), or null when they are. */
    public static String symbolsUnavailable() {
        return UserSymbols.unavailabilityCause();
    }

    private void loop() {
        try {
            long next = System.nanoTime() + settings.intervalNs();
            while (running) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L)); // wakes up for close within 0.1 s
                    continue;
                }
                takeOnce();
                next += settings.intervalNs();
                if (next - System.nanoTime() < 0) {
                    next = System.nanoTime() + settings.intervalNs(); // fell behind: do not catch up in a burst
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Takes the counts now and hands on the profiles of the busy processes. Package-private for tests. */
    List<KernelEvent> takeOnce() {
        long now = System.nanoTime();
        long intervalNs = now - lastTakeNanos;
        lastTakeNanos = now;
        Map<Integer, Samples> byPid = read(obj.takeEntries(SAMPLES_MAP));
        // Every stack the interval referenced is taken (and deleted) so the map never fills;
        // only the busy processes' stacks are named.
        Set<Integer> ids = new LinkedHashSet<>();
        for (Samples s : byPid.values()) {
            for (long k : s.byStacks.keySet()) {
                addId(ids, (int) (k >> 32));
                addId(ids, (int) k);
            }
        }
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        long[] frames = idArray.length == 0 ? new long[0] : obj.takeStacks(STACKS_MAP, idArray);
        Map<Integer, Integer> slot = new HashMap<>();
        for (int i = 0; i < idArray.length; i++) {
            slot.put(idArray[i], i);
        }
        double perCore = settings.sampleHz() * (intervalNs / 1e9);
        long bootNow = Clocks.bootNowNs();
        List<KernelEvent> events = new ArrayList<>();
        for (Samples s : byPid.values()) {
            if (s.total < settings.reportShare() * perCore) {
                continue;
            }
            events.add(profile(s, intervalNs, frames, slot, bootNow));
        }
        user.expire(bootNow - SYMBOLS_IDLE_NS);
        kernelCounters = obj.sumPerCpu(STATS_MAP);
        intervals++;
        profiles += events.size();
        if (!events.isEmpty()) {
            out.accept(events);
        }
        return events;
    }

    private Map<Integer, Samples> read(ByteBuffer b) {
        Map<Integer, Samples> byPid = new HashMap<>();
        for (int off = 0; off + ENTRY_SIZE <= b.limit(); off += ENTRY_SIZE) {
            int pid = b.getInt(off + K_PID);
            int userId = b.getInt(off + K_USER);
            int kernelId = b.getInt(off + K_KERNEL);
            int n = (int) Math.min(Integer.MAX_VALUE, b.getLong(off + V_SAMPLES));
            KernelEvent.Header h = decoder.header(b, off + V_LAST);
            Samples s = byPid.computeIfAbsent(pid, p -> new Samples());
            if (s.latest == null || h.tsNs() > s.latest.tsNs()) {
                s.latest = h;
            }
            s.total += n;
            if ((userId < 0 && userId != NO_STACK) || (kernelId < 0 && kernelId != NO_STACK)) {
                s.stackErrors += n;
            }
            s.byStacks.merge(((long) userId << 32) | (kernelId & 0xffffffffL), n, Integer::sum);
        }
        return byPid;
    }

    private KernelEvent.CpuProfile profile(Samples s, long intervalNs, long[] frames, Map<Integer, Integer> slot,
            long bootNow) {
        List<Map.Entry<Long, Integer>> busiest = new ArrayList<>(s.byStacks.entrySet());
        busiest.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        List<KernelEvent.Stack> stacks = new ArrayList<>();
        KernelEvent.Header h = s.latest;
        for (Map.Entry<Long, Integer> e : busiest.subList(0, Math.min(settings.topStacks(), busiest.size()))) {
            List<KernelEvent.Frame> named = new ArrayList<>();
            Integer k = slot.get((int) (long) e.getKey());
            if (k != null) {
                for (long ip : StackSlots.ips(frames, k, RecordLayout.CPU_STACK_DEPTH)) {
                    named.add(kernel.frame(ip));
                }
            }
            Integer u = slot.get((int) (e.getKey() >> 32));
            if (u != null) {
                named.addAll(user.frames(h.pid(), h.startNs(), StackSlots.ips(frames, u, RecordLayout.CPU_STACK_DEPTH),
                        bootNow));
            }
            stacks.add(new KernelEvent.Stack(e.getValue(), named));
        }
        KernelEvent.Header at = new KernelEvent.Header(h.tsNs(), h.startNs(), h.parentStartNs(), h.cgroupId(),
                RecordLayout.TYPE_CPU_PROFILE, h.pid(), h.tid(), h.ppid(), h.uid(), h.execSeq(), h.comm());
        return new KernelEvent.CpuProfile(at, s.total, intervalNs, settings.sampleHz(), stacks, s.stackErrors);
    }

    private static void addId(Set<Integer> ids, int id) {
        if (id >= 0) {
            ids.add(id);
        }
    }

    /** Intervals taken so far. */
    public long intervals() {
        return intervals;
    }

    /** Process profiles handed on so far. */
    public long profiles() {
        return profiles;
    }

    /**
     * The kernel's counters (samples, stacks lost to collisions, stacks lost otherwise, samples
     * not counted) as the profiler thread last read them: at most an interval ago, and once more
     * at close. Any thread; never a native call (the object may be closing).
     */
    public long[] kernelCounters() {
        return kernelCounters.clone();
    }

    public Throwable failure() {
        return failure;
    }

    /**
     * Stops the thread, reads the kernel's counters a last time and closes the symbol handles.
     * The caller detaches the sampler first and closes the object after.
     */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            kernelCounters = obj.sumPerCpu(STATS_MAP); // the thread is done: this one is the object's only user
        }
        user.close();
    }
}
