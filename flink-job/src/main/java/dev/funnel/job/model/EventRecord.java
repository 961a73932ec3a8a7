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

    public long lifetimeNs;   // EXIT
    public long durationNs;   // SLOW_REQUEST
    public String destination; // CONNECT_BURST
    public int destinationPort;

    /** The batch's loss accounting: cumulative lost events of the collector run, and the
     *  part of it reported by this batch (see Loss in EventBatch.avsc). */
    public long lostTotal;
    public long lostDelta;

    public EventRecord() {}

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
                ? parentKey() : processKey();
    }

    public long timeMs() {
        return timeNs / 1_000_000L;
    }
}
