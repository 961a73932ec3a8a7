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
     * id (within the header's cgroup) for GROUP_FORK. stackId: for FORK, FD_OPEN and CONNECT,
     * the user stack (burst_stacks map) of the call that turned the key hot, else < 0; stack:
     * that stack named (empty until the kernel source names it).
     */
    record Burst(Header header, BurstKind kind, int count, long firstNs, long lastNs, int bucketCount,
            String destination, int destinationPort, int subject, int stackId, List<Frame> stack) implements KernelEvent {
        public int subjectPid() {
            return subject;
        }

        /** The same burst with its stack named. */
        public Burst withStack(List<Frame> frames) {
            return new Burst(header, kind, count, firstNs, lastNs, bucketCount, destination, destinationPort, subject,
                    stackId, frames);
        }
    }

    record SlowRequest(Header header, long durationNs, long requestStartNs, int localPort,
            String remoteAddress, int remotePort) implements KernelEvent {}

    record Probe(Header header) implements KernelEvent {}

    /**
     * On-CPU samples of one process over one interval (never a ring record: the profiler builds
     * it from the kernel's counts). header: the task of the process's latest sample, with tsNs
     * the end of the interval. samples: all its samples; stacks: the busiest, already named,
     * most samples first; stackErrors: samples whose stack the kernel could not keep.
     */
    record CpuProfile(Header header, int samples, long intervalNs, int sampleHz, List<Stack> stacks,
            int stackErrors) implements KernelEvent {
        /** The process's share of one core in the interval (1.0 = one core all the time). */
        public double coreShare() {
            return samples / (sampleHz * (intervalNs / 1e9));
        }
    }

    /** A distinct stack and its samples; frames innermost first: kernel frames (if any), then user frames. */
    record Stack(int samples, List<Frame> frames) {}

    /**
     * One frame: function null when no symbol covers it; module the mapped file, [vdso],
     * [kernel], [name] for a kernel module, [jit] for a perf map entry, null for anonymous
     * memory; offset the address as in the module's file (the address itself without a module);
     * functionOffset how far into its function the address is (from the symbol, or in a stripped
     * module from its unwind entry), -1 when unknown: offset - functionOffset is the function's
     * start, the same for every address in it.
     */
    record Frame(String function, String module, long offset, long functionOffset, String buildId, boolean kernel) {
        /** As people read it: "handle_batch (/usr/bin/worker)", "0x2a1f (libc.so.6+0x2a1f)". */
        @Override
        public String toString() {
            String where = module == null ? "" : " (" + module + (function == null ? "+0x" + Long.toHexString(offset) : "") + ")";
            return (function != null ? function : "0x" + Long.toHexString(offset)) + where;
        }
    }
}
