package dev.funnel.job.source;

import dev.funnel.job.model.BatchInfo;
import dev.funnel.job.model.EventRecord;
import dev.funnel.job.model.Kind;
import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.ExitDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.SlowRequestDetail;
import dev.funnel.schema.wire.ProcessContexts;
import java.util.List;

/** Avro EventBatch (v1 or v2) to the job's POJOs, each with its process's context. Stateless. */
public final class BatchMapper {
    private BatchMapper() {}

    public static BatchInfo info(EventBatch b) {
        Loss l = b.getLoss();
        BatchInfo i = new BatchInfo();
        i.host = b.getHost();
        i.bootId = b.getBootId();
        i.run = b.getCollectorRun();
        i.seq = b.getSeq();
        i.createdNs = b.getCreatedNs();
        i.events = b.getEvents().size();
        i.lostTotal = l.getLostTotal();
        i.kernelDropped = l.getKernelDroppedSincePrev();
        i.kernelUntracked = l.getKernelUntrackedSincePrev();
        i.queueDropped = l.getQueueDroppedSincePrev();
        i.kafkaFailed = l.getKafkaFailedSincePrev();
        return i;
    }

    /** Throws IllegalArgumentException when an event points outside the batch's process table. */
    public static EventRecord[] events(EventBatch b, BatchInfo info) {
        List<Event> in = b.getEvents();
        EventRecord[] out = new EventRecord[in.size()];
        long delta = info.kernelDropped + info.kernelUntracked + info.queueDropped + info.kafkaFailed;
        for (int i = 0; i < out.length; i++) {
            Event e = in.get(i);
            out[i] = record(e, ProcessContexts.of(b, e), b.getHost(), b.getBootId(), info.lostTotal, delta);
        }
        return out;
    }

    static EventRecord record(Event e, ProcessContext p, String host, String bootId, long lostTotal, long lostDelta) {
        EventRecord r = new EventRecord();
        r.host = host;
        r.bootId = bootId;
        r.timeNs = e.getTimeNs();
        r.firstNs = e.getTimeNs();
        r.count = 1;
        r.pid = p.getPid();
        r.startNs = p.getStartBootNs();
        r.startTimeNs = p.getStartTimeNs();
        r.ppid = p.getPpid();
        r.uid = p.getUid();
        r.comm = p.getComm();
        r.exe = p.getExe();
        r.cmdline = p.getCmdline();
        r.cgroupPath = p.getCgroupPath();
        r.containerId = p.getContainerId();
        ParentInfo parent = p.getParent();
        r.parentStartNs = parent.getStartBootNs();
        r.parentComm = parent.getComm();
        r.parentExe = parent.getExe();
        r.parentCmdline = parent.getCmdline();
        r.lostTotal = lostTotal;
        r.lostDelta = lostDelta;
        Object d = e.getDetail();
        switch (e.getType()) {
            case FORK -> r.kind = Kind.FORK;
            case EXEC -> r.kind = Kind.EXEC;
            case EXIT -> {
                r.kind = Kind.EXIT;
                if (d instanceof ExitDetail x) {
                    r.lifetimeNs = x.getLifetimeNs();
                    r.exitStatus = x.getExitCode();
                    r.exitSignal = x.getSignal();
                    r.openFds = x.getOpenFds();
                    r.nofileLimit = x.getNofileLimit();
                }
            }
            case SLOW_REQUEST -> {
                r.kind = Kind.SLOW_REQUEST;
                if (d instanceof SlowRequestDetail s) {
                    r.durationNs = s.getDurationNs();
                    r.localPort = s.getLocalPort();
                    r.destination = s.getRemoteAddress();
                    r.destinationPort = s.getRemotePort();
                }
            }
            case BURST -> burst(r, (BurstDetail) d);
            case CPU_PROFILE -> {
                r.kind = Kind.CPU_PROFILE;
                if (d instanceof CpuProfileDetail c) {
                    CpuFrames.fill(r, c);
                }
            }
            default -> r.kind = Kind.OTHER;
        }
        return r;
    }

    private static void burst(EventRecord r, BurstDetail b) {
        r.count = b.getCount();
        r.subject = b.getSubjectPid();
        r.firstNs = b.getFirstTimeNs();
        r.destination = b.getDestination();
        r.destinationPort = b.getDestinationPort();
        if (!b.getStack().isEmpty()) {
            r.hotStack = CpuFrames.stack(b.getStack());
        }
        r.kind = switch (b.getKind()) {
            case FORK -> Kind.FORK_BURST;
            case CHILD_EXEC -> Kind.CHILD_EXEC_BURST;
            case CHILD_SHORT_EXIT -> Kind.CHILD_SHORT_EXIT_BURST;
            case FD_OPEN -> Kind.FD_OPEN_BURST;
            case CONNECT -> Kind.CONNECT_BURST;
            case GROUP_FORK -> Kind.GROUP_FORK_BURST;
            case CHILD_FAILED_EXIT -> Kind.CHILD_FAILED_BURST;
        };
    }
}
