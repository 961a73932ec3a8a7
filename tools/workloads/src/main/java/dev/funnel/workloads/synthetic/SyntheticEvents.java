package dev.funnel.workloads.synthetic;

import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.BurstKind;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExitDetail;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.ProcessInfo;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.SlowRequestDetail;
import dev.funnel.schema.StackFrame;
import dev.funnel.schema.wire.ProcessContexts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collector output with known contents, for tests and the job benchmark: the same EventBatch
 * records a collector would send for a given workload, on a chosen clock. Times are ms from
 * the generator's epoch (wall-clock ns = epoch + ms). Not thread-safe.
 */
public final class SyntheticEvents {
    private final String host;
    private final long epochNs;
    private long seq;
    private long lostTotal;

    public SyntheticEvents(String host, long epochNs) {
        this.host = host;
        this.epochNs = epochNs;
    }

    public long ns(double ms) {
        return epochNs + (long) (ms * 1_000_000L);
    }

    /** A process: pid, its start (boot ns, derived from pid), exe, and its parent. */
    public ProcessInfo process(int pid, int ppid, String exe) {
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        return new ProcessInfo(pid, pid, startOf(pid), epochNs - 60_000_000_000L, ppid, 1000,
                comm.length() > 15 ? comm.substring(0, 15) : comm, exe, exe + " --serve", 4242L,
                "/system.slice/docker-" + "ab".repeat(32) + ".scope", "ab".repeat(32), "docker");
    }

    public static long startOf(int pid) {
        return 1_000_000_000L + pid * 1000L;
    }

    private ParentInfo parent(ProcessInfo p, String parentExe) {
        return new ParentInfo(p.getPpid(), startOf(p.getPpid()), epochNs - 120_000_000_000L, "parent", parentExe, null);
    }

    private Event event(EventType t, double ms, ProcessInfo p, String parentExe, Object detail) {
        return new Event(t, ns(ms), (long) (ms * 1_000_000L), p.getTid(), -1, p, parent(p, parentExe), detail);
    }

    /**
     * A CPU profile of pid over the second before ms: samples at 49 Hz, in two stacks, the
     * busiest with function hot in exe (under main), the other in libc's memcpy.
     */
    public Event cpuProfile(double ms, int pid, String exe, String hot, int samples) {
        int hotSamples = samples - samples / 10;
        StackFrame main = new StackFrame("main", exe, 0x1100L, 0x10L, "beef", false);
        List<SampledStack> stacks = List.of(
                new SampledStack(hotSamples, List.of(new StackFrame(hot, exe, 0x1d4bL, 0x10L, "beef", false), main)),
                new SampledStack(samples - hotSamples, List.of(
                        new StackFrame("__memcpy_avx_unaligned", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x18a1cL, 0x10L, null, false),
                        main)));
        return event(EventType.CPU_PROFILE, ms, process(pid, 42, exe), "/bin/bash",
                new CpuProfileDetail(samples, 1_000_000_000L, 49, stacks, 0));
    }

    public Event fork(double ms, int pid, String exe, int child) {
        return event(EventType.FORK, ms, process(pid, 1, exe), "/sbin/init", new ForkDetail(child));
    }

    public Event forkBurst(double firstMs, double lastMs, int pid, String exe, int count) {
        return event(EventType.BURST, lastMs, process(pid, 1, exe), "/sbin/init",
                new BurstDetail(BurstKind.FORK, pid, count, ns(firstMs), ns(lastMs), count, null, 0, List.of(
                        new StackFrame("__libc_fork", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0xd6a10L, 0x10L, null, false),
                        new StackFrame("spawn_worker", exe, 0x1a20L, 0x10L, "beef", false),
                        new StackFrame("main", exe, 0x1100L, 0x10L, "beef", false))));
    }

    /** A child of parent exiting after lifetimeMs. */
    public Event childExit(double ms, int child, int parent, String parentExe, double lifetimeMs) {
        return event(EventType.EXIT, ms, process(child, parent, parentExe), parentExe,
                new ExitDetail((long) (lifetimeMs * 1_000_000L), 0, 0, 3, 1024L));
    }

    /** A child of parent killed by signal after lifetimeMs. */
    public Event childCrash(double ms, int child, int parent, String parentExe, double lifetimeMs, int signal) {
        return event(EventType.EXIT, ms, process(child, parent, parentExe), parentExe,
                new ExitDetail((long) (lifetimeMs * 1_000_000L), -1, signal, 3, 1024L));
    }

