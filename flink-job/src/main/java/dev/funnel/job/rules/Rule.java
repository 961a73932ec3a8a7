package dev.funnel.job.rules;

import java.io.Serializable;

/**
 * One detector's settings. Which fields a detector uses is declared in RulesParser; the
 * others keep their defaults. Times are ms.
 */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String name;
    public boolean enabled = true;
    public double threshold;
    public long windowMs;
    public long slideMs;
    public long cooldownMs;
    /** min_count (slow_requests) or children (short_lived_flood). */
    public int count;
    public long maxLifetimeMs;

    public Rule(String name) {
        this.name = name;
    }
}
