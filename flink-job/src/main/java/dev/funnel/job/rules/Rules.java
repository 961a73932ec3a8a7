package dev.funnel.job.rules;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/** Every section's settings and the watermark settings, as the job uses them. Immutable once built. */
public final class Rules implements Serializable {
    private static final long serialVersionUID = 2L;

    private final Map<String, Rule> rules;
    public final long outOfOrdernessMs;
    public final long idlenessMs;

    Rules(Map<String, Rule> rules, long outOfOrdernessMs, long idlenessMs) {
        this.rules = Map.copyOf(rules);
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idlenessMs = idlenessMs;
    }

    public Rule get(String section) {
        Rule r = rules.get(section);
        if (r == null) {
            throw new IllegalArgumentException("no rules section " + section);
        }
        return r;
    }

    public boolean enabled(String section) {
        return get(section).enabled();
    }

    public Set<String> sections() {
        return rules.keySet();
    }
}
