package dev.funnel.job.rules;

import java.io.Serializable;

/**
 * A key a rules section accepts and the kind of value it takes. The parser checks every value
 * against its kind and stores it converted: durations in ms, counts as ints.
 */
public record RuleKey(String name, Kind kind) implements Serializable {
    /** What a value may be, in YAML. */
    public enum Kind {
        /** true or false */
        BOOLEAN,
        /** a number >= 0 */
        NUMBER,
        /** a whole number > 0 */
        COUNT,
        /** "500ms", "1s", "2m", "1h", >= 0 */
        DURATION,
        /** a duration > 0 */
        POSITIVE_DURATION
    }

    public static RuleKey bool(String name) {
        return new RuleKey(name, Kind.BOOLEAN);
    }

    public static RuleKey number(String name) {
        return new RuleKey(name, Kind.NUMBER);
    }

    public static RuleKey count(String name) {
        return new RuleKey(name, Kind.COUNT);
    }

    public static RuleKey duration(String name) {
        return new RuleKey(name, Kind.DURATION);
    }

    public static RuleKey window(String name) {
        return new RuleKey(name, Kind.POSITIVE_DURATION);
    }
}
