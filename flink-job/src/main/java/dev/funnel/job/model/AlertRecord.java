package dev.funnel.job.model;

import java.util.HashMap;
import java.util.Map;

/**
 * An alert inside the job (the POJO twin of the Avro Alert, converted at the sink). Detectors
 * emit candidates; the deduplicator lets one per incident through.
 */
public class AlertRecord {
    public String alertId;
    public String detector;
    /** Detectors of one family describe the same incident (e.g. the spawn family). */
    public String family;
    /** Within a family, a lower number wins when several fire at once. */
    public int priority;
    /** The incident's subject: process key, process+destination, or host. */
    public String subjectKey;
    public long cooldownMs;
    public String summary;
    public String host;
    public String bootId;
    public int pid;
    public long processStartNs;
    public String comm;
    public String exe;
    public String cmdline;
    public int ppid;
    public int uid;
    public String cgroupPath;
    public String containerId;
    public double observed;
    public double threshold;
    public String unit;
    public long windowStartNs;
    public long windowEndNs;
    public long lostEventsInWindow;
    public long firstEventNs;
    public Map<String, String> attributes = new HashMap<>();

    public AlertRecord() {}

    @Override
    public String toString() {
        return detector + ": " + summary;
    }
}
