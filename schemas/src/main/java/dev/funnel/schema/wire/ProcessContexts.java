package dev.funnel.schema.wire;

import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.ProcessInfo;
import java.util.List;

/**
 * Reading an event's process from an EventBatch of any version. v2 collectors send each
 * process's context once per batch (EventBatch.processes) and events point at it
 * (Event.context); v1 collectors put it inline in every event (Event.process and
 * Event.parent). Readers go through here and never care which one they got. Stateless.
 */
public final class ProcessContexts {
    private ProcessContexts() {}

    /**
     * The context of e, an event of b: its entry in b's table, or (v1) one built from its
     * inline process and parent. Throws IllegalArgumentException, naming the index, when e
     * points outside the table or has no context at all: the batch is malformed.
     */
    public static ProcessContext of(EventBatch b, Event e) {
        int i = e.getContext();
        if (i >= 0) {
            List<ProcessContext> table = b.getProcesses();
            if (i >= table.size()) {
                throw new IllegalArgumentException("an event refers to process context " + i + " but the batch has "
                        + table.size());
            }
            return table.get(i);
        }
        ProcessInfo p = e.getProcess();
        ParentInfo parent = e.getParent();
        if (p == null || parent == null) {
            throw new IllegalArgumentException("an event has neither a process context index nor an inline process");
        }
        return fromInline(p, parent);
    }

    /** The context v1 carried inline as a process and its parent. */
    public static ProcessContext fromInline(ProcessInfo p, ParentInfo parent) {
        return new ProcessContext(p.getPid(), p.getStartBootNs(), p.getStartTimeNs(), p.getPpid(), p.getUid(),
                p.getComm(), p.getExe(), p.getCmdline(), p.getCgroupId(), p.getCgroupPath(), p.getContainerId(),
                p.getContainerRuntime(), parent);
    }

    /** The thread of e: Event.tid from v2 on, process.tid in v1. */
    public static int tid(Event e) {
        return e.getContext() < 0 && e.getProcess() != null ? e.getProcess().getTid() : e.getTid();
    }

    /**
     * e with its process and parent inline, the way v1 carried them: one self-contained
     * object for people (JSON lines) and tests. A new Event; e is not changed.
     */
    public static Event inline(EventBatch b, Event e) {
        return inline(e, of(b, e));
    }

    /** e with the context c inline (see {@link #inline(EventBatch, Event)}). */
    public static Event inline(Event e, ProcessContext c) {
        int tid = tid(e);
        ProcessInfo p = new ProcessInfo(c.getPid(), tid, c.getStartBootNs(), c.getStartTimeNs(), c.getPpid(),
                c.getUid(), c.getComm(), c.getExe(), c.getCmdline(), c.getCgroupId(), c.getCgroupPath(),
                c.getContainerId(), c.getContainerRuntime());
        return new Event(e.getType(), e.getTimeNs(), e.getBootTimeNs(), tid, -1, p, c.getParent(), e.getDetail());
    }
}
