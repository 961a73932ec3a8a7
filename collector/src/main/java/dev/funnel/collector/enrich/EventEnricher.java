package dev.funnel.collector.enrich;

import dev.funnel.collector.event.KernelEvent;
import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.BurstKind;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.ExitDetail;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.SlowRequestDetail;
import dev.funnel.schema.StackFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * Attaches context to a kernel event at once, on the drain thread, because the process may
 * be gone a millisecond later: exe and command line (from the exec record, or /proc while
 * the process lives), the parent's, the cgroup path and the container it names, and
 * wall-clock times. Context that could not be found stays null; nothing here throws on a
 * vanished process.
 *
 * <p>Threading: drain thread only (the caches are not synchronized).
 */
public final class EventEnricher {
    private final BootClock clock;
    private final ProcessCache processes;
    private final CgroupResolver cgroups;
    private final ProcFs proc;
    private final ContextCache contexts;

    /** contextCapacity: processes whose last context is kept for reuse. */
    public EventEnricher(BootClock clock, ProcFs proc, ProcessCache processes, CgroupResolver cgroups, int contextCapacity) {
        this.clock = clock;
        this.proc = proc;
        this.processes = processes;
        this.cgroups = cgroups;
        this.contexts = new ContextCache(contextCapacity);
    }

    /** The event and its process's context, shared with the process's other events while it holds. */
    public Enriched enrich(KernelEvent e) {
        KernelEvent.Header h = e.header();
        if (e instanceof KernelEvent.Exec x) {
            rememberExec(x);
        }
        ProcessCache.Context self = processes.get(h.pid(), h.startNs(), h.execSeq());
        ProcessCache.Context parent = processes.get(h.ppid(), h.parentStartNs(), ProcessCache.ANY_EXEC);
        String cgroupPath = cgroups.path(h.cgroupId(), h.pid());
        ProcessContext context = contexts.reuse(h, self, parent, cgroupPath);
        if (context == null) {
            context = context(h, self, parent, cgroupPath);
            contexts.put(h, self, parent, context);
        }
        // Setters, not the all-fields constructor, which takes boxed Longs: no boxes per event.
        Event event = new Event();
        event.setType(type(e));
        event.setTimeNs(clock.toWallNs(h.tsNs()));
        event.setBootTimeNs(h.tsNs());
        event.setTid(h.tid());
        event.setContext(-1); // set by the encoder, per batch; process and parent stay null
        event.setDetail(detail(e));
        return new Enriched(event, context);
    }

    private ProcessContext context(KernelEvent.Header h, ProcessCache.Context self, ProcessCache.Context p,
            String cgroupPath) {
        ContainerIds.Container container = ContainerIds.parse(cgroupPath);
        ParentInfo parent = new ParentInfo(h.ppid(), h.parentStartNs(), clock.toWallNs(h.parentStartNs()),
                p.comm(), p.exe(), p.cmdline());
        return new ProcessContext(h.pid(), h.startNs(), clock.toWallNs(h.startNs()), h.ppid(), h.uid(), h.comm(),
                self.exe(), self.cmdline(), h.cgroupId(), cgroupPath, container == null ? null : container.id(),
                container == null ? null : container.runtime(), parent);
    }

    /** Contexts built (a process seen first, or changed); every other event reused one. */
    public long contextsBuilt() {
        return contexts.built();
    }

    /** The exec record carries the new image's path and argv: no /proc read, no race. */
    private void rememberExec(KernelEvent.Exec x) {
        KernelEvent.Header h = x.header();
        String exe = x.filename();
        if (!exe.startsWith("/")) {
            String fromProc = proc.exe(h.pid()); // relative path: resolve while it lives
            exe = fromProc != null ? fromProc : exe;
        }
        processes.put(h.pid(), h.startNs(), new ProcessCache.Context(h.comm(), exe, String.join(" ", x.argv()),
                h.execSeq()));
    }

    private static EventType type(KernelEvent e) {
        if (e instanceof KernelEvent.Fork) {
            return EventType.FORK;
        } else if (e instanceof KernelEvent.Exec) {
            return EventType.EXEC;
        } else if (e instanceof KernelEvent.Exit) {
            return EventType.EXIT;
        } else if (e instanceof KernelEvent.Burst) {
            return EventType.BURST;
        } else if (e instanceof KernelEvent.SlowRequest) {
            return EventType.SLOW_REQUEST;
        } else if (e instanceof KernelEvent.CpuProfile) {
            return EventType.CPU_PROFILE;
        }
        return EventType.PROBE;
    }

    private Object detail(KernelEvent e) {
        if (e instanceof KernelEvent.Fork f) {
            return new ForkDetail(f.childPid());
        } else if (e instanceof KernelEvent.Exec x) {
            return new ExecDetail(x.filename(), x.argv(), x.oldPid());
        } else if (e instanceof KernelEvent.Exit x) {
            return new ExitDetail(x.lifetimeNs(), x.status(), x.signal(), x.openFds(), x.nofileLimit());
        } else if (e instanceof KernelEvent.Burst b) {
            return new BurstDetail(BurstKind.valueOf(b.kind().name()), b.subjectPid(), b.count(),
                    clock.toWallNs(b.firstNs()), clock.toWallNs(b.lastNs()), b.bucketCount(), b.destination(),
                    b.destinationPort(), frames(b.stack()));
        } else if (e instanceof KernelEvent.SlowRequest s) {
            return new SlowRequestDetail(s.durationNs(), clock.toWallNs(s.requestStartNs()), s.localPort(),
                    s.remoteAddress(), s.remotePort());
        } else if (e instanceof KernelEvent.CpuProfile c) {
            return cpuProfile(c);
        }
        return null;
    }

    private static CpuProfileDetail cpuProfile(KernelEvent.CpuProfile c) {
        List<SampledStack> stacks = new ArrayList<>(c.stacks().size());
        for (KernelEvent.Stack s : c.stacks()) {
            stacks.add(new SampledStack(s.samples(), frames(s.frames())));
        }
        return new CpuProfileDetail(c.samples(), c.intervalNs(), c.sampleHz(), stacks, c.stackErrors());
    }

    private static List<StackFrame> frames(List<KernelEvent.Frame> in) {
        if (in.isEmpty()) {
            return List.of();
        }
        List<StackFrame> frames = new ArrayList<>(in.size());
        for (KernelEvent.Frame f : in) {
            frames.add(new StackFrame(f.function(), f.module(), f.offset(), f.functionOffset(), f.buildId(), f.kernel()));
        }
        return frames;
    }
}
