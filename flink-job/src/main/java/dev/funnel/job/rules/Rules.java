package dev.funnel.job.rules;

import java.io.Serializable;
import java.util.Map;

/** The detectors' rules and the watermark settings, as the job uses them. Immutable once built. */
public final class Rules implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String FORK_STORM = "fork_storm";
    public static final String SUSTAINED_FORK_RATE = "sustained_fork_rate";
    public static final String SHORT_LIVED_FLOOD = "short_lived_flood";
    public static final String SLOW_REQUESTS = "slow_requests";
    public static final String FD_BURST = "fd_burst";
    public static final String CONNECTION_BURST = "connection_burst";
    public static final String LOST_VISIBILITY = "lost_visibility";

    private final Map<String, Rule> rules;
    public final long outOfOrdernessMs;
    public final long idlenessMs;

    Rules(Map<String, Rule> rules, long outOfOrdernessMs, long idlenessMs) {
        this.rules = Map.copyOf(rules);
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idlenessMs = idlenessMs;
    }

    /** The built-in defaults (default-rules.yaml). */
    public static Rules defaults() {
        return RulesParser.defaults();
    }

    public Rule get(String detector) {
        Rule r = rules.get(detector);
        if (r == null) {
            throw new IllegalArgumentException("no rule " + detector);
        }
        return r;
    }

    public boolean enabled(String detector) {
        return get(detector).enabled;
    }
}
