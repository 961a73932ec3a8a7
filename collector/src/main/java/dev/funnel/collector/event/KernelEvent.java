package dev.funnel.collector.event;

import java.util.List;

/**
 * A decoded ring buffer record, still in kernel terms (boot clock ns, raw ids). Immutable;
 * the enricher turns it into the Avro {@code Event} with wall-clock time and context.
 */
public sealed interface KernelEvent {
    Header header();

    /**
     * struct event_header. All *Ns fields are CLOCK_BOOTTIME nanoseconds. execSeq: the
     * process's execs so far, so a context cached for (pid, start) at a lower value is stale.
     */
    record Header(long tsNs, long startNs, long parentStartNs, long cgroupId, int type, int pid, int tid,
            int ppid, int uid, int execSeq, String comm) {}

    record Fork(Header header, int childPid) implements KernelEvent {}

    record Exec(Header header, int oldPid, String filename, List<String> argv) implements KernelEvent {}

    /**
     * exitCode as wait(2) reports it: (status << 8) | signal. openFds: descriptors in use at
     * exit (the file table's next free fd); nofileLimit: its RLIMIT_NOFILE soft limit.
     */
    record Exit(Header header, long lifetimeNs, int exitCode, int openFds, long nofileLimit) implements KernelEvent {
        public int status() {
            return (exitCode & 0x7f) == 0 ? (exitCode >> 8) & 0xff : -1;
        }

        public int signal() {
            return exitCode & 0x7f;
        }
    }

    /** enum burst_kind; the ordinal + 1 is the C value. */
    enum BurstKind {
        FORK, CHILD_EXEC, CHILD_SHORT_EXIT, FD_OPEN, CONNECT, GROUP_FORK, CHILD_FAILED_EXIT
    }

    /**
     * destination is the textual address for CONNECT bursts, else null. subject: whose burst it
     * is, as the kernel keyed it: the process itself, the parent for CHILD_* kinds, the session
     * id (within the header's cgroup) for GROUP_FORK.
     */
    record Burst(Header header, BurstKind kind, int count, long firstNs, long lastNs, int bucketCount,
            String destination, int destinationPort, int subject) implements KernelEvent {
        public int subjectPid() {
            return subject;
        }
    }

    record SlowRequest(Header header, long durationNs, long requestStartNs, int localPort,
            String remoteAddress, int remotePort) implements KernelEvent {}

    record Probe(Header header) implements KernelEvent {}
}
