package dev.funnel.job.rules;

import dev.funnel.job.remediate.Remediation;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Every section's settings and the watermark settings, as the job uses them. Immutable once built. */
public final class Rules implements Serializable {
    private static final long serialVersionUID = 2L;

    private final Map<String, Rule> rules;
    public final long outOfOrdernessMs;
    public final long idlenessMs;
    /** What to do about alerts: off (every action none) unless rules say so. */
    public final Remediation remediation;
    /** The remediation section as merged YAML, for a file to override key by key. */
    private final Map<String, Object> remediationYaml;

    Rules(Map<String, Rule> rules, long outOfOrdernessMs, long idlenessMs, Remediation remediation,
            Map<String, Object> remediationYaml) {
        this.rules = Map.copyOf(rules);
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idlenessMs = idlenessMs;
        this.remediation = remediation;
        this.remediationYaml = new LinkedHashMap<>(remediationYaml);
    }

    Map<String, Object> remediationYaml() {
        return new LinkedHashMap<>(remediationYaml);
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
