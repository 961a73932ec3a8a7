package dev.funnel.job.model;

/**
 * One event from a collector's batch, flattened for Flink (a POJO: Flink serializes it
 * without Kryo). Times are wall-clock ns. count is how many kernel events the record stands
 * for: 1 for a single event, the aggregated count for a burst.
 */
public class EventRecord {
    public String host;
    public String bootId;
    public Kind kind;
    public long timeNs;
    public long firstNs;
    public int count;

    public int pid;
    public long startNs;      // boot clock: with host, bootId and pid, the process identity
    public long startTimeNs;  // wall clock, for people
    public int ppid;
    public long parentStartNs;
    public int uid;
    public String comm;
    public String exe;
    public String cmdline;
    public String parentComm;
    public String parentExe;
    public String parentCmdline;
    public String cgroupPath;
    public String containerId;

    public long lifetimeNs;    // EXIT
    public int exitStatus;     // EXIT: 0-255 for a normal exit, else -1
    public int exitSignal;     // EXIT: the terminating signal, else 0
    public int openFds;        // EXIT: descriptors in use at exit
    public long nofileLimit;   // EXIT: RLIMIT_NOFILE soft limit (0: not known)
    public int subject;        // bursts: whose (a pid; the session id for GROUP_FORK_BURST)
    public long durationNs;    // SLOW_REQUEST
    public int localPort;      // SLOW_REQUEST: the server's port
    public String destination; // CONNECT_BURST: the address connected to; SLOW_REQUEST: the client's
    public int destinationPort; // CONNECT_BURST: the port connected to; SLOW_REQUEST: the client's
    public int sampleHz;        // CPU_PROFILE: samples per second per CPU (durationNs: the interval)
    /** CPU_PROFILE: the innermost frame of each named stack, as people read it, busiest first,
     *  with its samples in frameSamples (same index). hotStack, innermost first: CPU_PROFILE the
     *  busiest stack; FORK, FD_OPEN and CONNECT bursts the call that made the key hot. */
    public String[] frames;
    public int[] frameSamples;
    public String hotStack;

    /** The batch's loss accounting: cumulative lost events of the collector run, and the
     *  part of it reported by this batch (see Loss in EventBatch.avsc). */
    public long lostTotal;
    public long lostDelta;

    public EventRecord() {}

    /** Whether the record is an exit that failed: killed by a signal, or a non-zero status. */
    public boolean failedExit() {
        return kind == Kind.EXIT && (exitSignal != 0 || exitStatus != 0);
    }

    /** The cgroup session a process belongs to: host/cgroup-id/sid (GROUP_FORK_BURST records only). */
    public String groupKey() {
        return host + '/' + cgroupPath + '/' + subject;
    }

    /** The process the record is about: host/pid@start. */
    public String processKey() {
        return host + '/' + pid + '@' + startNs;
    }

    /** Its parent: host/ppid@parentStart. */
    public String parentKey() {
        return host + '/' + ppid + '@' + parentStartNs;
    }

    /**
     * The process that spawns, for the spawn detectors (fork storm, sustained rate, flood):
     * the forker for forks, the parent for its children's exits.
     */
    public String spawnerKey() {
        return kind == Kind.EXIT || kind == Kind.CHILD_SHORT_EXIT_BURST || kind == Kind.CHILD_EXEC_BURST
                || kind == Kind.CHILD_FAILED_BURST ? parentKey() : processKey();
    }

    public long timeMs() {
        return timeNs / 1_000_000L;
    }

    /**
     * A copy for detectors whose alert is about the process itself: its parent's strings are
     * left out, so there is less to ship across their keyBy and to keep in their state.
     */
    public EventRecord forProcessAlerts() {
        EventRecord r = copy();
        r.parentComm = null;
        r.parentExe = null;
        r.parentCmdline = null;
        return r;
    }

    /** A copy for detectors whose alert is about the parent (spawner): the child's own strings go. */
    public EventRecord forParentAlerts() {
        EventRecord r = copy();
        r.comm = null;
        r.exe = null;
        r.cmdline = null;
        return r;
    }

    private EventRecord copy() {
        EventRecord r = new EventRecord();
        r.host = host;
        r.bootId = bootId;
        r.kind = kind;
        r.timeNs = timeNs;
        r.firstNs = firstNs;
        r.count = count;
        r.pid = pid;
        r.startNs = startNs;
        r.startTimeNs = startTimeNs;
        r.ppid = ppid;
        r.parentStartNs = parentStartNs;
        r.uid = uid;
        r.comm = comm;
        r.exe = exe;
        r.cmdline = cmdline;
        r.parentComm = parentComm;
        r.parentExe = parentExe;
        r.parentCmdline = parentCmdline;
        r.cgroupPath = cgroupPath;
        r.containerId = containerId;
        r.lifetimeNs = lifetimeNs;
        r.exitStatus = exitStatus;
        r.exitSignal = exitSignal;
        r.openFds = openFds;
        r.nofileLimit = nofileLimit;
        r.subject = subject;
        r.durationNs = durationNs;
        r.localPort = localPort;
        r.destination = destination;
        r.destinationPort = destinationPort;
        r.sampleHz = sampleHz;
        r.frames = frames;           // never mutated once mapped: shared, not copied
        r.frameSamples = frameSamples;
        r.hotStack = hotStack;
        r.lostTotal = lostTotal;
        r.lostDelta = lostDelta;
        return r;
    }
}
