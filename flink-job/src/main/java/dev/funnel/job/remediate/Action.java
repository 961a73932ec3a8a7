package dev.funnel.job.remediate;

import java.util.Locale;

/** What a rule may do about an alert, mildest first. Names as in rules.yaml and on funnel.actions. */
public enum Action {
    /** Nothing, not even a record. */
    NONE,
    /** A record on funnel.actions saying so; nothing runs on the host. */
    NOTIFY,
    /** cgroup.freeze of the process's container cgroup; a process outside containers gets SIGSTOP. */
    FREEZE,
    /** cpu.max of the process's container cgroup (remediation.throttle_cpu of one CPU). */
    THROTTLE,
    /** SIGKILL to the process, through a pidfd. */
    KILL,
    /** SIGKILL to the process's group, once the leader's identity is checked through a pidfd. */
    KILL_GROUP;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the collector touches the host for it. */
    public boolean touchesHost() {
        return this != NONE && this != NOTIFY;
    }

    public static Action parse(String s) {
        for (Action a : values()) {
            if (a.yamlName().equals(s)) {
                return a;
            }
        }
        return null;
    }
}