    /** The kernel's count of a parent's failed short-lived children, aggregated. */
    public Event failedChildrenBurst(double firstMs, double lastMs, int lastChild, int parent, String parentExe, int count) {
        return event(EventType.BURST, lastMs, process(lastChild, parent, parentExe), parentExe,
                new BurstDetail(BurstKind.CHILD_FAILED_EXIT, parent, count, ns(firstMs), ns(lastMs), count, null, 0, List.of()));
    }

    /** A process exiting with openFds descriptors in use of a limit of limit. */
    public Event exitHolding(double ms, int pid, String exe, int openFds, long limit) {
        return event(EventType.EXIT, ms, process(pid, 1, exe), "/sbin/init",
                new ExitDetail(60_000_000_000L, 1, 0, openFds, limit));
    }

    /** Forks anywhere in session `session` (of the process's cgroup), counted by the kernel; pid is the last forker. */
    public Event groupForkBurst(double firstMs, double lastMs, int pid, int ppid, String exe, int session, int count) {
        return event(EventType.BURST, lastMs, process(pid, ppid, exe), "/usr/bin/bash",
                new BurstDetail(BurstKind.GROUP_FORK, session, count, ns(firstMs), ns(lastMs), count, null, 0, List.of()));
    }

    public Event shortExitBurst(double firstMs, double lastMs, int lastChild, int parent, String parentExe, int count) {
        return event(EventType.BURST, lastMs, process(lastChild, parent, parentExe), parentExe,
                new BurstDetail(BurstKind.CHILD_SHORT_EXIT, parent, count, ns(firstMs), ns(lastMs), count, null, 0, List.of()));
    }

    public Event slowRequest(double ms, int pid, String exe, double durationMs, int port) {
        return event(EventType.SLOW_REQUEST, ms, process(pid, 1, exe), "/sbin/init",
                new SlowRequestDetail((long) (durationMs * 1_000_000L), ns(ms - durationMs), port, "10.1.2.3", 40000));
    }

    public Event fdBurst(double firstMs, double lastMs, int pid, String exe, int count) {
        return event(EventType.BURST, lastMs, process(pid, 1, exe), "/sbin/init",
                new BurstDetail(BurstKind.FD_OPEN, pid, count, ns(firstMs), ns(lastMs), count, null, 0, List.of()));
    }

    public Event connectBurst(double firstMs, double lastMs, int pid, String exe, int count, String dest) {
        return event(EventType.BURST, lastMs, process(pid, 1, exe), "/sbin/init",
                new BurstDetail(BurstKind.CONNECT, pid, count, ns(firstMs), ns(lastMs), count, dest, 443, List.of()));
    }

    public Event exec(double ms, int pid, int ppid, String exe) {
        return event(EventType.EXEC, ms, process(pid, ppid, exe), "/usr/bin/make",
                new dev.funnel.schema.ExecDetail(exe, List.of(exe, "-c", "x.c"), pid));
    }

    /**
     * The next batch of this host's run as a v2 collector sends it (each process's context
     * once, events pointing at it), reporting `lost` events lost since the previous one.
     * events are written with their context inline, for readable tests; they are not changed.
     */
    public EventBatch batch(List<Event> events, long lost) {
        Map<ProcessContext, Integer> index = new HashMap<>();
        List<ProcessContext> table = new ArrayList<>();
        List<Event> out = new ArrayList<>(events.size());
        for (Event e : events) {
            ProcessContext c = ProcessContexts.fromInline(e.getProcess(), e.getParent());
            int at = index.computeIfAbsent(c, k -> {
                table.add(k);
                return table.size() - 1;
            });
            out.add(new Event(e.getType(), e.getTimeNs(), e.getBootTimeNs(), e.getProcess().getTid(), at, null, null,
                    e.getDetail()));
        }
        return next(table, out, lost);
    }

    public EventBatch batch(List<Event> events) {
        return batch(events, 0);
    }

    /** The next batch as a v1 collector sent it: the context inline in every event. */
    public EventBatch inlineBatch(List<Event> events) {
        return next(List.of(), events, 0);
    }

    private EventBatch next(List<ProcessContext> table, List<Event> events, long lost) {
        lostTotal += lost;
        long created = events.isEmpty() ? epochNs : events.get(events.size() - 1).getTimeNs();
        return new EventBatch(host, "boot-" + host, epochNs, seq++, created,
                new Loss(lost, 0L, 0L, 0L, lostTotal), table, events);
    }

    public String host() {
        return host;
    }
}
