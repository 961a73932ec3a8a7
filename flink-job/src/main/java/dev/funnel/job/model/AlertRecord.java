package dev.funnel.job.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert inside the job (the POJO twin of the Avro Alert, converted at the sink). Detectors
 * emit candidates (findings); the incident grouper joins the findings about one process tree
 * and lets one alert per incident through, the findings listed in it.
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
    /** The parent's start (boot clock ns): with ppid, the parent's identity (0: unknown). */
    public long parentStartNs;
    /** The process's own start on the boot clock: with pid, its identity across PID reuse. */
    public long startBootNs;
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
    /** Why this is abnormal, in words. */
    public String why;
    /** Other identities this finding is about, beyond its process and parent (e.g. a cgroup session). */
    public List<String> relatedKeys = new ArrayList<>();
    /** Set by the incident grouper on the alert it lets through: every finding, the headline's first. */
    public List<Finding> findings = new ArrayList<>();

    public AlertRecord() {}

    @Override
    public String toString() {
        return detector + ": " + summary;
    }
}
