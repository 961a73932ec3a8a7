package dev.funnel.job.model;

/**
 * A remediation decision inside the job (the POJO twin of the Avro Action on funnel.actions).
 * Times: wall-clock ns except startBootNs (the target's start on the boot clock).
 */
public class ActionRecord {
    public String actionId;
    public String alertId;
    public String detector;
    public String host;
    public String bootId;
    public int pid;
    public long startBootNs;
    public String exe;
    public String comm;
    public int uid;
    public String cgroupPath;
    public String containerId;
    /** An Action's yaml name: kill, freeze... */
    public String action;
    /** act, dry_run, notify, protected, rate_limited, disarmed, pending_approval. */
    public String decision;
    public String reason;
    public long issuedNs;
    public long expiresNs;
    public double throttleCpu;
    public long firstEventNs;

    public ActionRecord() {}

    @Override
    public String toString() {
        return action + " pid " + pid + ": " + decision + " (" + reason + ")";
    }
}
