package dev.funnel.job.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.funnel.job.remediate.Remediation;
import dev.funnel.job.remediate.RemediationParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads rules YAML over the built-in defaults (default-rules.yaml). The sections it accepts
 * are the ones it is given (each detector declares its own), plus "watermarks"; an unknown
 * section or key, or a bad value, is an error that names the file, the section and the key.
 * The remediation section has lists and per-detector maps: RemediationParser reads it.
 */
public final class RulesParser {
    /** The job's own section: how event time advances. */
    static final RuleSection WATERMARKS = new RuleSection("watermarks",
            List.of(RuleKey.duration("out_of_orderness"), RuleKey.window("idleness")));
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private RulesParser() {}

    /** The built-in defaults for these sections: default-rules.yaml must set every key of each. */
    public static Rules defaults(List<RuleSection> sections) {
        try (InputStream in = RulesParser.class.getResourceAsStream("/default-rules.yaml")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-rules.yaml", null, sections);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("default-rules.yaml missing from the job jar", e);
        }
    }

    /** The defaults overridden by the file. */
    public static Rules fromFile(Path file, List<RuleSection> sections) {
        try {
            return parse(Files.readString(file), file.toString(), defaults(sections), sections);
        } catch (IOException e) {
            throw new RulesException("cannot read rules " + file + ": " + e.getMessage());
        }
    }

    /** Parses yaml over base (null: from scratch, every key of every section required). */
    public static Rules parse(String yaml, String source, Rules base, List<RuleSection> sections) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (RuntimeException e) {
            throw new RulesException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            root = Map.of();
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new RulesException(source + ": expected a map of sections at the top level");
        }
        Map<String, RuleSection> known = new LinkedHashMap<>();
        sections.forEach(s -> known.put(s.name(), s));
        known.put(WATERMARKS.name(), WATERMARKS);
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        for (RuleSection s : known.values()) {
            values.put(s.name(), base == null ? new LinkedHashMap<>() : base(base, s.name()));
        }
        Map<String, Object> remediation = base == null ? new LinkedHashMap<>() : base.remediationYaml();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.equals(RemediationParser.SECTION)) {
                remediation = RemediationParser.merge(remediation, e.getValue(), source);
                continue;
            }
            RuleSection section = known.get(name);
            if (section == null) {
                throw new RulesException(source + ": unknown section '" + name + "' (known: "
                        + String.join(", ", known.keySet()) + ", " + RemediationParser.SECTION + ")");
            }
            if (!(e.getValue() instanceof Map<?, ?> settings)) {
                throw new RulesException(source + ": " + name + ": expected a map of settings");
            }
            for (Map.Entry<?, ?> kv : settings.entrySet()) {
                String key = String.valueOf(kv.getKey());
                String where = source + ": " + name + "." + key;
                RuleKey k = section.key(key);
                if (k == null) {
                    throw new RulesException(where + ": unknown key (known: " + String.join(", ", section.keyNames()) + ")");
                }
                values.get(name).put(key, convert(k, kv.getValue(), where));
            }
        }
        for (RuleSection s : known.values()) {
            for (RuleKey k : s.keys()) {
                if (!values.get(s.name()).containsKey(k.name())) {
                    throw new RulesException(source + ": " + s.name() + "." + k.name() + " is required");
                }
            }
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        values.forEach((name, v) -> {
            if (!name.equals(WATERMARKS.name())) {
                rules.put(name, new Rule(name, v));
            }
        });
        Map<String, Object> w = values.get(WATERMARKS.name());
        Set<String> detectors = new java.util.LinkedHashSet<>(rules.keySet());
        detectors.remove("incidents");
        Remediation policy = remediation.isEmpty() ? Remediation.OFF
                : RemediationParser.build(remediation, source, detectors);
        return new Rules(rules, (Long) w.get("out_of_orderness"), (Long) w.get("idleness"), policy, remediation);
    }

    private static Map<String, Object> base(Rules base, String section) {
        if (section.equals(WATERMARKS.name())) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("out_of_orderness", base.outOfOrdernessMs);
            w.put("idleness", base.idlenessMs);
            return w;
        }
        return base.get(section).values();
    }

    /** A YAML value checked against k's kind and converted (durations to ms), or an error naming where. */
    public static Object value(RuleKey k, Object v, String where) {
        return convert(k, v, where);
    }

    private static Object convert(RuleKey k, Object v, String where) {
        switch (k.kind()) {
            case BOOLEAN -> {
                if (!(v instanceof Boolean b)) {
                    throw new RulesException(where + ": '" + v + "' is not true or false");
                }
                return b;
            }
            case NUMBER -> {
                if (v instanceof Number n && n.doubleValue() >= 0) {
                    return n.doubleValue();
                }
                throw new RulesException(where + ": '" + v + "' is not a number >= 0");
            }
            case COUNT -> {
                if (v instanceof Integer n && n > 0) {
                    return n;
                }
                throw new RulesException(where + ": '" + v + "' is not a whole number > 0");
            }
            case DURATION -> {
                return duration(v, where);
            }
            case POSITIVE_DURATION -> {
                long ms = duration(v, where);
                if (ms <= 0) {
                    throw new RulesException(where + ": must be greater than 0");
                }
                return ms;
            }
            default -> throw new IllegalStateException(k.kind().name());
        }
    }

    /** A duration option ("10s") in ms, or an error naming where it came from. */
    public static long durationMs(String value, String where) {
        return duration(value, where);
    }

    /** "500ms", "1s", "2m", "1h" to ms. */
    static long duration(Object v, String where) {
        Matcher m = DURATION.matcher(String.valueOf(v).trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new RulesException(where + ": '" + v + "' is not a duration like 500ms, 1s, 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }
}
