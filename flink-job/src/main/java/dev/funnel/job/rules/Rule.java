package dev.funnel.job.rules;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One section's settings, as parsed: each value converted to its key's kind (durations in ms).
 * Immutable once the parser hands it out. Asking for a key the section does not have, or one
 * the defaults never set, is a programming error (IllegalArgumentException), not a user's.
 */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 2L;

    public final String name;
    private final Map<String, Object> values;

    Rule(String name, Map<String, Object> values) {
        this.name = name;
        this.values = Map.copyOf(values);
    }

    Map<String, Object> values() {
        return new HashMap<>(values);
    }

    private Object value(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("rule " + name + " has no value for " + key);
        }
        return v;
    }

    public boolean enabled() {
        return !values.containsKey("enabled") || (Boolean) value("enabled");
    }

    public double number(String key) {
        return ((Number) value(key)).doubleValue();
    }

    public int count(String key) {
        return ((Number) value(key)).intValue();
    }

    public long durationMs(String key) {
        return ((Number) value(key)).longValue();
    }

    /** The usual keys, by name. */
    public double threshold() {
        return number("threshold");
    }

    public long windowMs() {
        return durationMs("window");
    }

    public long cooldownMs() {
        return durationMs("cooldown");
    }
}
